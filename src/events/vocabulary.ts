// Word lists for tokenisation and weighting. Small on purpose: document frequency in the window does the rest.

/** English function words and newsroom filler, dropped before hashing. */
export const ENGLISH_STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below ' +
    'between both but by can could did do does doing down during each few for from further had has have having ' +
    'he her here hers him his how i if in into is it its itself just me more most my no nor not now of off on ' +
    'once only or other our ours out over own same she should so some such than that the their theirs them then ' +
    'there these they this those through to too under until up very was we were what when where which while who ' +
    'whom why will with would you your yours may might must shall via per vs amid among across within without ' +
    'said says say told according new also one two three first last week weeks today yesterday year years ' +
    'monday tuesday wednesday thursday friday saturday sunday still yet however since'
  ).split(' '),
);

/** Chinese function characters that separate content words in headlines (treated like punctuation). */
export const CHINESE_STOP_CHARS: ReadonlySet<string> = new Set(
  '的了是在和与及等被将对已其这该于为并或从以而之也就都把向让给遭'.split(''),
);

/** Chinese function words dropped after word segmentation. */
export const CHINESE_STOPWORDS: ReadonlySet<string> = new Set([
  ...CHINESE_STOP_CHARS,
  '以及',
  '其中',
  '同时',
  '此外',
  '目前',
  '已经',
  '可以',
  '可能',
  '进行',
  '通过',
  '称',
  '近日',
  '日前',
]);

/**
 * Words every security story uses ("vulnerability", "漏洞", "攻击"). They still count, at a quarter of the
 * weight, so two unrelated stories cannot be joined by them alone. Tokenised with the same tokenizer so the
 * Chinese phrases yield the same bigrams or words as the articles.
 */
export const GENERIC_SECURITY_TERMS: readonly string[] = [
  'vulnerability vulnerabilities flaw flaws bug bugs attack attacks attacked attacker attackers hacker hackers',
  'hack hacked hacking security cyber cybersecurity cyberattack cyberattacks exploit exploited exploiting',
  'exploitation exploits patch patches patched update updates updated critical severe warn warns warning',
  'malware ransomware data breach breaches threat threats actor actors researcher researchers report reports',
  'million users user company companies zero day zeroday remote code execution rce issue issues fix fixes fixed',
  'release released advisory active actively wild affect affects affected impact impacts target targets',
  'targeted targeting campaign network networks system systems software version versions customer customers',
  'access risk risks steal stole stolen leak leaks leaked expose exposed exposes incident compromise',
  'compromised sensitive information cve cvse cvss score government group gang operators organization',
  'organizations firm firms private public service services',
  '漏洞 安全漏洞 高危漏洞 严重漏洞 零日漏洞 网络攻击 黑客攻击 攻击者 黑客 安全更新 安全公告 安全通告 补丁 修复',
  '发布 更新 远程代码执行 代码执行 权限提升 在野利用 积极利用 利用 数据泄露 信息泄露 泄露 勒索软件 勒索',
  '恶意软件 木马 研究人员 安全研究 安全公司 安全厂商 网络安全 信息安全 威胁 风险 预警 警告 影响 用户 公司',
  '客户 系统 版本 设备 服务 数据 事件 披露 发现 报告 表示 严重 高危 建议 尽快 升级 攻击活动 组织 团伙 访问',
  '未经身份验证 身份验证 未授权 受影响 敏感信息 个人信息 窃取 入侵 大量 多个 一个 攻击 安全 网络 零日',
];
