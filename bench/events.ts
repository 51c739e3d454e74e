// npm run bench:events — near-duplicate detection and event grouping over 100,000 synthetic-but-realistic
// articles built from the shared corpus (article bodies from the extraction benchmark, titles and
// descriptions from the real feeds, Chinese from the GB2312/Big5 feeds). Prints:
//   1. feature costs (tokenisers, MinHash schemes, SimHash as BigInt vs two 32-bit halves);
//   2. time per new article as the archive grows (1k, 10k, 100k), fingerprinting and grouping, with RSS,
//      pipelined as in the service (a thread fingerprints the next batch while this one groups), next to
//      the same stream on one thread;
//   3. the indexed search next to an all-pairs baseline on the first 1,000 articles, with the ratio;
//   4. grouping quality against the generator's ground truth, and the cost of restoring the saved state.
// Options: --articles N (default 100000), --runs R (default 3, medians reported), --batch B (default 500).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import {
  EventGrouper,
  FingerprintPool,
  fingerprintArticle,
  simHash,
  tokenize,
  type ArticleFingerprint,
  type EventArticle,
} from '../src/events/index.ts';
import { mix32, tokenHash } from '../src/events/hash.ts';
import { minHash, oneMinHash } from '../src/events/minhash.ts';
import { hasCjk } from '../src/events/normalize.ts';

// ---- options --------------------------------------------------------------------------------------------

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

const ARTICLES = option('articles', 100_000);
const RUNS = option('runs', 3);
const BATCH = option('batch', 500);
const BASELINE = Math.min(1_000, ARTICLES);
/** Fingerprint threads: the service's default (one per core but this one). */
const THREADS = Math.max(1, availableParallelism() - 1);
const PER_DAY = 1_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse('2025-01-01T00:00:00Z');
const CORPUS = path.resolve(process.cwd(), '../shared/corpus');

// ---- corpus ---------------------------------------------------------------------------------------------

interface Corpus {
  englishSentences: string[];
  englishTitles: string[];
  cjkTitles: string[];
  cjkSentences: string[];
}

function decodeFeed(bytes: Buffer): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const prolog = bytes.subarray(0, 200).toString('latin1');
  const declared = /encoding=["']([\w.:-]+)["']/i.exec(prolog)?.[1]?.toLowerCase();
  const label = declared === 'gb2312' || declared === 'gbk' ? 'gb18030' : declared;
  try {
    return new TextDecoder(label ?? 'utf-8').decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

function cleanMarkup(text: string): string {
  return text
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, code) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code) => String.fromCodePoint(Number.parseInt(code, 16)))
    .replace(/&amp;/g, '&')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) walk(file, out);
    else out.push(file);
  }
  return out;
}

function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?。！？])\s*|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length >= 12 && s.length <= 400);
}

function loadCorpus(): Corpus {
  const truth = JSON.parse(
    readFileSync(path.join(CORPUS, 'extraction/scrapinghub-aeb/ground-truth.json'), 'utf8'),
  );
  const englishSentences = Object.values<{ articleBody: string }>(truth).flatMap((a) =>
    splitSentences(a.articleBody),
  );
  const titles = new Set<string>();
  const descriptions = new Set<string>();
  for (const file of walk(path.join(CORPUS, 'feeds'))) {
    if (!/\.(xml|rss|atom|json)$/.test(file)) continue;
    const text = decodeFeed(readFileSync(file));
    if (file.endsWith('.json')) {
      for (const m of text.matchAll(/"title"\s*:\s*"((?:[^"\\]|\\.){8,200})"/g))
        titles.add(cleanMarkup(JSON.parse(`"${m[1]}"`)));
      continue;
    }
    for (const m of text.matchAll(/<title[^>]*>([\s\S]*?)<\/title>/gi)) titles.add(cleanMarkup(m[1]));
    for (const m of text.matchAll(/<(description|summary|content)[^>]*>([\s\S]*?)<\/\1>/gi)) {
      descriptions.add(cleanMarkup(m[2]));
    }
  }
  const usable = [...titles].filter((t) => t.length >= 8 && t.length <= 160 && !t.includes('\uFFFD'));
  const cjkSentences = [...descriptions].filter(hasCjk).flatMap(splitSentences).filter(hasCjk);
  return {
    englishSentences,
    englishTitles: usable.filter((t) => !hasCjk(t)),
    cjkTitles: usable.filter(hasCjk),
    cjkSentences,
  };
}

