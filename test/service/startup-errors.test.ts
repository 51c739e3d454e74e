// Start-up refuses unsafe or invalid configuration with a message that says what to fix.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDead, spawnService, type ServiceProcess } from '../helpers/service.ts';

describe('start-up checks (child process)', { timeout: 60_000 }, () => {
  let dir: string;
  let service: ServiceProcess | undefined;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'newsdesk-startup-'));
  });
  afterAll(() => {
    ensureDead(service);
    rmSync(dir, { recursive: true, force: true });
  });

  it('binding to 0.0.0.0 without an API token refuses to start', async () => {
    service = spawnService(dir, { NEWSDESK_HOST: '0.0.0.0' });
    expect(await service.exited).toBe(2);
    expect(service.stderr()).toContain('Refusing to bind to 0.0.0.0 without NEWSDESK_API_TOKEN');
    expect(service.logs.some((l) => typeof l.address === 'string')).toBe(false);
  });

  it('a bad config value stops start-up naming the key', async () => {
    service = spawnService(dir, { NEWSDESK_PORT: 'abc' });
    expect(await service.exited).toBe(2);
    expect(service.stderr()).toMatch(/NEWSDESK_PORT: .*number/i);
  });
});
