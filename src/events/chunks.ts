// Articles are grouped batch by batch, handing the event loop back in between.

/** `items` in chunks of `size`; the first one holds `firstSize` (at most `size`, at least one). */
export function splitInChunks<T>(items: readonly T[], size: number, firstSize = size): T[][] {
  const parts: T[][] = [];
  const first = Math.max(1, Math.min(firstSize, size));
  if (items.length) parts.push(items.slice(0, first));
  for (let i = first; i < items.length; i += size) parts.push(items.slice(i, i + size));
  return parts;
}
