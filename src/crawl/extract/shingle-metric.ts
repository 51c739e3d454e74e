// The article-extraction benchmark metric (scrapinghub/article-extraction-benchmark): bags of word
// 4-gram shingles, per-page precision/recall, averaged, then F1.

export interface PageScore {
  precision?: number;
  recall?: number;
}

export interface BenchmarkScore {
  precision: number;
  recall: number;
  f1: number;
  pages: number;
}

function tokenize(text: string): string[] {
  return text.match(/[\p{L}\p{N}_]+/gu) ?? [];
}

function shingles(text: string, n = 4): Map<string, number> {
  const tokens = tokenize(text);
  const bag = new Map<string, number>();
  if (!tokens.length) return bag;
  const count = Math.max(1, tokens.length - n + 1);
  for (let i = 0; i < count; i++) {
    const key = tokens.slice(i, i + n).join('\u0001');
    bag.set(key, (bag.get(key) ?? 0) + 1);
  }
  return bag;
}

/** Precision and recall of one page; undefined where the ratio is 0/0. */
export function scorePage(truth: string, predicted: string): PageScore {
  const t = shingles(truth);
  const p = shingles(predicted);
  let tp = 0;
  let predTotal = 0;
  let trueTotal = 0;
  for (const v of p.values()) predTotal += v;
  for (const [k, v] of t) {
    trueTotal += v;
    tp += Math.min(v, p.get(k) ?? 0);
  }
  const fp = predTotal - tp;
  const fn = trueTotal - tp;
  if (fp === 0 && fn === 0) return { precision: 1, recall: 1 };
  return {
    precision: tp + fp > 0 ? tp / (tp + fp) : undefined,
    recall: tp + fn > 0 ? tp / (tp + fn) : undefined,
  };
}

export function aggregate(scores: PageScore[]): BenchmarkScore {
  const ps = scores.map((s) => s.precision).filter((x): x is number => x !== undefined);
  const rs = scores.map((s) => s.recall).filter((x): x is number => x !== undefined);
  const precision = ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : 0;
  const recall = rs.length ? rs.reduce((a, b) => a + b, 0) / rs.length : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, pages: scores.length };
}
