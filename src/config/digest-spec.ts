// Config keys of the daily digest: sections, selection, rendering, repeat check and delivery.
import { z } from 'zod';
import { categoryListText, DEFAULT_CATEGORY_NAMES, type CategoryEntry } from './categories.ts';

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

/** Kept as text (printable by `config print`), validated here, parsed by digestSettings(). */
const categoriesText = z
  .string()
  .default(JSON.stringify(DEFAULT_CATEGORY_NAMES))
  .superRefine((text, ctx) => {
    const parsed = categoryListText.safeParse(text);
    if (!parsed.success)
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
  });

const httpBaseUrl = z
  .string()
  .refine((v) => /^https?:\/\/[^/\s]+/i.test(v), {
    message: 'must be an http(s) URL, e.g. https://news.example.com',
  })
  .optional();

export const digestConfigSpec = {
  NEWSDESK_DIGEST_CATEGORIES: [
    categoriesText,
    'JSON list of categories in section order (names, or {"name","showWhenEmpty"}); also the classes enrichment picks from. Default the five house categories.',
  ],
  NEWSDESK_DIGEST_CAP_PER_CATEGORY: [
    int(1, 1000).default(10),
    'Automatic selection: most items per digest section.',
  ],
  NEWSDESK_DIGEST_LOOKBACK_HOURS: [
    int(1, 24 * 60).default(72),
    'Automatic selection: articles fetched since the previous digest, but never further back than this.',
  ],
  NEWSDESK_DIGEST_MARKDOWN_LINKS: [
    bool.default(false),
    'Add source links under each item in the Markdown (off: the exact house format).',
  ],
  NEWSDESK_DIGEST_PDF_LAYOUT: [
    z.enum(['a4', 'single-page']).default('a4'),
    'PDF pages: a4, or single-page (one tall page).',
  ],
  NEWSDESK_CHROMIUM_PATH: [
    z.string().min(1).default('/usr/bin/chromium'),
    'System Chromium used to print PDFs.',
  ],
  NEWSDESK_PDF_TIMEOUT_MS: [
    int(1000, 600_000).default(30_000),
    'Limit for starting Chromium and for printing one PDF.',
  ],
  NEWSDESK_DIGEST_RENDER_RETENTION_DAYS: [
    int(1, 3650).default(30),
    'maintenance.cleanup deletes cached PDF files older than this (they are re-rendered on demand).',
  ],
  NEWSDESK_DIGEST_REPEAT_DAYS: [
    int(1, 60).default(3),
    'Repeat check: compare with the last digest of each of this many previous days.',
  ],
  NEWSDESK_DELIVERY_ATTEMPTS: [int(1, 20).default(3), 'Delivery: attempts per channel, including the first.'],
  NEWSDESK_DELIVERY_BASE_DELAY_MS: [
    int(0, 3_600_000).default(2000),
    'Delivery: wait before the second attempt; doubles each time.',
  ],
  NEWSDESK_DELIVERY_MAX_DELAY_MS: [
    int(0, 3_600_000).default(60_000),
    "Delivery: longest wait between attempts (also caps a receiver's Retry-After).",
  ],
  NEWSDESK_PUBLIC_BASE_URL: [
    httpBaseUrl,
    'External base URL of this service; with it, digests whose public link is on are linked in deliveries.',
  ],
} as const satisfies Record<string, readonly [z.ZodType, string]>;

type DigestSpec = typeof digestConfigSpec;
type DigestRaw = { [K in keyof DigestSpec]: z.output<DigestSpec[K][0]> };

export interface DigestSettings {
  categories: CategoryEntry[];
  capPerCategory: number;
  lookbackHours: number;
  markdownLinks: boolean;
  pdfLayout: 'a4' | 'single-page';
  chromiumPath: string;
  pdfTimeoutMs: number;
  renderRetentionDays: number;
  repeatDays: number;
  delivery: { attempts: number; baseDelayMs: number; maxDelayMs: number };
  /** Without a trailing slash; undefined when unset. */
  publicBaseUrl?: string;
}

/** The typed digest settings from the parsed config (`config.raw`). */
export function digestSettings(raw: DigestRaw): DigestSettings {
  return {
    categories: categoryListText.parse(raw.NEWSDESK_DIGEST_CATEGORIES),
    capPerCategory: raw.NEWSDESK_DIGEST_CAP_PER_CATEGORY,
    lookbackHours: raw.NEWSDESK_DIGEST_LOOKBACK_HOURS,
    markdownLinks: raw.NEWSDESK_DIGEST_MARKDOWN_LINKS,
    pdfLayout: raw.NEWSDESK_DIGEST_PDF_LAYOUT,
    chromiumPath: raw.NEWSDESK_CHROMIUM_PATH,
    pdfTimeoutMs: raw.NEWSDESK_PDF_TIMEOUT_MS,
    renderRetentionDays: raw.NEWSDESK_DIGEST_RENDER_RETENTION_DAYS,
    repeatDays: raw.NEWSDESK_DIGEST_REPEAT_DAYS,
    delivery: {
      attempts: raw.NEWSDESK_DELIVERY_ATTEMPTS,
      baseDelayMs: raw.NEWSDESK_DELIVERY_BASE_DELAY_MS,
      maxDelayMs: raw.NEWSDESK_DELIVERY_MAX_DELAY_MS,
    },
    publicBaseUrl: raw.NEWSDESK_PUBLIC_BASE_URL?.replace(/\/+$/, ''),
  };
}
