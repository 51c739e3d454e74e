// Packing a chunk of fingerprints into one buffer and back gives the same fingerprints.
import { describe, expect, it } from 'vitest';
import { fingerprintArticle } from './fingerprint.ts';
import { packFingerprints, unpackFingerprints } from './fingerprint-transfer.ts';
import { loadFixtures } from './testdata/fixtures.ts';

const fingerprints = loadFixtures('articles.json').map((a) => fingerprintArticle(a));

describe('packFingerprints / unpackFingerprints', () => {
  it('round-trips a chunk, bodies that are null included', () => {
    const chunk = [...fingerprints, fingerprintArticle({ title: 'Headline only', text: '' })];
    expect(chunk.at(-1)!.body).toBeNull();
    const { packed, transfer } = packFingerprints(chunk);
    expect(transfer).toEqual([packed.words.buffer, packed.lengths.buffer]);
    expect(unpackFingerprints(structuredClone(packed))).toEqual(chunk);
  });

  it('round-trips an empty chunk', () => {
    expect(unpackFingerprints(packFingerprints([]).packed)).toEqual([]);
  });

  it('refuses lengths that do not match the fingerprints', () => {
    const { packed } = packFingerprints(fingerprints.slice(0, 2));
    expect(() => unpackFingerprints({ ...packed, rest: packed.rest.slice(0, 1) })).toThrow(/lengths/);
    expect(() => unpackFingerprints({ ...packed, words: packed.words.subarray(1) })).toThrow();
  });
});
