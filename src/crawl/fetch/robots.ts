// robots.txt per origin, cached with a TTL. Unreachable or missing robots files allow everything.
import robotsParserModule from 'robots-parser';

export interface RobotsFetchResult {
  status: number;
  text: string;
}

export interface RobotsCacheOptions {
  /** Fetches `<origin>/robots.txt`; throws on network failure. */
  fetchRobots: (robotsUrl: string, signal?: AbortSignal) => Promise<RobotsFetchResult>;
  /** Product token matched against robots.txt groups (e.g. "newsdesk"). */
  userAgent: string;
  ttlMs?: number;
  /** Entries kept at most (oldest dropped first). */
  maxEntries?: number;
  now?: () => number;
}

interface Robot {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
}

// robots-parser is CommonJS with an ESM-style declaration; take the function whichever way it arrives.
const robotsParser = (
  typeof robotsParserModule === 'function'
    ? robotsParserModule
    : (robotsParserModule as { default: unknown }).default
) as (url: string, text: string) => Robot;

interface Entry {
  robot: Robot | null;
  expires: number;
  crawlDelayMs?: number;
}

export class RobotsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(private readonly options: RobotsCacheOptions) {
    this.ttlMs = options.ttlMs ?? 3_600_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Whether the URL may be fetched by this user agent. */
  async isAllowed(url: string, signal?: AbortSignal): Promise<boolean> {
    const entry = await this.entryFor(new URL(url), signal);
    if (!entry.robot) return true;
    return entry.robot.isAllowed(url, this.options.userAgent) !== false;
  }

  /** Crawl-delay for the origin of `url`, in ms, when robots.txt sets one. */
  async crawlDelayMs(url: string, signal?: AbortSignal): Promise<number | undefined> {
    return (await this.entryFor(new URL(url), signal)).crawlDelayMs;
  }

  clear(): void {
    this.entries.clear();
  }

  private async entryFor(u: URL, signal?: AbortSignal): Promise<Entry> {
    const origin = u.origin;
    const cached = this.entries.get(origin);
    if (cached && cached.expires > this.now()) return cached;
    let pending = this.inflight.get(origin);
    if (!pending) {
      pending = this.load(origin, signal).finally(() => this.inflight.delete(origin));
      this.inflight.set(origin, pending);
    }
    return pending;
  }

  private async load(origin: string, signal?: AbortSignal): Promise<Entry> {
    const robotsUrl = `${origin}/robots.txt`;
    let entry: Entry;
    try {
      const res = await this.options.fetchRobots(robotsUrl, signal);
      if (res.status >= 200 && res.status < 300) {
        const robot = robotsParser(robotsUrl, res.text);
        const delay = robot.getCrawlDelay(this.options.userAgent);
        entry = { robot, expires: this.now() + this.ttlMs, crawlDelayMs: delay ? delay * 1000 : undefined };
      } else {
        entry = { robot: null, expires: this.now() + this.ttlMs };
      }
    } catch (err) {
      if (signal?.aborted) throw err;
      // Unreachable robots.txt: allow, and ask again sooner.
      entry = { robot: null, expires: this.now() + Math.min(this.ttlMs, 600_000) };
    }
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(origin, entry);
    return entry;
  }
}
