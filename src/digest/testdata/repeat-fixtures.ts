// Realistic items for the repeat check: yesterday's digest and today's candidates.
import type { Digest, DigestItem } from '../model.ts';

function item(p: Partial<DigestItem> & { id: string; title: string; summary: string }): DigestItem {
  return { articleId: `art-${p.id}`, category: '重大网络安全事件', links: [], order: 0, eventId: null, ...p };
}

export const yesterday: Digest = {
  id: 'dg-1128',
  date: '2026-11-28',
  title: '',
  intro: '',
  items: [
    item({
      id: 'y1',
      articleId: 'art-ransom',
      title: '某国有大行遭遇勒索软件攻击，部分网点业务中断',
      summary:
        '11月27日，某国有大型商业银行确认其内部办公网络遭到勒索软件攻击，部分地区网点柜面业务一度中断。该行表示核心系统未受影响，客户资金安全，已联合公安机关开展调查。',
      links: [{ url: 'https://www.freebuf.com/news/410001.html?utm_source=rss', source: 'FreeBuf' }],
      category: '金融业网络安全事件',
    }),
    item({
      id: 'y2',
      title: 'Fortinet FortiWeb 曝严重漏洞，已被在野利用',
      summary:
        'Fortinet 发布安全公告，修复 FortiWeb 中的一处路径遍历漏洞（CVE-2026-64446），未经身份验证的攻击者可借此创建管理员账户。该漏洞已被在野利用，CISA 已将其列入 KEV 目录。',
      links: [{ url: 'https://www.fortiguard.com/psirt/FG-IR-26-910', source: 'Fortinet' }],
      category: '重大漏洞风险提示',
    }),
    item({
      id: 'y3',
      title: '某连锁酒店集团 2 亿条客户数据遭泄露',
      summary:
        '安全研究人员发现，某连锁酒店集团的客户入住记录在黑客论坛出售，涉及姓名、身份证号、手机号等信息约 2 亿条。',
      category: '重大数据泄露事件',
    }),
  ],
};

export const earlier: Digest = {
  id: 'dg-1126',
  date: '2026-11-26',
  title: '',
  intro: '',
  items: [
    item({
      id: 'z1',
      articleId: 'art-hospital',
      title: '某三甲医院信息系统遭勒索软件攻击，门诊暂停',
      summary: '某三甲医院信息系统遭到勒索软件攻击，门诊挂号与收费系统暂停服务，医院已启动应急预案。',
    }),
  ],
};

export const today: Digest = {
  id: 'dg-1129',
  date: '2026-11-29',
  title: '',
  intro: '',
  items: [
    // The very article again (the original system missed exactly this one).
    item({ ...yesterday.items[0], id: 't-same', order: 0 }),
    // Another outlet's copy of the ransomware story: reworded, different URL and article id.
    item({
      id: 't-near',
      articleId: 'art-ransom-2',
      title: '某国有大型银行遭勒索软件攻击 部分网点业务中断',
      summary:
        '11月27日，某国有大型商业银行证实内部办公网络遭勒索软件攻击，部分地区网点柜面业务一度中断。该行称核心系统未受影响，客户资金安全，目前已联合公安机关展开调查。',
      links: [{ url: 'https://www.secrss.com/articles/80001', source: '安全内参' }],
      order: 1,
    }),
    // The FortiWeb story told differently: only the CVE ties them.
    item({
      id: 't-cve',
      articleId: 'art-forti-2',
      title: '美国网络安全局警告：FortiWeb 零日漏洞正遭大规模攻击',
      summary:
        'CISA 要求联邦机构在一周内修补 CVE-2026-64446，研究人员观察到针对暴露在互联网上的 FortiWeb 设备的自动化攻击。',
      order: 2,
    }),
    // Shares "遭勒索软件攻击" with earlier stories, but is a different event.
    item({
      id: 't-unrelated',
      articleId: 'art-school',
      title: '某高校教务系统遭勒索软件攻击，期末考试延期',
      summary: '某高校教务系统遭到勒索软件攻击，学生成绩与选课数据无法访问，学校决定将期末考试延期一周。',
      order: 3,
    }),
    // Same hotel leak, reworded by another outlet: borderline, for the judge.
    item({
      id: 't-border',
      articleId: 'art-hotel-2',
      title: '黑客论坛兜售知名酒店集团住客信息',
      summary: '一名黑客在论坛出售某知名连锁酒店集团的住客数据，据称包含约 2 亿条身份证号和手机号记录。',
      order: 4,
    }),
    item({
      id: 't-new',
      articleId: 'art-new',
      title: '欧盟发布网络韧性法案实施细则',
      summary: '欧盟委员会发布网络韧性法案的实施细则，明确了产品制造商的漏洞报告义务。',
      order: 5,
    }),
  ],
};
