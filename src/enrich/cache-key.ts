// Results are cached by what determines them: the article's content, the prompt version (and the
// effective templates), the model(s), and the options that shape the answer.
import { createHash } from 'node:crypto';
import { modelFor, type EnrichOptions, type StepName } from './options.ts';
import { promptFingerprint } from './steps/prompts.ts';

export function modelsInUse(options: EnrichOptions, needsBody: boolean): string[] {
  const steps: StepName[] =
    options.mode === 'single' ? ['single'] : ['translate', 'summary', 'classify', 'entities'];
  if (needsBody) steps.push('translateBody');
  return [...new Set(steps.map((s) => modelFor(options, s) ?? 'none'))];
}

export function enrichmentCacheKey(args: {
  title: string;
  text: string;
  /** The feed summary when it is used (it replaces the generated summary). */
  feedSummary: string | null;
  options: EnrichOptions;
  needsBody: boolean;
}): string {
  const o = args.options;
  const shape = JSON.stringify([
    o.targetLanguage,
    o.mode,
    o.categories,
    o.vulnerabilityCategories,
    o.importance,
    o.translateBody,
    o.input,
    promptFingerprint(o),
  ]);
  const hash = createHash('sha256')
    .update(args.title.trim())
    .update('\u0000')
    .update(args.text.trim())
    .update('\u0000')
    .update(args.feedSummary ?? '')
    .update('\u0000')
    .update(shape)
    .digest('hex');
  return `enrich:${o.promptVersion}:${modelsInUse(o, args.needsBody).join('+')}:${hash.slice(0, 40)}`;
}
