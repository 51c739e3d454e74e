// Prints the configuration reference as a Markdown table, from the one config schema (used for README).
import { configSpec, SECRET_KEYS } from '../src/config/schema.ts';

const rows = Object.entries(configSpec).map(([key, [schema, doc]]) => {
  const parsed = (schema as { safeParse(v: unknown): { success: boolean; data?: unknown } }).safeParse(
    undefined,
  );
  const value = parsed.success ? parsed.data : undefined;
  const shown =
    value === undefined ? '(unset)' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  const secret = SECRET_KEYS.has(key) ? ' 🔒' : '';
  return `| \`${key}\`${secret} | \`${shown.replaceAll('|', '\\|')}\` | ${String(doc).replaceAll('|', '\\|')} |`;
});
console.log(['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n'));
