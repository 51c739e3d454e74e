import { describe, expect, it } from 'vitest';
import { emptyEntities, entitiesToList, mergeEntities } from './entities.ts';

describe('entities', () => {
  it('keeps well-formed model CVE ids, adds the ones patterns found, and takes indicators from patterns', () => {
    const llm = {
      attackers: ['LockBit'],
      victims: [],
      loss: null,
      cves: ['cve-2024-1111 (critical)', 'not a cve', 'CVE-2024-2222'],
      vulnerabilities: [],
      products: [],
      vendors: ['Acme'],
    };
    const found = {
      cves: ['CVE-2024-2222', 'CVE-2024-3333'],
      ips: ['10.0.0.1'],
      domains: ['bad.example.com'],
      hashes: [],
    };
    const e = mergeEntities(llm, found);
    expect(e.cves).toEqual(['CVE-2024-1111', 'CVE-2024-2222', 'CVE-2024-3333']);
    expect(e).toMatchObject({
      attackers: ['LockBit'],
      vendors: ['Acme'],
      ips: ['10.0.0.1'],
      domains: ['bad.example.com'],
    });
  });

  it('flattens to typed pairs for storage', () => {
    const e = {
      ...emptyEntities(),
      attackers: ['APT29'],
      loss: '$2M',
      cves: ['CVE-2024-1'],
      hashes: ['ab12'],
    };
    expect(entitiesToList(e)).toEqual([
      { type: 'attacker', value: 'APT29' },
      { type: 'loss', value: '$2M' },
      { type: 'cve', value: 'CVE-2024-1' },
      { type: 'hash', value: 'ab12' },
    ]);
  });
});
