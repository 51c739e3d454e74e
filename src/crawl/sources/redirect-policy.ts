// Permanent redirects move a source's stored URL only after they repeat; temporary ones never do.

export interface Hop {
  from: string;
  to: string;
  permanent: boolean;
}

export interface RedirectMemory {
  /** The permanent target seen on the last crawls. */
  target: string;
  /** How many consecutive crawls ended there. */
  count: number;
}

export interface RedirectDecision {
  memory?: RedirectMemory;
  /** Set when the stored URL should become this. */
  promoteTo?: string;
}

/** The end of the leading run of permanent hops, or undefined when the first hop is temporary. */
export function permanentTarget(redirects: readonly Hop[]): string | undefined {
  let target: string | undefined;
  for (const hop of redirects) {
    if (!hop.permanent) break;
    target = hop.to;
  }
  return target;
}

/** Updates the memory after a crawl; `threshold` consecutive crawls (default 3) promote the target. */
export function decideRedirect(
  redirects: readonly Hop[],
  memory: RedirectMemory | undefined,
  threshold = 3,
): RedirectDecision {
  const target = permanentTarget(redirects);
  if (!target) return {};
  const count = memory?.target === target ? memory.count + 1 : 1;
  if (count >= threshold) return { promoteTo: target };
  return { memory: { target, count } };
}
