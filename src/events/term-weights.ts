// Term weighting for title and headline similarity: inverse document frequency over the window, with the
// generic security vocabulary at a quarter weight so "漏洞"/"vulnerability"/"攻击" cannot join stories alone.

export const GENERIC_TERM_WEIGHT = 0.25;

/** Weight of a term seen in `df` of `n` window articles. */
export function termWeight(df: number, n: number, generic: boolean): number {
  const idf = Math.log(1 + (n + 1) / (df + 1));
  return generic ? idf * GENERIC_TERM_WEIGHT : idf;
}

/**
 * Weighted Jaccard of two sorted distinct term arrays: Σ w(a ∩ b) / (massA + massB − Σ w(a ∩ b)).
 * `weightsA[i]` is the weight of `a[i]`; massB is the other side's total weight (computed when it was indexed).
 */
export function weightedJaccard(
  a: Uint32Array,
  weightsA: Float64Array,
  massA: number,
  b: Uint32Array,
  massB: number,
): number {
  if (a.length === 0 || b.length === 0) return 0;
  let shared = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x === y) {
      shared += weightsA[i];
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  const union = massA + massB - shared;
  return union > 0 ? Math.min(1, shared / union) : 0;
}
