// The one HTML page every dashboard URL answers with; the client renders the page for its path.
// Boot data (time zone, whether a token is needed, categories) is inlined so a page needs no extra request.
import type { BootData } from './settings-view.ts';

/** Article content comes from third parties: no inline script, no foreign script or frame, ever. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob: https: http:",
  "connect-src 'self'",
  "frame-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** JSON that is safe inside a <script> element (no `</script>`, no HTML comment openers). */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

export interface ShellOptions {
  prefix: string;
  script: string;
  /** Module chunks the script imports, fetched in parallel with it. */
  preload?: string[];
  stylesheet: string;
  boot: BootData;
}

export function renderShell(o: ShellOptions): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>newsdesk</title>
<link rel="icon" href="${o.prefix}/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${o.stylesheet}">
<script type="application/json" id="boot">${jsonForScript({ ...o.boot, prefix: o.prefix })}</script>
<script type="module" src="${o.script}"></script>
${(o.preload ?? []).map((href) => `<link rel="modulepreload" href="${href}">`).join('\n')}
</head>
<body>
<noscript>newsdesk 控制台需要启用 JavaScript。 The newsdesk dashboard needs JavaScript.</noscript>
<div id="app"></div>
</body>
</html>
`;
}
