// Engine factories for the contract suite: the same tests run against every engine implementation.
import { pino } from 'pino';
import { ExecutionLogCapture, createLogger } from '../../logger.ts';
import type { Store } from '../../store/store.ts';
import { EmbeddedEngine } from '../engines/embedded/embedded-engine.ts';
import type { TaskEngine, TaskRegistry } from '../types.ts';

export interface EngineUnderTest {
  engine: TaskEngine;
  /** Stop with a grace period (ms). */
  stop(graceMs?: number): Promise<void>;
}

export interface EngineFactory {
  name: string;
  storeKind: 'sqlite' | 'postgres';
  create(args: {
    store: Store;
    registry: TaskRegistry;
    leaseMs?: number;
    abandonMs?: number;
    concurrency?: number;
  }): Promise<EngineUnderTest>;
}

export function testLogger(capture: ExecutionLogCapture): pino.Logger {
  return createLogger({ level: 'silent', capture });
}

export const embeddedFactory: EngineFactory = {
  name: 'embedded',
  storeKind: 'sqlite',
  async create({ store, registry, leaseMs = 5_000, abandonMs = 300, concurrency = 4 }) {
    const capture = new ExecutionLogCapture();
    const engine = new EmbeddedEngine({
      store,
      registry,
      logger: testLogger(capture),
      capture,
      concurrency,
      leaseMs,
      abandonMs,
      pollMs: 50,
    });
    await engine.start();
    return { engine, stop: (graceMs = 0) => engine.stop(graceMs) };
  },
};
