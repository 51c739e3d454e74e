// 32-bit hashing for tokens, shingles and band keys. Integers keep signatures compact and comparisons cheap.

/** FNV-1a over UTF-16 code units: fast, stable across runs and processes. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3 finaliser: spreads the bits of a 32-bit value (FNV alone has weak low bits). */
export function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Order-dependent combination of two hashes (used for shingles and LSH band keys). */
export function combine32(seed: number, value: number): number {
  return mix32((Math.imul(seed ^ 0x9e3779b9, 31) + value) | 0);
}

/**
 * Keys used in Maps and Sets are kept to 30 bits: V8 stores such numbers as small integers, while larger
 * ones become heap numbers that make every lookup allocate (measured several times slower).
 */
export const KEY_MASK = 0x3fffffff;

/** Token hash as used everywhere in this module: FNV-1a, mixed, cut to a 30-bit key. */
export function tokenHash(token: string): number {
  return mix32(hashString(token)) & KEY_MASK;
}
