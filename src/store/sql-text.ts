// Fixed SQL for the hottest statements, written once with `?` placeholders and sent without Kysely's
// per-call build and compile step. Everything else goes through the query builder.
import { CompiledQuery } from 'kysely';
import type { Dialect } from './types.ts';

export class SqlText<R = unknown> {
  readonly sql: string;

  constructor(dialect: Dialect, text: string) {
    const compact = text.replace(/\s+/g, ' ').trim();
    this.sql = dialect === 'postgres' ? numberPlaceholders(compact) : compact;
  }

  with(parameters: unknown[]): CompiledQuery<R> {
    return CompiledQuery.raw(this.sql, parameters) as CompiledQuery<R>;
  }
}

/** `?` → `$1, $2, ...` for PostgreSQL. The texts here hold no `?` inside string literals. */
function numberPlaceholders(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}
