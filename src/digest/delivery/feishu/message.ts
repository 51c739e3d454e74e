// The Feishu message body: an interactive card with one Markdown block per digest section.
import { clipBytes } from '../clip.ts';
import type { DigestRendering } from '../types.ts';

/** Custom bot requests above 20 KB are refused; stay under it with some headroom. */
export const FEISHU_MAX_BODY_BYTES = 19 * 1024;

type CardElement = Record<string, unknown>;

/** Markdown blocks of the house format, each section as Feishu card Markdown. */
function sectionBlocks(markdown: string): { intro: string; sections: string[] } {
  const chunks = markdown.trimEnd().split(/^------$/m);
  const head = chunks[0].split('\n').slice(1).join('\n').trim();
  const sections = chunks.slice(1).map((chunk) =>
    chunk
      .trim()
      .split('\n')
      .map((line) => {
        // Card Markdown has no headings or quotes: use bold and grey text instead.
        const heading = /^#{1,6}\s+(.*)$/.exec(line);
        if (heading) return `**${heading[1]}**`;
        const quote = /^>\s?(.*)$/.exec(line);
        if (quote) return `<font color='grey'>${quote[1]}</font>`;
        return line;
      })
      .join('\n'),
  );
  return { intro: head, sections };
}

export function feishuCard(rendering: DigestRendering): Record<string, unknown> {
  const { intro, sections } = sectionBlocks(rendering.markdown);
  const build = (count: number): Record<string, unknown> => {
    const elements: CardElement[] = [];
    if (intro) elements.push({ tag: 'markdown', content: intro });
    sections.slice(0, count).forEach((content, i) => {
      if (i > 0 || intro) elements.push({ tag: 'hr' });
      elements.push({ tag: 'markdown', content });
    });
    if (count < sections.length) {
      elements.push(
        { tag: 'hr' },
        { tag: 'markdown', content: "<font color='grey'>内容过长，其余部分请查看完整日报。</font>" },
      );
    }
    if (rendering.publicUrl) {
      elements.push({
        tag: 'action',
        actions: [
          {
            tag: 'button',
            text: { tag: 'plain_text', content: '查看完整日报' },
            type: 'primary',
            url: rendering.publicUrl,
          },
        ],
      });
    }
    return {
      msg_type: 'interactive',
      card: {
        config: { wide_screen_mode: true },
        header: { title: { tag: 'plain_text', content: rendering.title }, template: 'blue' },
        elements,
      },
    };
  };
  // Drop whole sections from the end until the body fits; clip the first one if it alone is too big.
  for (let count = sections.length; count > 0; count--) {
    const body = build(count);
    const size = Buffer.byteLength(JSON.stringify(body));
    if (size <= FEISHU_MAX_BODY_BYTES) return body;
    if (count === 1) {
      sections[0] = clipBytes(
        sections[0],
        Buffer.byteLength(sections[0]) - (size - FEISHU_MAX_BODY_BYTES) - 256,
      );
      return build(1);
    }
  }
  return build(0);
}

export function feishuText(rendering: DigestRendering): Record<string, unknown> {
  let text = rendering.markdown;
  if (rendering.publicUrl) text += `\n完整日报：${rendering.publicUrl}`;
  return { msg_type: 'text', content: { text: clipBytes(text, FEISHU_MAX_BODY_BYTES - 512) } };
}
