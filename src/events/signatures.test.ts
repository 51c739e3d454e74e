import { describe, expect, it } from 'vitest';
import { mix32 } from './hash.ts';
import { minHash, oneMinHash, signatureSimilarity, similarityAtLeast } from './minhash.ts';
import { hammingDistance, simHash, simHashFromHex, simHashToHex } from './simhash.ts';
import {
  decodeFingerprint,
  encodeFingerprint,
  fingerprintArticle,
  fingerprintTextChars,
} from './fingerprint.ts';

function set(from: number, to: number): Uint32Array {
  return Uint32Array.from({ length: to - from }, (_, i) => mix32(from + i));
}

describe('MinHash', () => {
  // A = 0..299, B = 100..399: Jaccard 200 / 400 = 0.5
  const a = set(0, 300);
  const b = set(100, 400);

  it('estimates Jaccard with the classic scheme', () => {
    expect(signatureSimilarity(minHash(a, 63), minHash(b, 63))).toBeGreaterThan(0.35);
    expect(signatureSimilarity(minHash(a, 63), minHash(b, 63))).toBeLessThan(0.65);
    expect(signatureSimilarity(minHash(a, 63), minHash(a, 63))).toBe(1);
    expect(signatureSimilarity(minHash(a, 63), minHash(set(1000, 1300), 63))).toBeLessThan(0.1);
  });

  it('estimates Jaccard with one-permutation hashing, small sets included', () => {
    expect(signatureSimilarity(oneMinHash(a, 64), oneMinHash(b, 64))).toBeGreaterThan(0.35);
    expect(signatureSimilarity(oneMinHash(a, 64), oneMinHash(b, 64))).toBeLessThan(0.65);
    expect(signatureSimilarity(oneMinHash(set(0, 10), 64), oneMinHash(set(0, 10), 64))).toBe(1);
    expect(signatureSimilarity(oneMinHash(set(0, 10), 64), oneMinHash(set(50, 60), 64))).toBeLessThan(0.2);
  });

  it('similarityAtLeast gives the similarity when it reaches the floor, else -1, at every agreement', () => {
    const base = minHash(a, 42);
    for (let agree = 0; agree <= 42; agree++) {
      const other = base.slice();
      for (let i = agree; i < 42; i++) other[i] = base[i] + 1;
      const exact = signatureSimilarity(base, other);
      for (const floor of [0, 0.3, 0.45, 0.5, 0.6, 1]) {
        expect(similarityAtLeast(base, other, floor)).toBe(exact >= floor ? exact : -1);
      }
    }
    expect(similarityAtLeast(base, minHash(new Uint32Array(0), 42), 0.45)).toBe(-1);
    expect(similarityAtLeast(base, minHash(new Uint32Array(0), 42), 0)).toBe(0);
  });

  it('treats an empty set as similar to nothing', () => {
    expect(signatureSimilarity(minHash([], 63), minHash([], 63))).toBe(0);
    expect(signatureSimilarity(oneMinHash([], 64), oneMinHash(a, 64))).toBe(0);
  });
});

describe('SimHash', () => {
  it('keeps near-identical bags close and different bags apart', () => {
    const base = Array.from(set(0, 60));
    const edited = base.slice(0, 57).concat(Array.from(set(900, 903)));
    const other = Array.from(set(5000, 5060));
    expect(hammingDistance(simHash(base), simHash(edited))).toBeLessThanOrEqual(12);
    expect(hammingDistance(simHash(base), simHash(other))).toBeGreaterThan(16);
  });

  it('counts differing bits like a 64-bit BigInt xor would', () => {
    const x = simHash(Array.from(set(0, 40)));
    const y = simHash(Array.from(set(20, 60)));
    const big = (v: { hi: number; lo: number }) => (BigInt(v.hi) << 32n) | BigInt(v.lo);
    const xor = big(x) ^ big(y);
    const expected = xor
      .toString(2)
      .split('')
      .filter((c) => c === '1').length;
    expect(hammingDistance(x, y)).toBe(expected);
  });

  it('round-trips through 16 hex digits and rejects anything else', () => {
    const value = simHash(Array.from(set(0, 30)));
    const hex = simHashToHex(value);
    expect(hex).toMatch(/^[0-9a-f]{16}$/);
    expect(simHashFromHex(hex)).toEqual(value);
    expect(() => simHashFromHex('xyz')).toThrow(/simhash/);
  });
});

describe('fingerprint text', () => {
  const article = {
    id: 'a',
    sourceId: 's',
    title: 'Ivanti Connect Secure零日漏洞（CVE-2025-0282）遭在野利用',
    summary: 'Ivanti称Connect Secure栈溢出漏洞已被利用。',
    text: 'Ivanti is warning that hackers exploited CVE-2025-0282 in zero-day attacks.',
    fetchedAt: 0,
    entities: [{ name: 'Ivanti', type: 'vendor' }],
  };

  it('round-trips through the stored form', () => {
    const fp = fingerprintArticle(article);
    expect(decodeFingerprint(encodeFingerprint(fp))).toEqual(fp);
    expect(fp.cves).toEqual(['CVE-2025-0282']);
  });

  it('reads version 1 text: headline slots kept, body dropped', () => {
    const fp = fingerprintArticle(article);
    const v1 = JSON.parse(encodeFingerprint(fp));
    const longer = new Uint32Array(63);
    longer.set(fp.lead);
    v1.v = 1;
    v1.l = Buffer.from(longer.buffer).toString('base64');
    const read = decodeFingerprint(JSON.stringify(v1));
    expect(read.lead).toEqual(fp.lead);
    expect(read.body).toBeNull();
    expect(() => decodeFingerprint(JSON.stringify({ ...v1, v: 9 }))).toThrow(/version 9/);
    expect(() => decodeFingerprint('not json')).toThrow(/not JSON/);
  });

  it('reads no more text than fingerprintTextChars: a text cut there gives the same fingerprint', () => {
    // Every sentence has a word of its own, so any cut changes the terms read.
    const word = (i: number) => `zq${String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26))}x`;
    const sentences = Array.from({ length: 200 }, (_, i) => `Sentence ${word(i)} about this flaw.`);
    const long = { ...article, summary: null, text: `${sentences.join(' ')} CVE-2025-9999 at the end` };
    for (const options of [{}, { bodyChars: 100 }, { bodyChars: 5000 }]) {
      const chars = fingerprintTextChars(options);
      const cut = { ...long, text: long.text.slice(0, chars) };
      expect(fingerprintArticle(cut, options), JSON.stringify(options)).toEqual(
        fingerprintArticle(long, options),
      );
    }
    // A short body window still reads the summary stand-in: cutting the text at bodyChars would change it.
    const short = { bodyChars: 100 };
    expect(fingerprintTextChars(short)).toBe(300);
    expect(fingerprintArticle({ ...long, text: long.text.slice(0, 100) }, short)).not.toEqual(
      fingerprintArticle(long, short),
    );
  });
});
