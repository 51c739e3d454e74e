// Kysely shapes of the event tables (see migrations/0004_events.ts).

export interface EventsTable {
  id: string;
  label: string;
  category: string | null;
  first_seen_at: number;
  last_seen_at: number;
  article_count: number;
  source_count: number;
  /** JSON string[] */
  cves: string;
  merged_into: string | null;
  /** JSON of the grouping record */
  state: string;
  created_at: number;
  updated_at: number;
}

export interface ArticleSignaturesTable {
  article_id: string;
  event_id: string;
  cluster_id: string;
  near_dup_of: string | null;
  source_id: string;
  at: number;
  fingerprint: string;
  /** JSON string[] */
  cves: string;
  reason: string;
  score: number;
  grouped_at: number;
}

export interface EventTables {
  events: EventsTable;
  article_signatures: ArticleSignaturesTable;
}
