// Keyword rules that pick a category without a model. Rules are tried in order and the first one that
// reaches its score wins, so put the most specific first. Scoring: a keyword in the title counts 3, each
// occurrence in the body counts 1 (at most 3 per keyword). Latin keywords match whole words, case
// insensitive; CJK keywords match as substrings. `requireAny` adds a context condition, e.g. "bank" only
// counts as a financial-sector security event when a security word is present too.

export interface CategoryRule {
  category: string;
  keywords: string[];
  requireAny?: string[];
  /** Default 2. */
  minScore?: number;
}

export interface CategoryDecision {
  category: string;
  score: number;
  /** Keywords that matched for the winning rule (empty for the fallback). */
  matched: string[];
}

const SECURITY_WORDS = [
  '攻击',
  '黑客',
  '勒索',
  '泄露',
  '泄漏',
  '漏洞',
  '入侵',
  '木马',
  '恶意软件',
  '钓鱼',
  '网络安全',
  'hack',
  'hacker',
  'hackers',
  'hacked',
  'breach',
  'breached',
  'ransomware',
  'malware',
  'phishing',
  'cyberattack',
  'cyber attack',
  'cybersecurity',
  'vulnerability',
  'data leak',
];

export const DEFAULT_CATEGORY_RULES: CategoryRule[] = [
  {
    category: '金融业网络安全事件',
    keywords: [
      '银行',
      '金融',
      '证券',
      '保险',
      '支付',
      '券商',
      '基金',
      '信用卡',
      '交易所',
      'bank',
      'banks',
      'banking',
      'financial',
      'fintech',
      'payment',
      'payments',
      'brokerage',
      'insurer',
      'credit card',
      'stock exchange',
      'crypto exchange',
    ],
    requireAny: SECURITY_WORDS,
  },
  {
    category: '重大数据泄露事件',
    keywords: [
      '数据泄露',
      '信息泄露',
      '泄露',
      '泄漏',
      '外泄',
      '拖库',
      '脱库',
      'data breach',
      'breach',
      'breached',
      'leaked',
      'data leak',
      'exposed data',
      'records exposed',
      'stolen data',
    ],
    requireAny: [
      '数据',
      '信息',
      '个人',
      '用户',
      '记录',
      '数据库',
      '密码',
      'data',
      'records',
      'personal',
      'customers',
      'users',
      'passwords',
      'database',
      'credentials',
    ],
  },
  {
    category: '重大漏洞风险提示',
    keywords: [
      'CVE-',
      '漏洞',
      '零日',
      '0day',
      '远程代码执行',
      '提权',
      '安全补丁',
      '安全更新',
      '安全公告',
      'vulnerability',
      'vulnerabilities',
      'zero-day',
      'remote code execution',
      'privilege escalation',
      'security update',
      'security patch',
      'security advisory',
      'exploited',
      'RCE',
    ],
  },
  {
    category: '重大网络安全事件',
    keywords: [
      '网络攻击',
      '攻击',
      '黑客',
      '勒索',
      '木马',
      '恶意软件',
      '钓鱼',
      '入侵',
      '僵尸网络',
      'DDoS',
      'APT',
      '网络安全',
      'cyberattack',
      'cyber attack',
      'cyber-attack',
      'hacker',
      'hackers',
      'hacked',
      'hacking',
      'ransomware',
      'malware',
      'phishing',
      'botnet',
      'spyware',
      'cybersecurity',
      'threat actor',
    ],
  },
];

/** Body text beyond this is not scanned: the lead of an article carries its topic. */
const MAX_SCAN_CHARS = 20_000;
const PER_KEYWORD_CAP = 3;
const TITLE_WEIGHT = 3;

interface CompiledRule {
  rule: CategoryRule;
  keywords: { word: string; re: RegExp }[];
  requireAny: RegExp[];
}

const compiledCache = new WeakMap<CategoryRule[], CompiledRule[]>();

function keywordRegExp(word: string): RegExp {
  const escaped = word.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Word boundaries only where the keyword itself starts/ends with a Latin letter or digit.
  const before = /^[a-z0-9]/i.test(word) ? '(?<![a-z0-9])' : '';
  const after = /[a-z0-9]$/i.test(word) ? '(?![a-z0-9])' : '';
  return new RegExp(`${before}${escaped}${after}`, 'g');
}

function compile(rules: CategoryRule[]): CompiledRule[] {
  let compiled = compiledCache.get(rules);
  if (!compiled) {
    compiled = rules.map((rule) => ({
      rule,
      keywords: rule.keywords.map((word) => ({ word, re: keywordRegExp(word) })),
      requireAny: (rule.requireAny ?? []).map(keywordRegExp),
    }));
    compiledCache.set(rules, compiled);
  }
  return compiled;
}

function countMatches(re: RegExp, text: string, cap: number): number {
  re.lastIndex = 0;
  let n = 0;
  while (n < cap && re.exec(text)) n++;
  re.lastIndex = 0;
  return n;
}

export function categorizeByRules(
  title: string,
  text: string,
  rules: CategoryRule[],
  categories: readonly string[],
): CategoryDecision {
  const t = title.toLowerCase();
  const body = text.slice(0, MAX_SCAN_CHARS).toLowerCase();
  for (const { rule, keywords, requireAny } of compile(rules)) {
    if (!categories.includes(rule.category)) continue;
    let score = 0;
    const matched: string[] = [];
    for (const { word, re } of keywords) {
      const s = (countMatches(re, t, 1) > 0 ? TITLE_WEIGHT : 0) + countMatches(re, body, PER_KEYWORD_CAP);
      if (s > 0) {
        score += s;
        matched.push(word);
      }
    }
    if (score < (rule.minScore ?? 2)) continue;
    if (
      requireAny.length > 0 &&
      !requireAny.some((re) => countMatches(re, t, 1) + countMatches(re, body, 1) > 0)
    ) {
      continue;
    }
    return { category: rule.category, score, matched };
  }
  return { category: categories[categories.length - 1], score: 0, matched: [] };
}
