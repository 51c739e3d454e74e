// MinHash signatures over sets of 32-bit shingle hashes; the fraction of equal slots estimates Jaccard.
import { mix32 } from './hash.ts';

const mix = mix32;

export type Signature = Uint32Array;

const EMPTY = 0xffffffff;

const seedCache = new Map<string, { xor: Uint32Array; mul: Uint32Array }>();

function seeds(count: number, salt: number): { xor: Uint32Array; mul: Uint32Array } {
  const cacheKey = `${count}:${salt}`;
  const cached = seedCache.get(cacheKey);
  if (cached) return cached;
  const xor = new Uint32Array(count);
  const mul = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    xor[i] = mix32(salt + 2 * i + 1);
    mul[i] = (mix32(salt + 2 * i + 2) | 1) >>> 0;
  }
  seedCache.set(cacheKey, { xor, mul });
  return { xor, mul };
}

/**
 * Classic MinHash: `size` hash functions, each set element hashed by every one. O(n·size); used for short
 * texts (headline + summary) where a one-permutation sketch would leave most slots empty.
 * Elements are already well-mixed 32-bit hashes, so each function is a multiply-add permutation of them
 * compared as signed integers (another fixed order): two instructions per element and slot.
 */
export function minHash(hashes: ArrayLike<number>, size: number, salt = 0x5eed): Signature {
  if (hashes.length === 0) return new Uint32Array(size).fill(EMPTY);
  const { xor: add, mul } = seeds(size, salt);
  const values = Int32Array.from(hashes);
  const sig = new Int32Array(size);
  const n = values.length;
  // Hash function outer, elements inner: the running minimum stays in a register.
  for (let i = 0; i < size; i++) {
    const a = mul[i] | 0;
    const b = add[i] | 0;
    let min = (Math.imul(values[0], a) + b) | 0;
    for (let j = 1; j < n; j++) {
      const h = (Math.imul(values[j], a) + b) | 0;
      if (h < min) min = h;
    }
    sig[i] = min;
  }
  return new Uint32Array(sig.buffer);
}

/**
 * One-permutation MinHash with rotation densification: each element is hashed once and lands in one bin,
 * empty bins borrow from the next filled bin. O(n + size); used for long bodies.
 */
export function oneMinHash(hashes: ArrayLike<number>, size: number, salt = 0xb0d1): Signature {
  const sig = new Uint32Array(size).fill(EMPTY);
  if (hashes.length === 0) return sig;
  const range = Math.floor(0x100000000 / size);
  for (let j = 0; j < hashes.length; j++) {
    const h = mix(hashes[j] ^ salt);
    const bin = Math.min(size - 1, Math.floor(h / range));
    const offset = h - bin * range;
    if (offset < sig[bin]) sig[bin] = offset;
  }
  for (let i = 0; i < size; i++) {
    if (sig[i] !== EMPTY) continue;
    for (let step = 1; step < size; step++) {
      const from = sig[(i + step) % size];
      if (from !== EMPTY && from < range) {
        // Offset by the distance so a borrowed value never equals a real one by accident.
        sig[i] = (range + mix(from + step * 0x9e3779b1)) >>> 0;
        break;
      }
    }
  }
  return sig;
}

/** Estimated Jaccard similarity of the two sets behind the signatures (0 when either set was empty). */
export function signatureSimilarity(a: Signature, b: Signature): number {
  const n = Math.min(a.length, b.length);
  if (n === 0 || a[0] === EMPTY || b[0] === EMPTY) return 0;
  let equal = 0;
  for (let i = 0; i < n; i++) if (a[i] === b[i]) equal++;
  return equal / n;
}

/**
 * signatureSimilarity(a, b) when it is at least `min`, else -1. Stops comparing once too many slots differ
 * for `min` to be reached: most LSH candidates share one band by chance and are dismissed after ~half the slots.
 */
export function similarityAtLeast(a: Signature, b: Signature, min: number): number {
  const n = Math.min(a.length, b.length);
  if (n === 0 || a[0] === EMPTY || b[0] === EMPTY) return min <= 0 ? 0 : -1;
  // Slots allowed to differ; rounded generously, the exact test is the last line.
  const allowed = n - Math.ceil(min * n - 1e-9);
  let differ = 0;
  for (let i = 0; i < n; i++) if (a[i] !== b[i] && ++differ > allowed) return -1;
  const similarity = (n - differ) / n;
  return similarity >= min ? similarity : -1;
}

/** True when the signature came from an empty set. */
export function isEmptySignature(sig: Signature): boolean {
  return sig.length === 0 || sig[0] === EMPTY;
}
