// Kysely shapes of the content tables (see migrations/0002_content.ts).

export interface SourcesTable {
  id: string;
  name: string;
  url: string;
  type: string;
  active: number;
  description: string | null;
  fetch_interval_minutes: number | null;
  max_fetch_days: number;
  full_text: number;
  use_feed_summary: number;
  use_description_as_summary: number;
  selectors: string | null;
  headers: string | null;
  proxy: string | null;
  etag: string | null;
  last_modified: string | null;
  body_hash: string | null;
  last_fetch_at: number | null;
  last_success_at: number | null;
  last_status: number | null;
  last_message: string | null;
  last_error_code: string | null;
  consecutive_failures: number;
  first_failure_at: number | null;
  next_check_at: number | null;
  disabled_reason: string | null;
  pending_redirect_url: string | null;
  pending_redirect_count: number;
  items_found: number;
  items_new: number;
  entries_per_week: number | null;
  created_at: number;
  updated_at: number;
}

export interface ArticlesTable {
  id: string;
  source_id: string;
  url: string;
  canonical_url: string;
  guid: string | null;
  title: string;
  author: string | null;
  feed_summary: string | null;
  content_html: string | null;
  content_text: string | null;
  content_hash: string;
  published_at: number | null;
  fetched_at: number;
  duplicate_of: string | null;
  event_id: string | null;
  enrich_state: string;
  enrich_mode: string | null;
  language: string | null;
  title_zh: string | null;
  summary: string | null;
  summary_source: string | null;
  category: string | null;
  entities: string | null;
  cves: string | null;
  importance: number | null;
  translation: string | null;
  prompt_version: string | null;
  enrich_attempts: number;
  enrich_error_code: string | null;
  enrich_error_message: string | null;
  enrich_next_retry_at: number | null;
  enrich_skip_reason: string | null;
  enriched_at: number | null;
}

export interface ContentTables {
  sources: SourcesTable;
  articles: ArticlesTable;
}
