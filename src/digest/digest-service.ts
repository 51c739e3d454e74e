// The digest orchestrator: create (from the editor's selection or automatically), edit, render, check for
// repeats, deliver. The one place of the digest flow that does I/O: repositories, files, Chromium, channels.
import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { DigestSettings } from '../config/digest-spec.ts';
import { AppError, NotFoundError, ValidationError } from '../errors.ts';
import type {
  DeliveryAttemptRecord,
  DigestArticle,
  DigestArticlesReadModel,
  DigestHeader,
  DigestItemInput,
  DigestRecord,
  DigestsRepo,
  DeliveryChannelsRepo,
  EventMemberLink,
  RepeatFlagRecord,
} from '../store/digest-types.ts';
import { localDay } from '../time.ts';
import { sectionFor, type CategorySpec } from './categories.ts';
import { ChannelService } from './channel-service.ts';
import { deliverAll, type DeliveryAttempt, type DeliveryOutcome } from './delivery/runner.ts';
import type { DigestRendering } from './delivery/types.ts';
import { pdfFileName } from './file-names.ts';
import {
  candidateFromArticle,
  isValidDay,
  itemFromArticle,
  selectionWindow,
  type SelectionWindow,
} from './from-articles.ts';
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import { displayTitle, type Digest } from './model.ts';
import { PdfRenderer, type PdfLayout } from './pdf.ts';
import { RenderedFiles } from './rendered-files.ts';
import { checkRepeats, pickRecentDigests, shiftDay, type RepeatJudge } from './repeat-check.ts';
import { selectItems, type SkipReason } from './select.ts';

export interface DigestServiceOptions {
  digests: DigestsRepo;
  channels: DeliveryChannelsRepo;
  articles: DigestArticlesReadModel;
  settings: DigestSettings;
  /** Zone of the local days digests are dated in. */
  timeZone: string;
  /** Rendered files go under <dataDir>/digests/. */
  dataDir: string;
  logger: Logger;
  now?: () => number;
  /** Confirms borderline pairs in the repeat check (e.g. an LLM); none by default. */
  judge?: RepeatJudge;
}

export interface CreateDigestInput {
  /** yyyy-MM-dd */
  date: string;
  /** In the order the editor picked them. */
  articleIds: readonly string[];
  title?: string;
  intro?: string;
}

export interface BuildDigestInput {
  /** Default: today in the service's time zone. */
  date?: string;
  /** Override the window (epoch ms); default since the previous digest. */
  since?: number;
  until?: number;
}

export interface BuildDigestResult {
  digest: DigestRecord;
  window: SelectionWindow;
  candidates: number;
  skipped: Partial<Record<SkipReason, number>>;
}

/** One item of an edited list: an existing item (by id) or a new one (by article id), with text overrides. */
export type DigestItemEdit =
  | { id: string; title?: string; summary?: string; category?: string }
  | { articleId: string; title?: string; summary?: string; category?: string };

export interface DigestEdit {
  title?: string;
  intro?: string;
  /** The full new item list, in order: reorder, add, remove and reword in one go. */
  items?: DigestItemEdit[];
  /** Turn the public HTML link on (a new secret token) or off. */
  public?: boolean;
}

export interface CheckResult {
  digestId: string;
  compared: { id: string; date: string }[];
  flags: RepeatFlagRecord[];
  judgeCalls: number;
  judgeErrors: number;
}

export interface DeliverInput {
  /** Channel names or ids; default every enabled channel. */
  channels?: readonly string[];
  signal?: AbortSignal;
  /** Recorded on each attempt. */
  executionId?: string;
  /** Where attempts are logged (e.g. the task's ctx.log); default the service logger. */
  log?: Logger;
}

export interface DeliverResult {
  digestId: string;
  outcomes: DeliveryOutcome[];
}

/** A channel failed after its retries: the delivery (and the task running it) fails with this. */
export class DeliveryFailedError extends AppError {
  readonly outcomes: DeliveryOutcome[];
  constructor(digestId: string, outcomes: DeliveryOutcome[]) {
    const failed = outcomes.filter((o) => !o.ok);
    const what = failed
      .map(
        (o) =>
          `${o.channel}: ${o.error?.message ?? 'failed'} (after ${o.attempts} attempt${o.attempts === 1 ? '' : 's'})`,
      )
      .join('; ');
    super(
      'UPSTREAM_HTTP',
      `delivery of digest ${digestId} failed on ${failed.length} of ${outcomes.length} channel${outcomes.length === 1 ? '' : 's'}: ${what}`,
      { digestId, failed: failed.map((o) => o.channel) },
    );
    this.name = 'DeliveryFailedError';
    this.outcomes = outcomes;
  }
}

