// What the Settings page shows of the configuration: every key with its doc line, secrets masked.
// The configuration comes from the environment, so these are read-only views.
import { printableConfig } from '../config/config.ts';
import { configSpec, SECRET_KEYS, type RawConfig } from '../config/schema.ts';
import { digestSettings } from '../config/digest-spec.ts';

export interface ConfigEntry {
  key: string;
  value: string;
  doc: string;
  secret: boolean;
}

const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|API_KEY|_KEY$)/;

function isSecret(key: string): boolean {
  return SECRET_KEYS.has(key) || SECRET_NAME.test(key);
}

/** A URL keeps its shape with credentials hidden; anything else shows only that it is set. */
function maskForDisplay(shown: string): string {
  if (shown === '') return '';
  try {
    const u = new URL(shown);
    if (u.protocol === 'http:' || u.protocol === 'https:' || u.host) {
      if (u.username) u.username = '****';
      if (u.password) u.password = '****';
      for (const key of [...u.searchParams.keys()]) u.searchParams.set(key, '****');
      return u.toString();
    }
  } catch {
    // not a URL
  }
  return '****';
}

export function configEntries(raw: Readonly<RawConfig>): ConfigEntry[] {
  const shown = printableConfig(raw as RawConfig);
  const specs = configSpec as unknown as Record<string, readonly [unknown, string]>;
  return Object.keys(specs).map((key) => {
    const secret = isSecret(key);
    const value = shown[key] ?? '';
    return { key, value: secret ? maskForDisplay(value) : value, doc: specs[key][1], secret };
  });
}

export interface BootData {
  timezone: string;
  authRequired: boolean;
  /** Digest sections in order; also the classes enrichment files articles under. */
  categories: { name: string; showWhenEmpty: boolean }[];
  /** The digest Markdown carries source links (NEWSDESK_DIGEST_MARKDOWN_LINKS). */
  digestLinks: boolean;
}

export function bootData(config: {
  timezone: string;
  apiToken?: string;
  raw: Readonly<RawConfig>;
}): BootData {
  const digest = digestSettings(config.raw);
  return {
    digestLinks: digest.markdownLinks,
    timezone: config.timezone,
    authRequired: Boolean(config.apiToken),
    categories: digest.categories.map((c) => ({
      name: c.name,
      showWhenEmpty: c.showWhenEmpty,
    })),
  };
}
