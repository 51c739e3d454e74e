// Messages between the processes of a cluster over Redis pub/sub: execution events (so SSE on any API
// process shows tasks running on any worker) and cancel requests (so a cancel reaches the worker running
// the task). Events are batched per short interval; every message starts with its origin so a process
// skips its own batches without parsing them. Within a batch, a status event replaces the same execution's
// earlier status event (a task that starts and ends inside one interval sends only its final state).
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ExecutionEventBus } from '../../event-bus.ts';
import type { ExecutionEvent } from '../../types.ts';

const ORIGIN_LENGTH = randomUUID().length;

/** Before the origin prefix, a batch was this JSON object; still read from older processes. */
interface LegacyEventBatch {
  o: string;
  e: ExecutionEvent[];
}

interface CancelMessage {
  o: string;
  id: string;
}

/** The engine's event bus: local subscribers get every event at once; local events also go to the cluster. */
export class BridgedEventBus extends ExecutionEventBus {
  onLocalEvent: ((event: ExecutionEvent) => void) | undefined;

  override emit(event: ExecutionEvent): void {
    super.emit(event);
    this.onLocalEvent?.(event);
  }

  /** An event that happened in another process: deliver locally, do not send it back out. */
  deliverRemote(event: ExecutionEvent): void {
    this.deliver(event, true);
  }
}

export interface ClusterBusOptions {
  publisher: Redis;
  subscriber: Redis;
  eventsChannel: string;
  cancelChannel: string;
  logger: Logger;
  onRemoteEvent(event: ExecutionEvent): void;
  onCancel(executionId: string): void;
  /** How long events are collected before one publish (default 10 ms). */
  flushMs?: number;
  /** Publish at once when this many events are waiting (default 500). */
  maxBatch?: number;
}

export class ClusterBus {
  readonly origin = randomUUID();
  private pending: Array<ExecutionEvent | null> = [];
  /** Index in `pending` of each execution's latest status event, while nothing else of it follows. */
  private pendingStatus = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<unknown> = Promise.resolve();
  private started = false;
  private closed = false;
  private publishFailing = false;
  private readonly onMessage = (channel: string, message: string) => this.receive(channel, message);

  constructor(private readonly opts: ClusterBusOptions) {}

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.opts.subscriber.on('message', this.onMessage);
    await this.opts.subscriber.subscribe(this.opts.eventsChannel, this.opts.cancelChannel);
  }

  publishEvent(event: ExecutionEvent): void {
    if (this.closed) return;
    if (event.type === 'status') {
      const earlier = this.pendingStatus.get(event.execution.id);
      if (earlier !== undefined) this.pending[earlier] = null;
      this.pendingStatus.set(event.execution.id, this.pending.length);
    } else {
      this.pendingStatus.delete(event.executionId);
    }
    this.pending.push(event);
    if (this.pending.length >= (this.opts.maxBatch ?? 500)) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.opts.flushMs ?? 10);
  }

  async publishCancel(executionId: string): Promise<void> {
    const message: CancelMessage = { o: this.origin, id: executionId };
    await this.opts.publisher.publish(this.opts.cancelChannel, JSON.stringify(message));
  }

  /** Send what is pending and stop listening. */
  async stop(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    await this.inFlight;
    this.opts.subscriber.off('message', this.onMessage);
    if (this.started && this.opts.subscriber.status === 'ready') {
      await this.opts.subscriber.unsubscribe().catch(() => undefined);
    }
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const events = this.pending.filter((e) => e !== null);
    this.pending = [];
    this.pendingStatus.clear();
    const message = this.origin + JSON.stringify(events);
    this.inFlight = this.opts.publisher.publish(this.opts.eventsChannel, message).then(
      () => {
        this.publishFailing = false;
      },
      (err: Error) => {
        // Live updates are best effort; the execution records in the store stay the truth.
        if (!this.publishFailing)
          this.opts.logger.warn({ err: err.message }, 'cluster bus: could not publish events');
        this.publishFailing = true;
      },
    );
  }

  private receive(channel: string, message: string): void {
    try {
      if (channel === this.opts.eventsChannel) {
        if (message.startsWith(this.origin)) return;
        for (const event of parseEventBatch(message)) this.opts.onRemoteEvent(event);
      } else if (channel === this.opts.cancelChannel) {
        const cancel = JSON.parse(message) as CancelMessage;
        this.opts.onCancel(cancel.id);
      }
    } catch (err) {
      this.opts.logger.warn({ err, channel }, 'cluster bus: unreadable message');
    }
  }
}

/** A batch is `<origin uuid><JSON array of events>`; a legacy batch is one JSON object. */
function parseEventBatch(message: string): ExecutionEvent[] {
  if (message.startsWith('{')) return (JSON.parse(message) as LegacyEventBatch).e;
  return JSON.parse(message.slice(ORIGIN_LENGTH)) as ExecutionEvent[];
}