const DAY_MS = 86_400_000;

function assertDay(date: string, field = 'date'): void {
  if (!isValidDay(date)) {
    throw new ValidationError(`invalid ${field} "${date}": expected a calendar day as yyyy-MM-dd`, {
      issues: [{ path: field, message: 'expected a calendar day as yyyy-MM-dd' }],
    });
  }
}

function toModel(d: DigestRecord): Digest {
  return { id: d.id, date: d.date, title: d.title, intro: d.intro, items: d.items };
}

export class DigestService {
  readonly channels: ChannelService;
  readonly #o: DigestServiceOptions;
  readonly #now: () => number;
  readonly #files: RenderedFiles;
  readonly #categories: readonly CategorySpec[];
  /** Renders in progress by digest id + content key, so concurrent requests share one. */
  readonly #pdfInFlight = new Map<string, Promise<Buffer>>();
  #renderer: Promise<PdfRenderer> | undefined;
  #stopped = false;

  constructor(options: DigestServiceOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#files = new RenderedFiles(options.dataDir);
    this.#categories = options.settings.categories;
    this.channels = new ChannelService(options.channels);
  }

  get categories(): readonly CategorySpec[] {
    return this.#categories;
  }

  /** Nothing to start eagerly: Chromium starts with the first PDF. */
  async start(): Promise<void> {}

  /** Close the browser (if one was started). Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const renderer = this.#renderer;
    this.#renderer = undefined;
    const r = await renderer?.catch(() => undefined);
    await r?.stop();
  }

  // ---- reading -------------------------------------------------------------------------------------------

  async getDigest(id: string): Promise<DigestRecord> {
    const d = await this.#o.digests.get(id);
    if (!d) throw new NotFoundError('digest', id);
    return d;
  }

  listDigests(filter: { date?: string; limit?: number; offset?: number } = {}) {
    if (filter.date !== undefined) assertDay(filter.date);
    return this.#o.digests.list(filter);
  }

  async repeatFlags(id: string): Promise<RepeatFlagRecord[]> {
    await this.getDigest(id);
    return this.#o.digests.listRepeatFlags(id);
  }

  async deliveryAttempts(id: string): Promise<DeliveryAttemptRecord[]> {
    await this.getDigest(id);
    return this.#o.digests.listDeliveryAttempts(id);
  }

  /** The public page's address, when the link is on and NEWSDESK_PUBLIC_BASE_URL is set. */
  publicUrl(d: Pick<DigestHeader, 'publicToken'>): string | undefined {
    const base = this.#o.settings.publicBaseUrl;
    return d.publicToken && base ? `${base}${publicPath(d.publicToken)}` : undefined;
  }

  // ---- creating and editing ------------------------------------------------------------------------------

