// Kysely shapes of the crawler's tables (see migrations/0006_crawl.ts).

export interface CrawlRunsTable {
  id: string;
  source_id: string;
  execution_id: string | null;
  url: string;
  status: string;
  http_status: number | null;
  error_code: string | null;
  error_message: string | null;
  items_found: number;
  items_new: number;
  /** 0/1 */
  outage: number;
  started_at: number;
  finished_at: number;
  duration_ms: number;
  /** JSON CrawlLogLine[] */
  log: string | null;
}

export interface CrawlTables {
  crawl_runs: CrawlRunsTable;
}
