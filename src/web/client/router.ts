// Client-side routes under the /ui prefix. Each page gets an AbortSignal that fires when the user leaves,
// so its event streams and timers end with it.
import { boot } from './boot.ts';

export interface PageContext {
  root: HTMLElement;
  params: Record<string, string>;
  query: URLSearchParams;
  signal: AbortSignal;
  /** Change the query string (filters, paging) and render the page again. */
  setQuery(changes: Record<string, string | undefined | null>, opts?: { replace?: boolean }): void;
  navigate(path: string, opts?: { replace?: boolean }): void;
  setTitle(text: string): void;
}

export type PageFn = (ctx: PageContext) => Promise<void> | void;

export interface Route {
  name: string;
  pattern: string;
  page: PageFn;
}

export interface Match {
  route: Route;
  params: Record<string, string>;
}

/** Path relative to the prefix: /ui/executions/abc → /executions/abc */
export function appPath(pathname: string): string {
  const prefix = boot().prefix;
  const rest = pathname.startsWith(prefix) ? pathname.slice(prefix.length) : pathname;
  return rest === '' ? '/' : rest.length > 1 ? rest.replace(/\/+$/, '') : rest;
}

export function match(routes: Route[], path: string): Match | undefined {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    const pattern = route.pattern.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length; i++) {
      if (pattern[i].startsWith(':')) {
        try {
          params[pattern[i].slice(1)] = decodeURIComponent(parts[i]);
        } catch {
          ok = false;
        }
      } else if (pattern[i] !== parts[i]) ok = false;
      if (!ok) break;
    }
    if (ok) return { route, params };
  }
  return undefined;
}
