import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { loadConfig } from './config.ts';

const sqlite = (env: Record<string, string>) => {
  const db = loadConfig(env).database;
  if (db.kind !== 'sqlite') throw new Error('expected SQLite');
  return db;
};

describe('NEWSDESK_SQLITE_CHECKPOINT_THREAD', () => {
  it('auto puts checkpoints on a thread only with 2 or more cores; true and false decide', () => {
    expect(sqlite({}).backgroundCheckpoints).toBe(availableParallelism() >= 2);
    expect(sqlite({ NEWSDESK_SQLITE_CHECKPOINT_THREAD: 'true' }).backgroundCheckpoints).toBe(true);
    expect(sqlite({ NEWSDESK_SQLITE_CHECKPOINT_THREAD: 'false' }).backgroundCheckpoints).toBe(false);
  });

  it('refuses anything else, naming the key', () => {
    expect(() => loadConfig({ NEWSDESK_SQLITE_CHECKPOINT_THREAD: 'sometimes' })).toThrow(ConfigError);
    expect(() => loadConfig({ NEWSDESK_SQLITE_CHECKPOINT_THREAD: 'sometimes' })).toThrow(
      /NEWSDESK_SQLITE_CHECKPOINT_THREAD/,
    );
  });
});