// ---- synthetic stream -----------------------------------------------------------------------------------

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VENDORS = [
  'Microsoft',
  'Cisco',
  'Fortinet',
  'Ivanti',
  'Citrix',
  'Apple',
  'Google',
  'VMware',
  'Oracle',
  'SAP',
  'Adobe',
  'Atlassian',
  'Palo Alto Networks',
  'Juniper',
  'SonicWall',
  'Zyxel',
  'QNAP',
  'Synology',
  'F5',
  'Progress',
];
const KINDS_ZH = [
  '漏洞遭在野利用',
  '发布紧急安全更新',
  '遭勒索软件攻击',
  '数据泄露事件',
  '曝远程代码执行漏洞',
  '遭黑客入侵',
  '修复高危漏洞',
  '系统瘫痪',
  '用户信息外泄',
  '遭供应链攻击',
  '披露零日漏洞细节',
  '遭DDoS攻击',
];
const KINDS_EN = [
  'flaw exploited in attacks',
  'patches critical vulnerability',
  'hit by ransomware attack',
  'confirms data breach',
  'warns of zero-day',
  'hackers breach',
  'fixes high-severity bugs',
  'outage after cyberattack',
  'customer data exposed',
  'supply chain attack',
  'zero-day details disclosed',
  'hit by DDoS attack',
];
const CATEGORIES = ['金融业网络安全事件', '重大网络安全事件', '重大数据泄露事件', '重大漏洞风险提示', '其他'];

/** One incident: what every story about it shares. */
interface Incident {
  index: number;
  name: string;
  vendor: string;
  cves: string[];
  category: string;
  kind: number;
}

/** One article to materialise later (texts are built batch by batch to keep memory flat). */
interface ArticleSpec {
  id: string;
  incident: number;
  at: number;
  /** 'new': a fresh story on the incident; 'reprint': a reworded copy of `of`. */
  kind: 'new' | 'reprint';
  of: number;
  seed: number;
  language: 'enriched' | 'chinese' | 'english';
  roundup: boolean;
}

interface Stream {
  incidents: Incident[];
  specs: ArticleSpec[];
}

