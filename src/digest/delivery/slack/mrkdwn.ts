// The house Markdown as Slack mrkdwn: *bold* instead of **bold**, no headings, <url|label> links,
// and &, <, > escaped as Slack requires (otherwise "<script>" in a title would be a control sequence).

function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function toSlackMrkdwn(markdown: string): string {
  return markdown
    .split('\n')
    .map((line) => {
      if (/^------$/.test(line)) return '───────────';
      const quote = /^>\s?(.*)$/.exec(line);
      if (quote) return `> ${escapeSlack(quote[1])}`;
      const heading = /^#{1,6}\s+(.*)$/.exec(line);
      const text = heading ? `**${heading[1].replace(/^\*\*(.*)\*\*$/, '$1')}**` : line;
      return escapeSlack(text)
        .replace(/\*\*(.+?)\*\*/g, '*$1*')
        .replace(
          /\[([^\]]*)\]\((https?:[^)\s]+)\)/g,
          (_m, label: string, url: string) => `<${url}|${label.replace(/\|/g, ' ')}>`,
        )
        .replace(/^ {4}- /, '    • ');
    })
    .join('\n');
}
