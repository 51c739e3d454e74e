// The README's configuration table is generated from the schema (`npm run docs:config`); this keeps the two
// from drifting: every key is documented with its current default, and nothing undocumented is listed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configReference } from './reference.ts';

const README = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');

/** key → default cell of the README table (the unescaped text between the backticks). */
function documentedDefaults(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of README.split('\n')) {
    const m = /^\|\s*`(NEWSDESK_[A-Z0-9_]+)`[^|]*\|\s*`((?:[^`\\]|\\.)*)`/.exec(line);
    if (m) rows.set(m[1], m[2].replaceAll('\\|', '|'));
  }
  return rows;
}

describe('README configuration table', () => {
  it('lists every key of the schema with its default, and no other', () => {
    const documented = documentedDefaults();
    const reference = configReference();
    expect([...documented.keys()].sort()).toEqual(reference.map((r) => r.key).sort());
    for (const r of reference) expect(documented.get(r.key), r.key).toBe(r.shownDefault);
  });
});