function capitalised(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function planStream(corpus: Corpus, count: number, seed: number): Stream {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const words = corpus.englishSentences.flatMap((s) => s.split(/\W+/)).filter((w) => /^[a-z]{5,10}$/.test(w));
  const periodMs = (count / PER_DAY) * DAY;
  const incidents: Incident[] = [];
  const specs: ArticleSpec[] = [];
  while (specs.length < count) {
    const index = incidents.length;
    const incident: Incident = {
      index,
      name: `${capitalised(pick(words))}${capitalised(pick(words))}`,
      vendor: pick(VENDORS),
      cves: random() < 0.5 ? [`CVE-${2024 + Math.floor(random() * 2)}-${10_000 + index}`] : [],
      category: pick(CATEGORIES),
      kind: Math.floor(random() * KINDS_ZH.length),
    };
    incidents.push(incident);
    const start = START + random() * periodMs;
    // Most incidents get one story, some get many (a long tail as in real news).
    const size = Math.min(12, 1 + Math.floor(-Math.log(1 - random()) * 1.6));
    const first = specs.length;
    for (let k = 0; k < size && specs.length < count; k++) {
      const reprint = k > 0 && random() < 0.4;
      specs.push({
        id: `a${specs.length}`,
        incident: index,
        at: Math.round(start + (k === 0 ? 0 : random() * 48 * HOUR)),
        kind: reprint ? 'reprint' : 'new',
        of: reprint ? first + Math.floor(random() * (specs.length - first)) : -1,
        seed: Math.floor(random() * 2 ** 31),
        language: random() < 0.5 ? 'enriched' : random() < 0.4 ? 'chinese' : 'english',
        roundup: random() < 0.01,
      });
    }
  }
  // Arrival order is time order; a reprint of a later story becomes a story of its own.
  specs.sort((a, b) => a.at - b.at);
  const position = new Map(specs.map((s, i) => [s.id, i]));
  for (const spec of specs)
    if (spec.kind === 'reprint' && position.get(`a${spec.of}`)! > position.get(spec.id)!) spec.kind = 'new';
  return { incidents, specs };
}

interface StoryText {
  englishTitle: string;
  cjkTitle: string;
  englishBody: string[];
  cjkBody: string[];
}

/** A sentence stitched from fragments of two or three corpus sentences: real wording, unique combination. */
function mixedSentence(pool: readonly string[], random: () => number, cjk: boolean): string {
  const parts: string[] = [];
  for (let i = 0, n = 2 + Math.floor(random() * 2); i < n; i++) {
    const sentence = pool[Math.floor(random() * pool.length)];
    const units = cjk ? [...sentence] : sentence.split(' ');
    const length = Math.max(3, Math.floor(units.length * (0.3 + random() * 0.3)));
    const start = Math.floor(random() * Math.max(1, units.length - length));
    parts.push(units.slice(start, start + length).join(cjk ? '' : ' '));
  }
  return cjk ? parts.join('，') + '。' : parts.join(', ') + '.';
}

function story(corpus: Corpus, incident: Incident, seed: number): StoryText {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const name = incident.name;
  const cve = incident.cves[0] ? ` ${incident.cves[0]}` : '';
  // The lead names the incident; the rest is corpus text (whole English sentences, stitched Chinese ones).
  const englishBody = [
    `${incident.vendor} said ${name}${cve} ${KINDS_EN[incident.kind]}.`,
    mixedSentence(corpus.englishSentences, random, false),
    ...Array.from({ length: 8 + Math.floor(random() * 7) }, () => pick(corpus.englishSentences)),
  ];
  const cjkBody = [
    `${incident.vendor}表示${name}${cve}${KINDS_ZH[incident.kind]}。`,
    ...Array.from({ length: 4 + Math.floor(random() * 4) }, () =>
      mixedSentence(corpus.cjkSentences, random, true),
    ),
  ];
  // Headlines name the incident; a few words of real text vary them from story to story.
  const words = (random() < 0.3 ? pick(corpus.englishTitles) : pick(corpus.englishSentences)).split(' ');
  const at = Math.floor(random() * Math.max(1, words.length - 5));
  const fragment = words.slice(at, at + 2 + Math.floor(random() * 4)).join(' ');
  const cjkSource = pick(corpus.cjkSentences);
  const cjkStart = Math.floor(random() * Math.max(1, cjkSource.length - 10));
  return {
    englishTitle: `${incident.vendor} ${name} ${KINDS_EN[incident.kind]}: ${fragment}`,
    cjkTitle: `${name}${KINDS_ZH[incident.kind]}：${cjkSource.slice(cjkStart, cjkStart + 4 + Math.floor(random() * 6))}`,
    englishBody,
    cjkBody,
  };
}

/** A reworded copy: sentences dropped and swapped, a few words lost, the headline trimmed. */
function reword(text: StoryText, seed: number): StoryText {
  const random = prng(seed);
  const perturb = (sentences: string[]) => {
    const out = sentences.filter(() => random() > 0.12);
    if (out.length > 3) {
      const i = 1 + Math.floor(random() * (out.length - 2));
      [out[i], out[i + 1]] = [out[i + 1], out[i]];
    }
    return out.map((s) =>
      s
        .split(' ')
        .filter(() => random() > 0.05)
        .join(' '),
    );
  };
  return {
    englishTitle: text.englishTitle
      .split(' ')
      .filter((_, i) => i < 4 || random() > 0.15)
      .join(' '),
    cjkTitle: text.cjkTitle.replace('：', ' | '),
    englishBody: perturb(text.englishBody),
    cjkBody: perturb(text.cjkBody),
  };
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/**
 * The string as the database hands it over: decoded from UTF-8 into one flat string. The generator's joins
 * and concatenations leave V8 rope strings, whose flattening would otherwise be charged to the first step
 * that reads them (copying the batch to the fingerprint thread) inside the clock.
 */
function stored(text: string): string {
  return utf8Decoder.decode(utf8Encoder.encode(text));
}

function materialise(
  corpus: Corpus,
  stream: Stream,
  from: number,
  to: number,
  cache: Map<number, StoryText>,
): EventArticle[] {
  const out: EventArticle[] = [];
  for (let i = from; i < to; i++) {
    const spec = stream.specs[i];
    const incident = stream.incidents[spec.incident];
    const source = spec.kind === 'reprint' ? cache.get(spec.of) : undefined;
    const text = source ? reword(source, spec.seed) : story(corpus, incident, spec.seed);
    cache.set(Number(spec.id.slice(1)), text);
    const random = prng(spec.seed ^ 0x5bd1e995);
    let cves = incident.cves;
    if (spec.roundup) {
      // A round-up names many CVEs of other incidents; it must not glue them together.
      cves = Array.from(
        { length: 10 },
        () => `CVE-2025-${10_000 + Math.floor(random() * stream.incidents.length)}`,
      );
    }
    const entities = [
      { name: incident.vendor, type: 'vendor' },
      { name: incident.name, type: random() < 0.5 ? 'victim' : 'product' },
    ];
    const base = {
      id: spec.id,
      sourceId: `source-${Math.floor(random() * 60)}`,
      publishedAt: spec.at,
      fetchedAt: spec.at + 10 * 60_000,
      cves,
      entities,
      category: incident.category,
      canonicalUrl: `https://news.example/${spec.id}`,
    };
    if (spec.language === 'enriched') {
      out.push({
        ...base,
        title: stored(text.cjkTitle),
        originalTitle: stored(text.englishTitle),
        summary: stored(text.cjkBody.slice(0, 2).join('')),
        text: stored(text.englishBody.join(' ')),
      });
    } else if (spec.language === 'chinese') {
      const title = stored(text.cjkTitle);
      out.push({
        ...base,
        title,
        originalTitle: title,
        summary: stored(text.cjkBody.slice(0, 2).join('')),
        text: stored(text.cjkBody.join('')),
      });
    } else {
      out.push({
        ...base,
        title: stored(text.englishTitle),
        summary: stored(text.englishBody.slice(0, 2).join(' ')),
        text: stored(text.englishBody.join(' ')),
      });
    }
  }
  // Stories older than any window are never reworded again: keep the cache small.
  if (cache.size > 20_000)
    for (const key of [...cache.keys()].slice(0, cache.size - 10_000)) cache.delete(key);
  return out;
}

// ---- measuring ------------------------------------------------------------------------------------------

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

function us(ms: number, n: number): string {
  return `${((ms * 1000) / n).toFixed(1)} µs`;
}

function table(head: string[], rows: (string | number)[][]): void {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r: string[]) =>
    '  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('   ');
  console.log(line(head));
  console.log('  ' + widths.map((w) => '-'.repeat(w)).join('   '));
  for (const r of cells.slice(1)) console.log(line(r));
}

function time<T>(fn: () => T): [T, number] {
  const started = performance.now();
  const value = fn();
  return [value, performance.now() - started];
}

// ---- 1. feature costs -----------------------------------------------------------------------------------

function simHashBigInt(hashes: ArrayLike<number>): bigint {
  const votes = new Int32Array(64);
  for (let j = 0; j < hashes.length; j++) {
    const value = (BigInt(mix32(hashes[j] ^ 0x2545f491)) << 32n) | BigInt(mix32(hashes[j] ^ 0x6a09e667));
    for (let bit = 0n; bit < 64n; bit++) votes[Number(bit)] += (value >> bit) & 1n ? 1 : -1;
  }
  let out = 0n;
  for (let bit = 0; bit < 64; bit++) if (votes[bit] > 0) out |= 1n << BigInt(bit);
  return out;
}

function featureCosts(sample: EventArticle[]): void {
  const leads = sample.map((a) => `${a.title}${a.summary ?? ''}`);
  const cjkLeads = leads.filter(hasCjk);
  const hashes = leads.map((t) => Uint32Array.from(tokenize(t), tokenHash));
  const bodies = sample.map((a) => Uint32Array.from(tokenize((a.text ?? '').slice(0, 2000)), tokenHash));
  const measure = (fn: () => void, n: number) => {
    const runs: number[] = [];
    for (let r = 0; r < 5; r++) runs.push(time(fn)[1]);
    return us(median(runs), n);
  };
  console.log('\n1. Feature costs (median of 5, per item)');
  table(
    ['step', 'input', 'cost'],
    [
      [
        'CJK bigrams',
        `${cjkLeads.length} Chinese headlines+summaries`,
        measure(() => cjkLeads.forEach((t) => tokenize(t)), cjkLeads.length),
      ],
      [
        'Intl.Segmenter (per run)',
        'same',
        measure(() => cjkLeads.forEach((t) => tokenize(t, { cjk: 'segmenter' })), cjkLeads.length),
      ],
      [
        'classic MinHash, 42 slots',
        'headline tokens',
        measure(() => hashes.forEach((h) => minHash(h, 42)), hashes.length),
      ],
      [
        'one-permutation MinHash, 40',
        'body shingles',
        measure(() => bodies.forEach((h) => oneMinHash(h, 40)), bodies.length),
      ],
      [
        'classic MinHash, 40 slots',
        'body shingles',
        measure(() => bodies.forEach((h) => minHash(h, 40)), bodies.length),
      ],
      [
        'SimHash, two 32-bit halves',
        'headline tokens',
        measure(() => hashes.forEach((h) => simHash(h)), hashes.length),
      ],
      [
        'SimHash, BigInt',
        'headline tokens',
        measure(() => hashes.slice(0, 200).forEach((h) => simHashBigInt(h)), 200),
      ],
      [
        'whole fingerprint',
        'article',
        measure(() => sample.forEach((a) => fingerprintArticle(a)), sample.length),
      ],
    ],
  );
}

// ---- 2. growth ------------------------------------------------------------------------------------------

interface Checkpoint {
  fingerprintMs: number;
  groupMs: number;
  groupCpuMs: number;
  /** Wall time of the measured steps (with a pool, fingerprinting overlaps grouping). */
  wallMs: number;
  articles: number;
  scored: number;
  reached: number;
  window: number;
}

interface RunResult {
  checkpoints: Map<number, Checkpoint>;
  totalFingerprintMs: number;
  totalGroupMs: number;
  totalWallMs: number;
  /** The process's CPU during the measured steps (a pool's thread included). */
  totalCpuMs: number;
  peakRss: number;
  events: Map<string, string>;
  clusters: Map<string, string>;
  grouper: EventGrouper | undefined;
}

/** The archive sizes reported, and the slice of the stream measured for each (the articles arriving there). */
function checkpointSlices(total: number): [number, number, number][] {
  return [1_000, 10_000, 100_000]
    .filter((size) => size <= total)
    .map((size) => [size, Math.max(0, size - Math.max(BATCH, size / 10)), size] as [number, number, number]);
}

/** A full collection where --expose-gc allows it (the measuring child runs with it). */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * One pass over the stream, batch by batch. With a fingerprint pool the service's pipeline is measured: a
 * thread fingerprints batch n+1 while this thread places batch n. Without one, both steps run here, one after
 * the other. The generator's work (materialising a batch, collecting its garbage) happens outside the clock
 * and while no thread is working.
 */
async function runStream(
  corpus: Corpus,
  stream: Stream,
  keepAssignments: boolean,
  pool: FingerprintPool | undefined,
): Promise<RunResult> {
  const grouper = new EventGrouper();
  const cache = new Map<number, StoryText>();
  const slices = checkpointSlices(stream.specs.length);
  const checkpoints = new Map<number, Checkpoint>();
  for (const [size] of slices) {
    checkpoints.set(size, {
      fingerprintMs: 0,
      groupMs: 0,
      groupCpuMs: 0,
      wallMs: 0,
      articles: 0,
      scored: 0,
      reached: 0,
      window: 0,
    });
  }
  const events = new Map<string, string>();
  const clusters = new Map<string, string>();
  const mergedInto = new Map<string, string>();
  let totalFingerprintMs = 0;
  let totalGroupMs = 0;
  let totalWallMs = 0;
  let totalCpuMs = 0;
  let peakRss = process.memoryUsage().rss;
  const fingerprintHere = (batch: EventArticle[]) => {
    const [fingerprints, ms] = time(() => batch.map((a) => grouper.fingerprint(a)));
    return { fingerprints, ms };
  };

  let batch = materialise(corpus, stream, 0, Math.min(BATCH, stream.specs.length), cache);
  collectGarbage();
  let started = performance.now();
  let ready = pool ? await pool.fingerprint(batch) : undefined;
  let leadMs = performance.now() - started;
  for (let from = 0; from < stream.specs.length; from += BATCH) {
    const to = Math.min(stream.specs.length, from + BATCH);
    const nextTo = Math.min(stream.specs.length, to + BATCH);
    const next = pool && to < nextTo ? materialise(corpus, stream, to, nextTo, cache) : undefined;
    // The generator's throwaway text is not the grouper's garbage: collect it before the clock starts.
    collectGarbage();
    const cpuBefore = cpuMs();
    started = performance.now();
    const pending = next ? pool!.fingerprint(next) : undefined;
    const current = ready ?? fingerprintHere(batch);
    const cpuBetween = cpuMs();
    const [result, groupMs] = time(() => grouper.group(batch, { fingerprints: current.fingerprints }));
    const cpuAfter = cpuMs();
    ready = pending ? await pending : undefined;
    const wallMs = performance.now() - started + leadMs;
    leadMs = 0;
    // Inline, the fingerprints were computed inside this step; on the pool, during the previous one.
    const fingerprintMs = current.ms;
    totalFingerprintMs += fingerprintMs;
    totalGroupMs += groupMs;
    totalWallMs += wallMs;
    totalCpuMs += cpuAfter - cpuBefore;
    for (const [size, lo, hi] of slices) {
      if (from >= lo && to <= hi) {
        const c = checkpoints.get(size)!;
        c.fingerprintMs += fingerprintMs;
        c.groupMs += groupMs;
        c.groupCpuMs += cpuAfter - cpuBetween;
        c.wallMs += wallMs;
        c.articles += batch.length;
        c.scored += grouper.lastStats.scored;
        c.reached += grouper.lastStats.reached;
        c.window = grouper.memberCount;
      }
    }
    if (keepAssignments) {
      for (const a of result.assignments) {
        events.set(a.articleId, a.eventId);
        clusters.set(a.articleId, a.clusterId);
      }
      for (const m of result.mergedEvents) mergedInto.set(m.id, m.into);
    }
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (to < nextTo) batch = next ?? materialise(corpus, stream, to, nextTo, cache);
  }
  for (const [id, eventId] of events) {
    let final = eventId;
    for (let next = mergedInto.get(final); next !== undefined; next = mergedInto.get(final)) final = next;
    events.set(id, final);
  }
  return {
    checkpoints,
    totalFingerprintMs,
    totalGroupMs,
    totalWallMs,
    totalCpuMs,
    peakRss,
    events,
    clusters,
    grouper,
  };
}

// ---- 3. all-pairs baseline ------------------------------------------------------------------------------

function groupOnly(articles: EventArticle[], fingerprints: ArticleFingerprint[], exhaustive: boolean) {
  const grouper = new EventGrouper({ exhaustive });
  let ms = 0;
  const events = new Map<string, string>();
  const mergedInto = new Map<string, string>();
  for (let from = 0; from < articles.length; from += BATCH) {
    const slice = articles.slice(from, from + BATCH);
    const [result, elapsed] = time(() =>
      grouper.group(slice, { fingerprints: fingerprints.slice(from, from + BATCH) }),
    );
    ms += elapsed;
    for (const a of result.assignments) events.set(a.articleId, a.eventId);
    for (const m of result.mergedEvents) mergedInto.set(m.id, m.into);
  }
  for (const [id, eventId] of events) events.set(id, mergedInto.get(eventId) ?? eventId);
  return { ms, events };
}

// ---- 4. quality -----------------------------------------------------------------------------------------

/** B-cubed precision and recall of a clustering against the true classes. */
function bcubed(
  predicted: Map<string, string>,
  truth: Map<string, string>,
): { precision: number; recall: number } {
  const joint = new Map<string, number>();
  const bySize = new Map<string, number>();
  const classSize = new Map<string, number>();
  for (const [id, cluster] of predicted) {
    const cls = truth.get(id)!;
    joint.set(`${cluster}\u0000${cls}`, (joint.get(`${cluster}\u0000${cls}`) ?? 0) + 1);
    bySize.set(cluster, (bySize.get(cluster) ?? 0) + 1);
    classSize.set(cls, (classSize.get(cls) ?? 0) + 1);
  }
  let precision = 0;
  let recall = 0;
  for (const [id, cluster] of predicted) {
    const cls = truth.get(id)!;
    const both = joint.get(`${cluster}\u0000${cls}`)!;
    precision += both / bySize.get(cluster)!;
    recall += both / classSize.get(cls)!;
  }
  return { precision: precision / predicted.size, recall: recall / predicted.size };
}

/** A fixed integer loop: how much CPU this process is getting right now, for reading the other figures. */
function referenceKernel(): { wallMs: number; cpuMs: number } {
  const cpu = cpuMs();
  const [, wallMs] = time(() => {
    let s = 0;
    for (let i = 0; i < 50_000_000; i++) s = (s + i * 7) | 0;
    return s;
  });
  return { wallMs, cpuMs: cpuMs() - cpu };
}

// ---- main -----------------------------------------------------------------------------------------------

// The generator builds ~400 MB of throwaway article text over 100k articles. Without a heap cap V8 lets that
// garbage pile up before collecting (RSS 700 MB although the live set is ~30 MB), so the measurement runs in
// a child with a capped old space and a larger young generation (fewer promotions of per-batch objects).
const HEAP_FLAGS = ['--max-old-space-size=256', '--max-semi-space-size=16', '--expose-gc'];

function relaunchWithHeapFlags(): never {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, ...HEAP_FLAGS, process.argv[1], ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env: { ...process.env, NEWSDESK_BENCH_CHILD: '1' },
    },
  );
  process.exit(child.status ?? 1);
}

