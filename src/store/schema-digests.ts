// Kysely shapes of the digest tables (see migrations/0005_digests.ts).

export interface DigestsTable {
  id: string;
  /** The digest's own local day, yyyy-MM-dd. */
  date: string;
  title: string;
  intro: string;
  status: string;
  /** Bumped by every content edit; rendered outputs and checks made for an older revision are stale. */
  revision: number;
  /** Secret part of the public HTML link; null when the link is off. */
  public_token: string | null;
  /** Cached PDF, relative to the data directory, and the key (hash of layout + HTML) it was made for. */
  pdf_file: string | null;
  pdf_key: string | null;
  pdf_rendered_at: number | null;
  checked_at: number | null;
  checked_revision: number | null;
  delivered_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface DigestItemsTable {
  id: string;
  digest_id: string;
  article_id: string;
  event_id: string | null;
  category: string;
  title: string;
  summary: string;
  /** JSON [{url, source}] */
  links: string;
  position: number;
}

export interface DigestRepeatFlagsTable {
  id: string;
  digest_id: string;
  item_id: string;
  matched_digest_id: string;
  matched_digest_date: string;
  matched_item_id: string;
  matched_article_id: string;
  matched_title: string;
  reason: string;
  score: number;
  detail: string;
  /** 0/1: confirmed by the judge (a borderline pair). */
  judge: number;
  created_at: number;
}

export interface DeliveryChannelsTable {
  id: string;
  name: string;
  type: string;
  /** 0/1 */
  enabled: number;
  description: string | null;
  /** JSON, secrets included: never shown unmasked. */
  config: string;
  created_at: number;
  updated_at: number;
}

export interface DigestDeliveriesTable {
  id: string;
  digest_id: string;
  execution_id: string | null;
  channel_id: string | null;
  channel_name: string;
  channel_type: string | null;
  attempt: number;
  /** 0/1 */
  ok: number;
  status: number | null;
  /** Truncated, secrets redacted. */
  response: string | null;
  /** JSON {type, kind, code, message, retryable} */
  error: string | null;
  next_retry_in_ms: number | null;
  at: number;
  duration_ms: number;
}

export interface DigestTables {
  digests: DigestsTable;
  digest_items: DigestItemsTable;
  digest_repeat_flags: DigestRepeatFlagsTable;
  delivery_channels: DeliveryChannelsTable;
  digest_deliveries: DigestDeliveriesTable;
}
