// The configuration reference, from the one schema: the README table (`npm run docs:config`) and its test.
import { configSpec, SECRET_KEYS } from './schema.ts';

export interface ConfigReferenceRow {
  key: string;
  secret: boolean;
  /** The default as shown: "(unset)", a JSON text for lists and objects, else the value. */
  shownDefault: string;
  doc: string;
}

export function configReference(): ConfigReferenceRow[] {
  return Object.entries(configSpec).map(([key, [schema, doc]]) => {
    const parsed = (schema as { safeParse(v: unknown): { success: boolean; data?: unknown } }).safeParse(
      undefined,
    );
    const value = parsed.success ? parsed.data : undefined;
    const shownDefault =
      value === undefined ? '(unset)' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    return { key, secret: SECRET_KEYS.has(key), shownDefault, doc: String(doc) };
  });
}

export function configTableMarkdown(): string {
  const cell = (s: string) => s.replaceAll('|', '\\|');
  const rows = configReference().map(
    (r) => `| \`${r.key}\`${r.secret ? ' 🔒' : ''} | \`${cell(r.shownDefault)}\` | ${cell(r.doc)} |`,
  );
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
