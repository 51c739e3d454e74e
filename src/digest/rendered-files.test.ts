import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RenderedFiles } from './rendered-files.ts';

const DAY = 86_400_000;

describe('RenderedFiles', () => {
  let dir: string;
  let files: RenderedFiles;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'digest-files-'));
    files = new RenderedFiles(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function put(relative: string, ageMs: number) {
    const file = path.join(dir, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, 'x');
    const t = (Date.now() - ageMs) / 1000;
    await utimes(file, t, t);
    return file;
  }

  it('writes atomically where the database will point, and reads back', async () => {
    const rel = files.pdfPath('d1', '2026-11-29');
    expect(rel).toBe('digests/d1/每日网安情报速递【20261129】.pdf');
    await files.write(rel, Buffer.from('%PDF-1'));
    expect((await files.read(rel))!.toString()).toBe('%PDF-1');
    expect(await files.read('digests/d2/none.pdf')).toBeUndefined();
    await expect(files.read('../outside.pdf')).rejects.toThrow(/outside/);
    await files.removeDigest('d1');
    expect(await files.read(rel)).toBeUndefined();
    await expect(files.removeDigest('../x')).rejects.toThrow();
  });

  it('removes expired current files and old leftovers, keeps fresh ones', async () => {
    const now = Date.now();
    const current = new Map([
      ['old', 'digests/old/a.pdf'],
      ['fresh', 'digests/fresh/a.pdf'],
    ]);
    const oldCurrent = await put('digests/old/a.pdf', 40 * DAY);
    const freshCurrent = await put('digests/fresh/a.pdf', DAY);
    const leftover = await put('digests/fresh/previous.pdf.1234.tmp', 2 * 3_600_000);
    const renderingNow = await put('digests/gone/a.pdf.abcd.tmp', 1000);
    const orphanDir = await put('digests/deleted/a.pdf', 3 * 3_600_000);
    const result = await files.cleanup({ now, maxAgeMs: 30 * DAY, current });
    expect(result).toEqual({ deleted: 3, expired: ['old'] });
    expect(existsSync(oldCurrent)).toBe(false);
    expect(existsSync(leftover)).toBe(false);
    expect(existsSync(orphanDir)).toBe(false);
    expect(existsSync(path.dirname(orphanDir))).toBe(false);
    expect(existsSync(freshCurrent)).toBe(true);
    expect(existsSync(renderingNow)).toBe(true);
  });

  it('has nothing to do before the first render', async () => {
    expect(await files.cleanup({ now: Date.now(), maxAgeMs: DAY, current: new Map() })).toEqual({
      deleted: 0,
      expired: [],
    });
  });
});
