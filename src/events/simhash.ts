// 64-bit SimHash as two unsigned 32-bit halves: a compact near-duplicate key that fits one database column.
// Measured in bench/events.ts against a BigInt version: the halves are roughly two orders of magnitude faster.
import { ValidationError } from '../errors.ts';
import { mix32 } from './hash.ts';

const mix = mix32;

export interface SimHash64 {
  hi: number;
  lo: number;
}

/** SimHash of a bag of 32-bit token hashes (repeats count as weight). */
export function simHash(hashes: ArrayLike<number>): SimHash64 {
  // Count set bits per position (visiting set bits only); a bit is set in the result where ones outvote zeros.
  const ones = new Int32Array(64);
  const n = hashes.length;
  for (let j = 0; j < n; j++) {
    // Token hashes are 30-bit keys: re-mix so all 64 positions carry information.
    let lo = mix(hashes[j] ^ 0x6a09e667) | 0;
    let hi = mix(hashes[j] ^ 0x2545f491) | 0;
    while (lo !== 0) {
      ones[31 - Math.clz32(lo & -lo)]++;
      lo &= lo - 1;
    }
    while (hi !== 0) {
      ones[63 - Math.clz32(hi & -hi)]++;
      hi &= hi - 1;
    }
  }
  let lo = 0;
  let hi = 0;
  for (let bit = 0; bit < 32; bit++) {
    if (2 * ones[bit] > n) lo |= 1 << bit;
    if (2 * ones[bit + 32] > n) hi |= 1 << bit;
  }
  return { hi: hi >>> 0, lo: lo >>> 0 };
}

function popcount32(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Number of differing bits (0..64); <= 3 on a headline + summary means near-identical wording. */
export function hammingDistance(a: SimHash64, b: SimHash64): number {
  return popcount32((a.hi ^ b.hi) >>> 0) + popcount32((a.lo ^ b.lo) >>> 0);
}

/** 16 hex digits, high half first: the form a store column or an API keeps. */
export function simHashToHex(value: SimHash64): string {
  return value.hi.toString(16).padStart(8, '0') + value.lo.toString(16).padStart(8, '0');
}

export function simHashFromHex(hex: string): SimHash64 {
  if (!/^[0-9a-f]{16}$/i.test(hex)) throw new ValidationError(`not a 64-bit hex simhash: ${hex}`);
  return { hi: Number.parseInt(hex.slice(0, 8), 16) >>> 0, lo: Number.parseInt(hex.slice(8), 16) >>> 0 };
}
