import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentDisposition, pdfFileName } from './file-names.ts';
import { renderHtml } from './html.ts';
import { PdfRenderer } from './pdf.ts';
import { houseDigest } from './testdata/fixtures.ts';

const run = promisify(execFile);

describe('PdfRenderer (system Chromium)', () => {
  let dir: string;
  let renderer: PdfRenderer;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'digest-pdf-'));
    renderer = new PdfRenderer({ tempDir: dir });
    await renderer.start();
  });

  afterAll(async () => {
    await renderer?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function pdfInfo(pdf: Buffer, name: string) {
    const file = path.join(dir, name);
    await writeFile(file, pdf);
    const text = (await run('pdftotext', ['-enc', 'UTF-8', file, '-'])).stdout;
    const info = (await run('pdfinfo', [file])).stdout;
    return {
      text,
      pages: Number(/^Pages:\s+(\d+)/m.exec(info)![1]),
      size: /^Page size:\s+(.*)$/m.exec(info)![1],
    };
  }

  it('prints A4 pages whose text is readable Chinese', async () => {
    const pdf = await renderer.render(renderHtml(houseDigest));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const { text, size } = await pdfInfo(pdf, 'a4.pdf');
    const flat = text.replace(/\s+/g, '');
    expect(flat).toContain('每日网安情报速递【20261129】');
    for (const item of houseDigest.items) expect(flat).toContain(item.title.replace(/\s+/g, ''));
    expect(flat).toContain('四、重大漏洞风险提示');
    expect(size).toContain('(A4)');
  });

  it('draws Chinese with an installed CJK font (no empty boxes)', async () => {
    const fonts = await renderer.fontsUsed(renderHtml(houseDigest), '.item-title');
    expect(fonts.some((f) => /CJK|Hei|Han|YaHei|PingFang/i.test(f))).toBe(true);
  });

  it('prints one tall page when asked, reusing the same browser', async () => {
    const long = {
      ...houseDigest,
      items: Array.from({ length: 30 }, (_, i) => ({
        ...houseDigest.items[0],
        id: `l${i}`,
        order: i,
        title: `长条目标题第${i + 1}条`,
      })),
    };
    const pdf = await renderer.render(renderHtml(long), { layout: 'single-page' });
    const { text, pages, size } = await pdfInfo(pdf, 'tall.pdf');
    expect(pages).toBe(1);
    const [w, h] = size.split(' x ').map(parseFloat);
    expect(h).toBeGreaterThan(2 * w);
    expect(text.replace(/\s+/g, '')).toContain('长条目标题第30条');
  });

  it('honours an abort signal', async () => {
    const ac = new AbortController();
    ac.abort(new Error('cancelled'));
    await expect(renderer.render(renderHtml(houseDigest), { signal: ac.signal })).rejects.toThrow(
      'cancelled',
    );
  });

  it('refuses to render before start() and after stop(), and leaves no profile behind', async () => {
    await expect(new PdfRenderer({ tempDir: dir }).render('<p>x</p>')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
    const profiles = async () => (await readdir(dir)).filter((f) => f.startsWith('newsdesk-chromium-'));
    expect(await profiles()).toHaveLength(1);
    await renderer.stop();
    await expect(renderer.render('<p>x</p>')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(await profiles()).toHaveLength(0);
  });
});

describe('file names', () => {
  it('names the PDF after the digest date', () => {
    expect(pdfFileName('2026-11-29')).toBe('每日网安情报速递【20261129】.pdf');
    expect(contentDisposition('2026-11-29', 'pdf')).toBe(
      `attachment; filename="digest-20261129.pdf"; filename*=UTF-8''${encodeURIComponent('每日网安情报速递【20261129】.pdf')}`,
    );
  });
});
