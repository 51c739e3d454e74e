// The editor's article selection on Today's news: kept in localStorage so it survives reloads and
// navigation, until a digest is made from it or it is cleared.
const KEY = 'newsdesk.selection';

export interface Selection {
  ids(): string[];
  has(id: string): boolean;
  toggle(id: string, on?: boolean): boolean;
  clear(): void;
  size(): number;
  onChange(fn: () => void, signal: AbortSignal): void;
}

function read(): string[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

export const selection: Selection = {
  ids: read,
  has: (id) => read().includes(id),
  size: () => read().length,
  toggle(id, on) {
    const ids = read();
    const present = ids.includes(id);
    const want = on ?? !present;
    if (want && !present) ids.push(id);
    if (!want && present) ids.splice(ids.indexOf(id), 1);
    localStorage.setItem(KEY, JSON.stringify(ids));
    window.dispatchEvent(new CustomEvent('newsdesk:selection'));
    return want;
  },
  clear() {
    localStorage.removeItem(KEY);
    window.dispatchEvent(new CustomEvent('newsdesk:selection'));
  },
  onChange(fn, signal) {
    window.addEventListener('newsdesk:selection', fn, { signal });
    // Another tab changed it.
    window.addEventListener('storage', (e) => e.key === KEY && fn(), { signal });
  },
};
