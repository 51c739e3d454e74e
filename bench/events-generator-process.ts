// Process of bench:events that makes the article stream. The generator leaves ~400 MB of throwaway text over
// 100,000 articles; made here, it is collected in this process's heap and counted in its memory, not in the
// process being measured, which then holds what the service would: the batches as read from the store,
// the fingerprint thread and the grouper. Talks to its parent over IPC (advanced serialization).
import { ArticleStream, loadCorpus, planStream, type Corpus } from './events-generator.ts';

export type GeneratorRequest =
  /** Start the stream over (a fresh reprint cache). */
  | { restart: { articles: number; seed: number } }
  /** Articles `from` until `to`, in order. */
  | { from: number; to: number };

let corpus: Corpus | undefined;
let stream: ArticleStream | undefined;

function answer(request: GeneratorRequest): unknown {
  if ('restart' in request) {
    corpus ??= loadCorpus();
    stream = new ArticleStream(corpus, planStream(corpus, request.restart.articles, request.restart.seed));
    return { articles: [] };
  }
  if (!stream) throw new Error('the stream was not started');
  return { articles: stream.batch(request.from, request.to) };
}

process.on('message', (request: GeneratorRequest) => {
  try {
    process.send!(answer(request));
  } catch (err) {
    process.send!({ error: err instanceof Error ? err.stack : String(err) });
  }
});
process.on('disconnect', () => process.exit(0));
