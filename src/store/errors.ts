// Recognising driver errors per dialect, so repos can map them to the app's error classes.
import { ConflictError } from '../errors.ts';

/** A UNIQUE or PRIMARY KEY violation from better-sqlite3 (SQLITE_CONSTRAINT_*) or pg (SQLSTATE 23505). */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Run `fn`; a unique violation becomes a ConflictError with `message`, anything else is rethrown as is. */
export async function conflictOnUnique<T>(
  fn: () => Promise<T>,
  message: string,
  details?: unknown,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError(message, details);
    throw err;
  }
}
