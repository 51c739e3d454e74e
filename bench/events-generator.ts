// The synthetic article stream of bench:events, built from the shared corpus: article bodies from the
// extraction benchmark, titles and descriptions from the real feeds, Chinese from the GB2312/Big5 feeds.
// Incidents get a long tail of stories, some reworded reprints of others, in three language mixes; the
// incident of each article is the ground truth the grouping is scored against.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { EventArticle } from '../src/events/index.ts';
import { hasCjk } from '../src/events/normalize.ts';
import { prng, VENDORS as TEST_VENDORS } from '../src/events/testdata/synthetic.ts';

export const PER_DAY = 1_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse('2025-01-01T00:00:00Z');
const CORPUS = path.resolve(process.cwd(), '../shared/corpus');

// ---- corpus ---------------------------------------------------------------------------------------------

export interface Corpus {
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

export function loadCorpus(): Corpus {
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

const VENDORS = [
  ...TEST_VENDORS,
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
export interface Incident {
  index: number;
  name: string;
  vendor: string;
  cves: string[];
  category: string;
  kind: number;
}

/** One article to materialise later (texts are built batch by batch to keep memory flat). */
export interface ArticleSpec {
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

export interface Stream {
  incidents: Incident[];
  specs: ArticleSpec[];
}

function capitalised(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

export function planStream(corpus: Corpus, count: number, seed: number): Stream {
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

/** The stream's articles, made batch by batch (texts are built on demand to keep memory flat). */
export class ArticleStream {
  /** Texts of recent stories, reworded by later reprints. */
  readonly #texts = new Map<number, StoryText>();

  constructor(
    readonly corpus: Corpus,
    readonly stream: Stream,
  ) {}

  /** Articles `from` until `to` (exclusive), in arrival order; batches are asked for in order. */
  batch(from: number, to: number): EventArticle[] {
    const { corpus, stream } = this;
    const cache = this.#texts;
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
          title: text.cjkTitle,
          originalTitle: text.englishTitle,
          summary: text.cjkBody.slice(0, 2).join(''),
          text: text.englishBody.join(' '),
        });
      } else if (spec.language === 'chinese') {
        out.push({
          ...base,
          title: text.cjkTitle,
          originalTitle: text.cjkTitle,
          summary: text.cjkBody.slice(0, 2).join(''),
          text: text.cjkBody.join(''),
        });
      } else {
        out.push({
          ...base,
          title: text.englishTitle,
          summary: text.englishBody.slice(0, 2).join(' '),
          text: text.englishBody.join(' '),
        });
      }
    }
    // Stories older than any window are never reworded again: keep the cache small.
    if (cache.size > 20_000)
      for (const key of [...cache.keys()].slice(0, cache.size - 10_000)) cache.delete(key);
    return out;
  }
}
