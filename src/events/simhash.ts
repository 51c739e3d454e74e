// 64-bit SimHash as two unsigned 32-bit halves: a compact near-duplicate key that fits one database column.
// Measured in bench/events.ts against a BigInt version: the halves are roughly two orders of magnitude faster.
import { ValidationError } from '../errors.ts';
import { mix32 } from './hash.ts';

const mix = mix32;

export interface SimHash64 {
  hi: number;
  lo: number;
}

/**
 * SimHash of a set or bag of 32-bit token hashes (repeats count as weight). Ones per bit position are
 * counted in bit-sliced counters (one 32-bit plane per binary digit of the count, added like a ripple-carry
 * adder), which touches each token a few times instead of once per bit.
 */
export function simHash(hashes: ArrayLike<number>): SimHash64 {
  const n = hashes.length;
  const lowPlanes = new Int32Array(PLANES);
  const highPlanes = new Int32Array(PLANES);
  for (let j = 0; j < n; j++) {
    // Token hashes are 30-bit keys: re-mix so all 64 positions carry information.
    addToPlanes(lowPlanes, mix(hashes[j] ^ 0x6a09e667) | 0);
    addToPlanes(highPlanes, mix(hashes[j] ^ 0x2545f491) | 0);
  }
  return { hi: majority(highPlanes, n), lo: majority(lowPlanes, n) };
}

/** Enough planes to count up to 2^16 - 1 tokens. */
const PLANES = 16;

function addToPlanes(planes: Int32Array, word: number): void {
  let carry = word;
  for (let p = 0; carry !== 0 && p < PLANES; p++) {
    const next = planes[p] & carry;
    planes[p] ^= carry;
    carry = next;
  }
}

/** Bits whose count of ones is more than half of `n`. */
function majority(planes: Int32Array, n: number): number {
  const used = Math.min(PLANES, 32 - Math.clz32(n));
  let out = 0;
  for (let bit = 0; bit < 32; bit++) {
    let count = 0;
    for (let p = 0; p < used; p++) count |= ((planes[p] >>> bit) & 1) << p;
    if (2 * count > n) out |= 1 << bit;
  }
  return out >>> 0;
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
