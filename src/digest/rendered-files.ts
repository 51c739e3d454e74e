// Rendered PDFs on disk: <dataDir>/digests/<digest id>/每日网安情报速递【yyyyMMdd】.pdf, written atomically.
// The database says which file is current for which content; files are a cache that may vanish.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pdfFileName } from './file-names.ts';

const ROOT = 'digests';
/** Files nobody points at are removed only after this, so a render in progress is never cut short. */
const ORPHAN_GRACE_MS = 3_600_000;

export interface FileCleanupInput {
  now: number;
  /** Current files older than this are removed too (they are re-rendered on demand). */
  maxAgeMs: number;
  /** digest id → the file (relative to the data dir) the database calls current. */
  current: ReadonlyMap<string, string>;
}

export interface FileCleanupResult {
  deleted: number;
  /** Digests whose current file was removed (the caller forgets it). */
  expired: string[];
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

export class RenderedFiles {
  readonly #dataDir: string;

  constructor(dataDir: string) {
    this.#dataDir = dataDir;
  }

  /** Where a digest's PDF lives, relative to the data dir (forward slashes, stored in the database). */
  pdfPath(digestId: string, date: string): string {
    return `${ROOT}/${digestId}/${pdfFileName(date)}`;
  }

  /** The file's bytes, or undefined when it is gone. */
  async read(relative: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.#abs(relative));
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async write(relative: string, data: Uint8Array): Promise<void> {
    const file = this.#abs(relative);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, data);
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /** Forget every rendered file of a digest (after an edit or a delete). */
  async removeDigest(digestId: string): Promise<void> {
    await rm(path.join(this.#dataDir, ROOT, safeSegment(digestId)), { recursive: true, force: true });
  }

  async cleanup(input: FileCleanupInput): Promise<FileCleanupResult> {
    const root = path.join(this.#dataDir, ROOT);
    let dirs;
    try {
      dirs = await readdir(root, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return { deleted: 0, expired: [] };
      throw err;
    }
    let deleted = 0;
    const expired: string[] = [];
    for (const dir of dirs) {
      if (!dir.isDirectory()) continue;
      const dirPath = path.join(root, dir.name);
      const currentFile = input.current.get(dir.name);
      for (const name of await readdir(dirPath).catch(() => [] as string[])) {
        const file = path.join(dirPath, name);
        const info = await stat(file).catch(() => undefined);
        if (!info?.isFile()) continue;
        const age = input.now - info.mtimeMs;
        const isCurrent = currentFile !== undefined && this.#abs(currentFile) === file;
        if (isCurrent ? age < input.maxAgeMs : age < ORPHAN_GRACE_MS) continue;
        await rm(file, { force: true });
        deleted++;
        if (isCurrent) expired.push(dir.name);
      }
      // Only succeeds when empty.
      await rmdir(dirPath).catch(() => undefined);
    }
    return { deleted, expired };
  }

  #abs(relative: string): string {
    const file = path.resolve(this.#dataDir, relative);
    if (!file.startsWith(path.resolve(this.#dataDir, ROOT) + path.sep)) {
      throw new Error(`rendered file outside ${ROOT}/: ${relative}`);
    }
    return file;
  }
}

/** Ids are app-made; refuse anything that could climb out of the folder. */
function safeSegment(id: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new Error(`unexpected digest id: ${id}`);
  return id;
}
