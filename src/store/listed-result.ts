// An execution's result as lists show it. crawl.sources lists every source it crawled: a list of hourly
// crawls of 1,000 sources would otherwise carry (and parse) every per-source line of every crawl. The cut
// copy is made once when the execution finishes and stored beside the whole result (result_listed).

/** Arrays in a result longer than this are cut to their length in lists. */
const LIST_ARRAY_MAX = 20;
const LIST_DEPTH_MAX = 4;

/** The result with long arrays (to depth 4) replaced by `{ truncated: true, length }`; undefined when nothing was cut. */
export function listedResult(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > LIST_DEPTH_MAX) return undefined;
  if (Array.isArray(value) && value.length > LIST_ARRAY_MAX) return { truncated: true, length: value.length };
  const cuts: [string, unknown][] = [];
  for (const [key, item] of Object.entries(value)) {
    const cut = listedResult(item, depth + 1);
    if (cut !== undefined) cuts.push([key, cut]);
  }
  if (cuts.length === 0) return undefined;
  const out = (Array.isArray(value) ? [...value] : { ...value }) as Record<string, unknown>;
  for (const [key, cut] of cuts) out[key] = cut;
  return out;
}
