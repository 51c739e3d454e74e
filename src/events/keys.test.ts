import { describe, expect, it } from 'vitest';
import { entityKeys, extractCves, normalizeCve, normalizeEntityName } from './keys.ts';

describe('CVE ids', () => {
  it('finds ids in English and Chinese text, in any case, width or dash', () => {
    expect(
      extractCves(
        'Ivanti Connect Secure零日漏洞（CVE-2025-0282）遭在野利用',
        'see cve-2025-0283 and CVE–2024–21887',
        'ＣＶＥ－２０２４－５５５９１ was added',
      ),
    ).toEqual(['CVE-2025-0282', 'CVE-2025-0283', 'CVE-2024-21887', 'CVE-2024-55591']);
  });

  it('does not invent ids from near misses', () => {
    expect(extractCves('CVE-25-1234, CVE-2025-12, XCVE-2024-1234x')).toEqual([]);
  });

  it('normalises a single id', () => {
    expect(normalizeCve(' cve-2023-4966 ')).toBe('CVE-2023-4966');
    expect(normalizeCve('GHSA-xxxx')).toBeNull();
  });
});

describe('entities', () => {
  it('matches names regardless of case, punctuation and legal suffixes', () => {
    expect(normalizeEntityName('Fortinet, Inc.')).toBe(normalizeEntityName('FORTINET'));
    expect(normalizeEntityName('ABN AMRO')).toBe('abnamro');
    expect(normalizeEntityName('奇安信集团')).toBe('奇安信');
  });

  it('deduplicates by key and keeps the strongest type', () => {
    const keys = entityKeys([
      { name: 'PowerSchool', type: 'vendor' },
      { name: 'powerschool', type: 'victim' },
      'LockBit',
      { name: ' ', type: 'victim' },
    ]);
    expect(keys).toEqual([
      { key: 'powerschool', name: 'powerschool', type: 'victim' },
      { key: 'lockbit', name: 'LockBit', type: 'other' },
    ]);
  });
});
