import { describe, expect, it } from 'vitest';
import { escapeHtml } from './html-escape.ts';

describe('escapeHtml', () => {
  it('turns markup, quotes and backticks into entities and leaves other text alone', () => {
    expect(escapeHtml(`<img src="x" onerror='alert(1)'> & \`tick\` 漏洞`)).toBe(
      '&lt;img src=&quot;x&quot; onerror=&#39;alert(1)&#39;&gt; &amp; &#96;tick&#96; 漏洞',
    );
    // Escaping twice escapes the ampersands again: callers escape raw text once.
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
  });
});
