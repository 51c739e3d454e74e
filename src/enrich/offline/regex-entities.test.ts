import { describe, expect, it } from 'vitest';
import { extractRegexEntities } from './regex-entities.ts';

describe('extractRegexEntities', () => {
  it('finds CVE ids in canonical case, once each', () => {
    const e = extractRegexEntities(
      'Fixes cve-2024-3400 and CVE-2023-4966; CVE-2024-3400 again. Not CVE-24-1.',
    );
    expect(e.cves).toEqual(['CVE-2024-3400', 'CVE-2023-4966']);
  });

  it('finds valid IPv4 and IPv6 addresses, not version numbers or times', () => {
    const e = extractRegexEntities(
      'C2 at 185.220.101.45 and 2001:db8::1, fe80::1ff:fe23:4567:890a. Version 1.2.3.4.5, 999.1.1.1, at 12:30:45.',
    );
    expect(e.ips).toEqual(['185.220.101.45', '2001:db8::1', 'fe80::1ff:fe23:4567:890a']);
  });

  it('finds domains, refangs defanged ones, skips file names, e-mail hosts and the article’s own host', () => {
    const e = extractRegexEntities(
      'Payload from update-checker[.]top and hxxps://evil.example.net/x; see report.pdf, node.js, mail admin@corp.com, www.news-site.com/article.',
      'https://news-site.com/story/1',
    );
    expect(e.domains).toEqual(['update-checker.top', 'evil.example.net']);
  });

  it('finds md5, sha1 and sha256 hashes', () => {
    const md5 = '44d88612fea8a8f36de82e1278abb02f';
    const sha1 = '3395856ce81f2b7382dee72602f798b642f14140';
    const sha256 = '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f';
    const e = extractRegexEntities(`md5 ${md5.toUpperCase()} sha1 ${sha1} sha256 ${sha256}`);
    expect(e.hashes).toEqual([md5, sha1, sha256]);
  });
});
