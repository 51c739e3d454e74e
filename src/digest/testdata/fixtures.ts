// Fixed digests for the golden-file and renderer tests.
import type { Digest } from '../model.ts';

/** Sections 二 and 三 empty, no 其他; items out of order in the array, one without a summary. */
export const houseDigest: Digest = {
  id: 'dg-20261129',
  date: '2026-11-29',
  title: '',
  intro: '',
  items: [
    {
      id: 'it-3',
      articleId: 'a-3',
      eventId: 'ev-3',
      category: '重大漏洞风险提示',
      title: 'Apache Tomcat 曝远程代码执行漏洞（CVE-2026-41234）',
      summary:
        'Apache 官方发布安全公告，修复 Tomcat 中一处反序列化漏洞。\n攻击者可在特定配置下远程执行任意代码，建议尽快升级至 11.0.9 版本。',
      links: [{ url: 'https://tomcat.apache.org/security-11.html', source: 'Apache' }],
      order: 1,
    },
    {
      id: 'it-2',
      articleId: 'a-2',
      eventId: null,
      category: '金融业网络安全事件',
      title: '某城商行手机银行短暂中断',
      summary: '',
      links: [],
      order: 2,
    },
    {
      id: 'it-1',
      articleId: 'a-1',
      eventId: 'ev-1',
      category: '金融业网络安全事件',
      title: '某国有大行遭遇大规模 DDoS 攻击',
      summary:
        '11 月 28 日晚间，某国有大型银行网上银行遭受持续约两小时的分布式拒绝服务攻击，部分用户登录受影响，目前服务已恢复。',
      links: [
        { url: 'https://www.freebuf.com/news/400001.html', source: 'FreeBuf' },
        { url: 'https://www.secrss.com/articles/70001', source: '安全内参' },
      ],
      order: 0,
    },
  ],
};

/** Every section filled, an item in an unknown category (lands in 其他), an intro, and links. */
export const fullDigest: Digest = {
  id: 'dg-20261130',
  date: '2026-11-30',
  title: '',
  intro: '本期共收录 5 条情报。\n重点关注数据泄露事件。',
  items: [
    {
      id: 'f-1',
      articleId: 'b-1',
      category: '金融业网络安全事件',
      title: '某支付机构因数据安全问题被罚',
      summary: '监管部门对某支付机构处以罚款，涉及个人信息保护不到位。',
      links: [{ url: 'https://example.com/pay?id=1', source: '财新' }],
      order: 0,
    },
    {
      id: 'f-2',
      articleId: 'b-2',
      category: '重大网络安全事件',
      title: '欧洲多国机场值机系统遭网络攻击',
      summary: 'A supplier of check-in software was hit; several airports fell back to manual check-in.',
      links: [
        { url: 'https://www.bleepingcomputer.com/news/security/airports/', source: 'BleepingComputer' },
        { url: 'javascript:alert(1)', source: 'Bad' },
      ],
      order: 1,
    },
    {
      id: 'f-3',
      articleId: 'b-3',
      category: '重大数据泄露事件',
      title: '某电商平台 1.2 亿条用户数据在暗网出售',
      summary: '泄露数据包括姓名、手机号与收货地址。',
      links: [],
      order: 2,
    },
    {
      id: 'f-4',
      articleId: 'b-4',
      category: '重大漏洞风险提示',
      title: 'OpenSSH 修复预认证内存破坏漏洞',
      summary: '建议升级。',
      links: [{ url: 'https://www.openssh.com/security.html', source: '' }],
      order: 3,
    },
    {
      id: 'f-5',
      articleId: 'b-5',
      category: '行业动态',
      title: '国家标准《数据安全风险评估方法》发布',
      summary: '标准将于明年 5 月 1 日起实施。',
      links: [{ url: 'https://example.org/std', source: '全国信安标委' }],
      order: 4,
    },
  ],
};
