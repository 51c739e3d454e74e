// Kysely table interfaces: the database shape as stored. JSON lives in TEXT columns (serialised by the repos),
// booleans are integers 0/1, instants are epoch milliseconds (bigint in PostgreSQL), ids are app-made TEXT.
import type { Generated } from 'kysely';
import type { ContentTables } from './schema-content.ts';
import type { CrawlTables } from './schema-crawl.ts';
import type { DigestTables } from './schema-digests.ts';
import type { EnrichTables } from './schema-enrich.ts';
import type { EventTables } from './schema-events.ts';

export interface ExecutionsTable {
  id: string;
  task: string;
  /** JSON */
  payload: string | null;
  trigger: string;
  triggered_by: string | null;
  status: string;
  priority: number;
  attempt: number;
  max_attempts: number;
  progress_current: number | null;
  progress_total: number | null;
  progress_message: string | null;
  processed_count: number;
  success_count: number;
  failed_count: number;
  /** JSON */
  result: string | null;
  /** JSON of the result with long arrays cut, as lists show it; null when nothing was cut. */
  result_listed: string | null;
  /** JSON of SerializedError */
  error: string | null;
  reason: string | null;
  schedule_id: string | null;
  scheduled_for: number | null;
  parent_id: string | null;
  retry_of: string | null;
  idempotency_key: string | null;
  host: string | null;
  pid: number | null;
  worker: string | null;
  lease_owner: string | null;
  lease_expires_at: number | null;
  /** 0/1 */
  cancel_requested: number;
  run_at: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  duration_ms: number | null;
}

export interface ExecutionLogsTable {
  id: Generated<number>;
  execution_id: string;
  ts: number;
  level: string;
  msg: string;
  /** JSON */
  data: string | null;
}

export interface SchedulesTable {
  id: string;
  name: string;
  task: string;
  cron: string;
  timezone: string;
  /** 0/1 */
  enabled: number;
  /** JSON */
  payload: string | null;
  misfire_grace_ms: number;
  /** 0/1; `coalesce` is an SQL function name, hence the longer column name. */
  coalesce_missed: number;
  max_instances: number;
  description: string | null;
  next_run_at: number | null;
  last_run_at: number | null;
  last_execution_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface LocksTable {
  name: string;
  owner: string;
  expires_at: number;
  acquired_at: number;
}

export interface SettingsTable {
  key: string;
  /** JSON */
  value: string;
  updated_at: number;
}

/** Monotonic change counters per aggregate, so other processes can notice edits (including deletes) cheaply. */
export interface RevisionsTable {
  name: string;
  value: number;
}

export interface Database extends ContentTables, CrawlTables, DigestTables, EnrichTables, EventTables {
  executions: ExecutionsTable;
  execution_logs: ExecutionLogsTable;
  schedules: SchedulesTable;
  locks: LocksTable;
  settings: SettingsTable;
  revisions: RevisionsTable;
}