  /** The editor's flow: today's news → select → generate. Items keep the order of `articleIds`. */
  async createDigest(input: CreateDigestInput): Promise<DigestRecord> {
    assertDay(input.date);
    const items = await this.#itemsForArticles(input.articleIds, 'articleIds');
    return this.#o.digests.create({
      date: input.date,
      title: input.title?.trim() ?? '',
      intro: input.intro ?? '',
      items: items.map(({ order: _order, ...item }) => item),
    });
  }

  /**
   * Automatic selection: enriched articles since the previous digest, one item per event, ranked by
   * importance and recency, capped per category, without articles of an earlier digest.
   */
  async buildDigest(input: BuildDigestInput = {}): Promise<BuildDigestResult> {
    const now = this.#now();
    const date = input.date ?? localDay(now, this.#o.timeZone);
    assertDay(date);
    const previous = await this.#o.digests.latestBefore(date);
    const auto = selectionWindow({
      date,
      timeZone: this.#o.timeZone,
      now,
      previousCreatedAt: previous?.createdAt,
      lookbackHours: this.#o.settings.lookbackHours,
    });
    const window: SelectionWindow = {
      since: input.since ?? auto.since,
      until: input.until ?? auto.until,
      notFetchedBefore:
        input.since !== undefined ? Math.min(input.since, auto.notFetchedBefore) : auto.notFetchedBefore,
    };
    if (window.since > window.until) {
      throw new ValidationError('the selection window ends before it starts', {
        issues: [{ path: 'since', message: 'must not be after until' }],
      });
    }
    const articles = await this.#o.articles.candidates({ ...window, date });
    const realEvent = new Map(articles.map((a) => [a.id, a.eventId]));
    const selection = selectItems(articles.map(candidateFromArticle), {
      categories: this.#categories,
      capPerCategory: this.#o.settings.capPerCategory,
    });
    const items: DigestItemInput[] = selection.items.map(({ order: _order, ...item }) => ({
      ...item,
      eventId: realEvent.get(item.articleId) ?? null,
    }));
    const digest = await this.#o.digests.create({ date, items });
    const skipped: Partial<Record<SkipReason, number>> = {};
    for (const s of selection.skipped) skipped[s.reason] = (skipped[s.reason] ?? 0) + 1;
    this.#o.logger.info(
      { digestId: digest.id, date, items: items.length, candidates: articles.length, skipped },
      `digest ${date} built with ${items.length} items from ${articles.length} candidates`,
    );
    return { digest, window, candidates: articles.length, skipped };
  }

  async editDigest(id: string, edit: DigestEdit): Promise<DigestRecord> {
    const current = await this.getDigest(id);
    const content = edit.title !== undefined || edit.intro !== undefined || edit.items !== undefined;
    if (content) {
      const items = edit.items ? await this.#editedItems(current, edit.items) : undefined;
      const saved = await this.#o.digests.edit(id, { title: edit.title?.trim(), intro: edit.intro, items });
      if (!saved) throw new NotFoundError('digest', id);
      await this.#files.removeDigest(id);
    }
    if (edit.public !== undefined && edit.public !== (current.publicToken !== null)) {
      await this.#o.digests.setPublicToken(id, edit.public ? randomBytes(18).toString('base64url') : null);
    }
    return this.getDigest(id);
  }

  async deleteDigest(id: string): Promise<void> {
    if (!(await this.#o.digests.delete(id))) throw new NotFoundError('digest', id);
    await this.#files.removeDigest(id);
  }

  async #editedItems(current: DigestRecord, edits: readonly DigestItemEdit[]): Promise<DigestItemInput[]> {
    const byId = new Map(current.items.map((i) => [i.id, i]));
    const newArticleIds = edits.flatMap((e) => ('articleId' in e ? [e.articleId] : []));
    const built = new Map(
      (await this.#itemsForArticles(newArticleIds, 'items')).map((item) => [item.articleId, item]),
    );
    const seen = new Set<string>();
    return edits.map((e, index) => {
      const field = `items.${index}`;
      let base: DigestItemInput;
      if ('id' in e) {
        const existing = byId.get(e.id);
        if (!existing) throw fieldError(`${field}.id`, `digest ${current.id} has no item ${e.id}`);
        base = { ...existing };
      } else {
        base = { ...built.get(e.articleId)! };
      }
      if (seen.has(base.articleId)) throw fieldError(field, `article ${base.articleId} is listed twice`);
      seen.add(base.articleId);
      if (e.category !== undefined && !this.#categories.some((c) => c.name === e.category)) {
        throw fieldError(
          `${field}.category`,
          `unknown category "${e.category}"; one of: ${this.#categories.map((c) => c.name).join(', ')}`,
        );
      }
      return {
        ...base,
        ...(e.title !== undefined ? { title: e.title } : {}),
        ...(e.summary !== undefined ? { summary: e.summary } : {}),
        ...(e.category !== undefined ? { category: e.category } : {}),
      };
    });
  }

  /** Items for articles the editor picked, in that order; unknown ids are a 400 naming them. */
  async #itemsForArticles(articleIds: readonly string[], field: string) {
    const dupes = articleIds.filter((id, i) => articleIds.indexOf(id) !== i);
    if (dupes.length > 0) throw fieldError(field, `article listed twice: ${[...new Set(dupes)].join(', ')}`);
    if (articleIds.length === 0) return [];
    const found = new Map((await this.#o.articles.getByIds(articleIds)).map((a) => [a.id, a]));
    const missing = articleIds.filter((id) => !found.has(id));
    if (missing.length > 0) throw fieldError(field, `unknown article id: ${missing.join(', ')}`, { missing });
    const articles = articleIds.map((id) => found.get(id)!);
    const members = await this.#membersByEvent(articles);
    return articles.map((a, order) =>
      itemFromArticle(a, a.eventId ? (members.get(a.eventId) ?? []) : [], order),
    );
  }

  async #membersByEvent(articles: readonly DigestArticle[]): Promise<Map<string, EventMemberLink[]>> {
    const eventIds = articles.flatMap((a) => (a.eventId ? [a.eventId] : []));
    const out = new Map<string, EventMemberLink[]>();
    if (eventIds.length === 0) return out;
    for (const m of await this.#o.articles.eventMembers(eventIds)) {
      const list = out.get(m.eventId);
      if (list) list.push(m);
      else out.set(m.eventId, [m]);
    }
    return out;
  }

  // ---- rendering -----------------------------------------------------------------------------------------

  markdown(d: DigestRecord): string {
    return renderMarkdown(toModel(d), {
      categories: this.#categories,
      includeLinks: this.#o.settings.markdownLinks,
    });
  }

  html(d: DigestRecord): string {
    return renderHtml(toModel(d), { categories: this.#categories });
  }

  /** Section an item renders in (its category, or the fallback). */
  sectionOf(category: string): string {
    return sectionFor(category, this.#categories);
  }

  /** The PDF for the current content, from the file cache or freshly printed. */
  async pdf(
    id: string,
    options: { layout?: PdfLayout; signal?: AbortSignal } = {},
  ): Promise<{ data: Buffer; fileName: string }> {
    const d = await this.getDigest(id);
    return { data: await this.#pdfFor(d, options.layout, options.signal), fileName: pdfFileName(d.date) };
  }

  async #pdfFor(d: DigestRecord, layout: PdfLayout = this.#o.settings.pdfLayout, signal?: AbortSignal) {
    const html = this.html(d);
    const key = createHash('sha256').update(`${layout}\n${html}`).digest('hex').slice(0, 32);
    if (d.pdf?.key === key) {
      const cached = await this.#files.read(d.pdf.file);
      if (cached) return cached;
    }
    const flightKey = `${d.id}:${key}`;
    let flight = this.#pdfInFlight.get(flightKey);
    if (!flight) {
      flight = (async () => {
        const renderer = await this.#pdfRenderer();
        const data = await renderer.render(html, { layout, signal });
        const file = this.#files.pdfPath(d.id, d.date);
        await this.#files.write(file, data);
        await this.#o.digests.setPdf(d.id, { file, key, renderedAt: this.#now() }, d.revision);
        return data;
      })().finally(() => this.#pdfInFlight.delete(flightKey));
      this.#pdfInFlight.set(flightKey, flight);
    }
    return flight;
  }

  /** One browser for the service's lifetime, started by the first PDF. */
  #pdfRenderer(): Promise<PdfRenderer> {
    if (this.#stopped) return Promise.reject(new AppError('UNAVAILABLE', 'the digest service is stopping'));
    this.#renderer ??= (async () => {
      const renderer = new PdfRenderer({
        executablePath: this.#o.settings.chromiumPath,
        launchTimeoutMs: this.#o.settings.pdfTimeoutMs,
        renderTimeoutMs: this.#o.settings.pdfTimeoutMs,
      });
      await renderer.start();
      return renderer;
    })();
    const starting = this.#renderer;
    // A failed start is not cached: the next PDF tries again (Chromium may have been installed since).
    starting.catch(() => {
      if (this.#renderer === starting) this.#renderer = undefined;
    });
    return starting;
  }

  /** The HTML of a digest whose public link is on. */
  async publicHtml(token: string): Promise<string> {
    const d = await this.#o.digests.getByPublicToken(token);
    if (!d) throw new NotFoundError('public digest', token.slice(0, 4) + '…');
    return this.html(d);
  }

  // ---- repeat check --------------------------------------------------------------------------------------

  /**
   * Compare the digest with the last digest of each of the previous days; store one flag per repeated
   * item (replacing earlier flags) and mark the digest checked for its current revision.
   */
  async checkDigest(id: string, options: { days?: number; signal?: AbortSignal } = {}): Promise<CheckResult> {
    const days = options.days ?? this.#o.settings.repeatDays;
    // An edit while checking would leave flags on items that are gone: check the new content again.
    for (let round = 0; ; round++) {
      const d = await this.getDigest(id);
      const pool = await this.#o.digests.listByDateRange(shiftDay(d.date, -days), shiftDay(d.date, -1));
      const recent = pickRecentDigests(pool, d.date, days);
      const result = await checkRepeats(toModel(d), recent.map(toModel), {
        judge: this.#o.judge,
        signal: options.signal,
      });
      const again = await this.getDigest(id);
      if (again.revision !== d.revision && round < 2) continue;
      const flags = await this.#o.digests.replaceRepeatFlags(
        id,
        result.flags.map((f) => ({
          itemId: f.itemId,
          matchedDigestId: f.matchedDigestId,
          matchedDigestDate: f.matchedDigestDate,
          matchedItemId: f.matchedItem.id,
          matchedArticleId: f.matchedItem.articleId,
          matchedTitle: f.matchedItem.title,
          reason: f.reason,
          score: f.score,
          detail: f.detail,
          confirmedByJudge: f.confirmedByJudge === true,
        })),
        this.#now(),
      );
      await this.#o.digests.setStatus(id, {
        ...(d.status === 'draft' ? { status: 'checked' as const } : {}),
        checkedAt: this.#now(),
        checkedRevision: d.revision,
      });
      return {
        digestId: id,
        compared: recent.map((r) => ({ id: r.id, date: r.date })),
        flags,
        judgeCalls: result.judgeCalls,
        judgeErrors: result.judgeErrors,
      };
    }
  }

  // ---- delivery ------------------------------------------------------------------------------------------

  /**
   * Send the digest through the channels, retrying each with backoff; every attempt is stored on the
   * digest. Throws DeliveryFailedError when any channel ultimately fails.
   */
  async deliverDigest(id: string, input: DeliverInput = {}): Promise<DeliverResult> {
    const log = input.log ?? this.#o.logger;
    const d = await this.getDigest(id);
    const targets = await this.channels.targets(input.channels);
    const wantsPdf = targets.some((t) => t.type === 'email' && t.config.attachPdf !== false);
    const rendering: DigestRendering = {
      title: displayTitle(d),
      markdown: this.markdown(d),
      html: this.html(d),
      publicUrl: this.publicUrl(d),
      digestId: d.id,
      date: d.date,
      ...(wantsPdf
        ? { pdf: { fileName: pdfFileName(d.date), data: await this.#pdfFor(d, undefined, input.signal) } }
        : {}),
    };
    const outcomes = await deliverAll(
      targets.map((t) => ({ id: t.id, name: t.name, config: t.config })),
      rendering,
      {
        retry: {
          attempts: this.#o.settings.delivery.attempts,
          baseDelayMs: this.#o.settings.delivery.baseDelayMs,
          maxDelayMs: this.#o.settings.delivery.maxDelayMs,
        },
        signal: input.signal,
        onAttempt: async (a: DeliveryAttempt) => {
          await this.#o.digests.recordDeliveryAttempt({
            digestId: d.id,
            executionId: input.executionId ?? null,
            channelId: a.channelId,
            channelName: a.channel,
            channelType: a.channelType,
            attempt: a.attempt,
            ok: a.ok,
            status: a.status,
            response: a.response,
            error: a.error,
            nextRetryInMs: a.nextRetryInMs,
            at: a.at,
            durationMs: a.durationMs,
          });
          const fields = { digestId: d.id, channel: a.channel, attempt: a.attempt, status: a.status };
          if (a.ok) log.info(fields, `delivered to ${a.channel} (attempt ${a.attempt})`);
          else
            log.warn(
              { ...fields, error: a.error?.message, retryInMs: a.nextRetryInMs },
              `delivery to ${a.channel} failed (attempt ${a.attempt}): ${a.error?.message ?? 'unknown error'}`,
            );
        },
      },
    );
    const failed = outcomes.some((o) => !o.ok);
    await this.#o.digests.setStatus(
      d.id,
      failed ? { status: 'delivery_failed' } : { status: 'delivered', deliveredAt: this.#now() },
    );
    if (failed) throw new DeliveryFailedError(d.id, outcomes);
    return { digestId: d.id, outcomes };
  }

  // ---- housekeeping --------------------------------------------------------------------------------------

  /** Remove cached PDFs older than the retention (and leftovers of edited or deleted digests). */
  async cleanupRenderedFiles(now = this.#now(), retentionDays = this.#o.settings.renderRetentionDays) {
    const current = new Map((await this.#o.digests.listPdfs()).map((p) => [p.id, p.pdf.file]));
    const result = await this.#files.cleanup({ now, maxAgeMs: retentionDays * DAY_MS, current });
    for (const id of result.expired) await this.#o.digests.setPdf(id, null);
    return result;
  }
}

/** Path of the public page of a digest (relative to the service's base URL). */
export function publicPath(token: string): string {
  return `/public/digests/${token}.html`;
}

function fieldError(path: string, message: string, extra?: object): ValidationError {
  return new ValidationError(message, { issues: [{ path, message }], ...extra });
}
