// Task definitions by name, with defaults resolved once.
import { NotFoundError, ValidationError } from '../errors.ts';
import type { ResolvedTaskDefinition, TaskDefinition, TaskRegistry } from './types.ts';

const NAME = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/;

export function defineTask<P, R>(def: TaskDefinition<P, R>): TaskDefinition<P, R> {
  return def;
}

export function resolveTask<P, R>(def: TaskDefinition<P, R>): ResolvedTaskDefinition<P, R> {
  if (!NAME.test(def.name))
    throw new ValidationError(`invalid task name "${def.name}" (use dotted lowercase, e.g. crawl.sources)`);
  return {
    ...def,
    timeoutMs: def.timeoutMs ?? 30 * 60_000,
    retry: {
      attempts: def.retry?.attempts ?? 1,
      backoffMs: def.retry?.backoffMs ?? 5_000,
      factor: def.retry?.factor ?? 2,
      maxDelayMs: def.retry?.maxDelayMs ?? 60 * 60_000,
      jitter: def.retry?.jitter ?? 0.2,
    },
    concurrency: def.concurrency ?? 1,
    overlap: def.overlap ?? 'skip',
    priority: def.priority ?? 0,
  };
}

export function createTaskRegistry(): TaskRegistry {
  const tasks = new Map<string, ResolvedTaskDefinition>();
  return {
    register(def) {
      if (tasks.has(def.name)) throw new ValidationError(`task ${def.name} is already registered`);
      const resolved = resolveTask(def);
      tasks.set(def.name, resolved as ResolvedTaskDefinition);
      return resolved;
    },
    get: (name) => tasks.get(name),
    require(name) {
      const def = tasks.get(name);
      if (!def) throw new NotFoundError('task', name);
      return def;
    },
    list: () => [...tasks.values()].sort((a, b) => a.name.localeCompare(b.name)),
  };
}
