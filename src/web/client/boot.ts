// Data the server inlines into the page shell.
export interface Boot {
  prefix: string;
  timezone: string;
  authRequired: boolean;
  categories: { name: string; showWhenEmpty: boolean }[];
  digestLinks: boolean;
}

let cached: Boot | undefined;

export function boot(): Boot {
  if (cached) return cached;
  const el = document.getElementById('boot');
  const parsed = el?.textContent ? (JSON.parse(el.textContent) as Partial<Boot>) : {};
  cached = {
    prefix: parsed.prefix ?? '/ui',
    timezone: parsed.timezone ?? 'Asia/Shanghai',
    authRequired: parsed.authRequired ?? false,
    categories: parsed.categories ?? [],
    digestLinks: parsed.digestLinks ?? false,
  };
  return cached;
}

/** A dashboard URL: ui('/executions') → /ui/executions */
export function ui(path: string): string {
  return `${boot().prefix}${path === '/' ? '/' : path}`;
}
