// Hand-written security news items (Chinese and English) used by tests and the benchmark.
import { readFileSync } from 'node:fs';

export interface FixtureArticle {
  title: string;
  text: string;
}

export type FixtureName =
  'zhBankRansomware' | 'zhDataLeak' | 'zhVulnerability' | 'enVulnerability' | 'enBreach' | 'enGeneralBank';

export function loadSecurityFixtures(): Record<FixtureName, FixtureArticle> {
  const file = new URL('../testdata/security-articles.json', import.meta.url);
  return JSON.parse(readFileSync(file, 'utf8')) as Record<FixtureName, FixtureArticle>;
}