async function main(): Promise<void> {
  console.log(
    `bench:events — ${ARTICLES.toLocaleString('en')} articles, ${PER_DAY}/day, batches of ${BATCH}, ${RUNS} run(s); V8 ${HEAP_FLAGS.join(' ')}`,
  );
  const before = referenceKernel();
  console.log(
    `node ${process.version}, load average ${loadavg()[0].toFixed(2)} on a 2-core machine shared with other work; ` +
      `reference loop (5e7 integer ops) ${before.wallMs.toFixed(0)} ms wall / ${before.cpuMs.toFixed(0)} ms CPU`,
  );
  const [corpus, loadMs] = time(loadCorpus);
  console.log(
    `corpus: ${corpus.englishSentences.length} English sentences (89 article bodies), ${corpus.englishTitles.length} English` +
      ` and ${corpus.cjkTitles.length} CJK feed titles, ${corpus.cjkSentences.length} CJK description sentences (${loadMs.toFixed(0)} ms)`,
  );
  const stream = planStream(corpus, ARTICLES, 20250101);
  const reprints = stream.specs.filter((s) => s.kind === 'reprint').length;
  console.log(
    `stream: ${stream.incidents.length.toLocaleString('en')} incidents over ${(ARTICLES / PER_DAY).toFixed(0)} days, ` +
      `${reprints.toLocaleString('en')} reworded reprints, window 72 h`,
  );

  featureCosts(materialise(corpus, stream, 0, Math.min(2_000, ARTICLES), new Map()));

  // As in the service: fingerprints on the other cores, placement on this thread.
  const pool = new FingerprintPool({ threads: THREADS });
  await pool.warmUp();
  const runs: RunResult[] = [];
  try {
    for (let r = 0; r < RUNS; r++) {
      const run = await runStream(corpus, stream, r === 0, pool);
      if (r < RUNS - 1) run.grouper = undefined;
      runs.push(run);
    }
  } finally {
    await pool.close();
  }
  // The same stream with both steps on one thread, for comparison.
  const single = await runStream(corpus, stream, false, undefined);
  single.grouper = undefined;
  const first = runs[0];
  console.log(
    `\n2. Time per new article as the archive grows (median of ${RUNS} run(s); fingerprints on ${THREADS} thread(s) while this one groups)`,
  );
  const rows: (string | number)[][] = [];
  for (const [size] of checkpointSlices(ARTICLES)) {
    const fp = median(runs.map((r) => r.checkpoints.get(size)!.fingerprintMs));
    const gr = median(runs.map((r) => r.checkpoints.get(size)!.groupMs));
    const grCpu = median(runs.map((r) => r.checkpoints.get(size)!.groupCpuMs));
    const wall = median(runs.map((r) => r.checkpoints.get(size)!.wallMs));
    const c = first.checkpoints.get(size)!;
    rows.push([
      size.toLocaleString('en'),
      `${(size - c.articles).toLocaleString('en')}..${size.toLocaleString('en')}`,
      c.window.toLocaleString('en'),
      us(fp, c.articles),
      `${us(gr, c.articles)} (${us(grCpu, c.articles)} CPU)`,
      us(wall, c.articles),
      (c.reached / c.articles).toFixed(1),
      (c.scored / c.articles).toFixed(1),
    ]);
  }
  table(
    ['archive', 'articles measured', 'in window', 'fingerprint', 'group', 'wall', 'reached', 'scored'],
    rows,
  );
  const total = median(runs.map((r) => r.totalWallMs));
  const cpu = median(runs.map((r) => r.totalCpuMs));
  const peak = Math.max(...runs.map((r) => r.peakRss), single.peakRss);
  (globalThis as { gc?: () => void }).gc?.();
  const live = process.memoryUsage().heapUsed;
  console.log(
    `  fingerprint = time on the pool's thread, group = time on this thread (CPU: the whole process meanwhile,\n` +
      `  the fingerprint thread included), wall = both overlapped;\n` +
      `  reached = members touched through the indexes, scored = pairs scored in full, per new article.\n` +
      `  all ${ARTICLES.toLocaleString('en')}: ${(total / 1000).toFixed(2)} s wall (fingerprints ${(median(runs.map((r) => r.totalFingerprintMs)) / 1000).toFixed(2)} s,` +
      ` grouping ${(median(runs.map((r) => r.totalGroupMs)) / 1000).toFixed(2)} s), ${(cpu / 1000).toFixed(2)} s CPU,` +
      ` peak RSS ${mb(peak)}, live heap after the run ${mb(live)}.\n` +
      `  on one thread (fingerprint, then group, same process): ${(single.totalWallMs / 1000).toFixed(2)} s wall,` +
      ` ${(single.totalWallMs / total).toFixed(2)}x the pipelined time.\n` +
      `  targets <= 10 s and <= 500 MB: time ${total <= 10_000 ? 'met' : 'NOT met'}, memory ${peak <= 500 * 1024 * 1024 ? 'met' : 'NOT met'}`,
  );

  // 3. Baseline: same scoring, every earlier article compared (all-pairs); at 1k the window holds them all.
  const head = materialise(corpus, stream, 0, BASELINE, new Map());
  const fps = head.map((a) => fingerprintArticle(a));
  const indexed: number[] = [];
  const allPairs: number[] = [];
  let agreement = { precision: 1, recall: 1 };
  for (let r = 0; r < RUNS; r++) {
    const a = groupOnly(head, fps, false);
    const b = groupOnly(head, fps, true);
    indexed.push(a.ms);
    allPairs.push(b.ms);
    agreement = bcubed(a.events, b.events);
  }
  const ia = median(indexed);
  const ap = median(allPairs);
  const perPair = ap / ((BASELINE * (BASELINE - 1)) / 2);
  console.log(
    `\n3. Indexed candidates vs all-pairs on the first ${BASELINE.toLocaleString('en')} articles (grouping only, median of ${RUNS})`,
  );
  table(
    ['search', 'per article', `${BASELINE} articles`, 'vs indexed'],
    [
      ['indexed (LSH + capped postings)', us(ia, BASELINE), `${ia.toFixed(0)} ms`, '1.0x'],
      [
        'all-pairs (every earlier article)',
        us(ap, BASELINE),
        `${ap.toFixed(0)} ms`,
        `${(ap / ia).toFixed(1)}x`,
      ],
    ],
  );
  console.log(
    `  the indexed events agree with all-pairs at B-cubed precision ${agreement.precision.toFixed(3)} / recall ${agreement.recall.toFixed(3)}.\n` +
      `  all-pairs cost per new article grows with the archive: extrapolated from ${us(perPair, 1)} per pair it would be` +
      ` ${(perPair * 10_000).toFixed(0)} ms at 10k and ${(perPair * 100_000).toFixed(0)} ms at 100k (not run); the indexed search stays flat (table 2).`,
  );

  // 4. Quality against the generator's truth, and the restore cost of the saved window.
  const truth = new Map(stream.specs.map((s) => [s.id, String(s.incident)]));
  const eventScore = bcubed(first.events, truth);
  const clusterScore = bcubed(first.clusters, truth);
  const grouper = runs[runs.length - 1].grouper!;
  const [state, snapshotMs] = time(() => grouper.snapshot());
  const [, restoreMs] = time(() => EventGrouper.fromState(state));
  console.log('\n4. Quality on the synthetic truth (B-cubed over articles) and state restore');
  table(
    ['grouping', 'precision', 'recall', 'groups'],
    [
      [
        'events',
        eventScore.precision.toFixed(3),
        eventScore.recall.toFixed(3),
        new Set(first.events.values()).size.toLocaleString('en'),
      ],
      [
        'near-duplicate clusters',
        clusterScore.precision.toFixed(3),
        clusterScore.recall.toFixed(3),
        new Set(first.clusters.values()).size.toLocaleString('en'),
      ],
    ],
  );
  console.log(
    `  true incidents: ${stream.incidents.length.toLocaleString('en')}. Clusters hold reprints only, so their recall against incidents is low by design.\n` +
      `  saved state at the end: ${state.members.length.toLocaleString('en')} members, ${state.events.length.toLocaleString('en')} events` +
      ` (the 72 h window, not the archive); snapshot ${snapshotMs.toFixed(0)} ms, restore ${restoreMs.toFixed(0)} ms`,
  );
  console.log(`load average at end ${loadavg()[0].toFixed(2)}`);
}

if (process.env.NEWSDESK_BENCH_CHILD) await main();
else relaunchWithHeapFlags();
