import { describe, expect, it } from 'vitest';
import { encodeLegacy } from '../test-support/http-server.ts';
import { canonicalEncoding, charsetFromContentType, decodeBody } from './charset.ts';

const xml = (enc: string | null, body: string) =>
  `<?xml version="1.0"${enc ? ` encoding="${enc}"` : ''}?><rss><channel><title>${body}</title></channel></rss>`;

describe('charset decoding', () => {
  it('maps GB2312/GBK to GB18030 and other aliases', () => {
    expect(canonicalEncoding('GB2312')).toBe('gb18030');
    expect(canonicalEncoding('gbk')).toBe('gb18030');
    expect(canonicalEncoding('x-sjis')).toBe('shift_jis');
    expect(canonicalEncoding('big5-hkscs')).toBe('big5');
    expect(canonicalEncoding('bogus')).toBeUndefined();
  });

  it('parses charset parameters with quotes and spaces', () => {
    expect(charsetFromContentType("application/atom+xml;charset='gb2312'")).toBe('gb2312');
    expect(charsetFromContentType('application/xml;charset = us-ascii')).toBe('us-ascii');
    expect(charsetFromContentType('text/html; charset="UTF-8"; foo=bar')).toBe('UTF-8');
    expect(charsetFromContentType('text/xml;')).toBeUndefined();
  });

  it('decodes a GBK character outside GB2312 when the document says GB2312', () => {
    // 镕 (U+9555) is in GBK but not in GB2312: real "GB2312" feeds use it.
    const r = decodeBody(encodeLegacy(xml('gb2312', '朱镕基'), 'gb18030'));
    expect(r.encoding).toBe('gb18030');
    expect(r.text).toContain('朱镕基');
  });

  it('uses a BOM over every other signal (UTF-8, UTF-16LE/BE, UTF-32LE/BE)', () => {
    const s = xml('iso-8859-1', 'Grüße 日本');
    expect(
      decodeBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s)]), {
        contentType: 'text/xml; charset=koi8-r',
      }),
    ).toMatchObject({ encoding: 'utf-8', source: 'bom' });
    const le = Buffer.from(s, 'utf16le');
    expect(decodeBody(Buffer.concat([Buffer.from([0xff, 0xfe]), le])).text).toBe(s);
    expect(decodeBody(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()])).text).toBe(s);
    const u32 = Buffer.alloc(s.length * 4 + 4);
    u32.writeUInt32LE(0xfeff, 0);
    [...s].forEach((c, i) => u32.writeUInt32LE(c.codePointAt(0)!, 4 + i * 4));
    expect(decodeBody(u32.subarray(0, 4 + [...s].length * 4))).toMatchObject({
      encoding: 'utf-32le',
      text: s,
    });
  });

  it('prefers the HTTP charset to the XML prolog', () => {
    const r = decodeBody(encodeLegacy(xml('iso-8859-1', 'Привет'), 'koi8-r'), {
      contentType: 'application/rss+xml; charset=koi8-r',
    });
    expect(r).toMatchObject({ encoding: 'koi8-r', source: 'http' });
    expect(r.text).toContain('Привет');
  });

  it('reads an HTML meta charset, even one placed after the first kilobyte', () => {
    const html = `<html><head>${'<!-- padding -->'.repeat(100)}<meta charset="big5"><title>臺灣</title></head></html>`;
    const r = decodeBody(encodeLegacy(html, 'big5'));
    expect(r).toMatchObject({ encoding: 'big5', source: 'meta' });
    expect(r.text).toContain('<title>臺灣</title>');
  });

  it('overrules a legacy label when the bytes are clearly UTF-8, and records it', () => {
    const r = decodeBody(Buffer.from(xml('ISO-8859-1', '테스트 피드 Café')));
    expect(r.encoding).toBe('utf-8');
    expect(r.text).toContain('테스트 피드 Café');
    expect(r.warnings.join()).toMatch(/overruled/);
  });

  it('falls back to sniffing for an unknown label or an undeclared legacy document', () => {
    const bogus = decodeBody(encodeLegacy(xml('bogus', 'Сегодня в России новости экономики'), 'koi8-r'));
    expect(bogus.text).toContain('Сегодня в России');
    expect(bogus.warnings.join()).toMatch(/unknown prolog charset "bogus"/);
    const eucjp = decodeBody(
      encodeLegacy(xml(null, '日本語のニュースを読みます。今日は晴れです。'), 'euc-jp'),
    );
    expect(eucjp.encoding).toBe('euc-jp');
    expect(eucjp.text).toContain('日本語のニュース');
  });

  it('turns C1 control characters into the Windows-1252 punctuation they stand for', () => {
    expect(decodeBody(Buffer.from(xml('utf-8', 'don\u0092t'))).text).toContain('don\u2019t');
  });

  it('keeps a declared multibyte encoding when the bytes have a stray bad sequence', () => {
    const good = encodeLegacy(xml('gbk', '中文新闻标题，今日要闻汇总'), 'gb18030');
    const broken = Buffer.concat([
      good.subarray(0, good.length - 20),
      Buffer.from([0x81]),
      good.subarray(good.length - 20),
    ]);
    const r = decodeBody(broken);
    expect(r.text).toContain('中文新闻标题');
  });
});
