// What every route plugin receives: the app's services plus the HTTP layer's own shared pieces.
import type { AppContext } from '../app-context.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { SseHub } from './sse.ts';

export interface RouteDeps {
  ctx: AppContext;
  sse: SseHub;
  /** Interval of SSE heartbeat comments. */
  sseHeartbeatMs: number;
  metrics: Metrics;
}
