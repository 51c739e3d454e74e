// Requests a page makes, held back until the test lets them go: how a busy machine reorders a page's
// answers and stream events, made deterministic.
import type { Page } from 'playwright-core';

export interface HeldRoute {
  /** Lets every held request (and later ones) through. */
  release(): void;
  /** Settles once the server has answered a request (with `answerFirst`), before the page sees it. */
  answered: Promise<void>;
  /** Releases and removes the route. */
  close(): Promise<void>;
}

/**
 * Holds requests to `pattern` until release(). With `answerFirst` each request is answered by the server
 * at once and the answer is held, so the page later gets a state older than what happened since.
 */
export async function holdRoute(
  page: Page,
  pattern: string,
  { answerFirst = false }: { answerFirst?: boolean } = {},
): Promise<HeldRoute> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let markAnswered!: () => void;
  const answered = new Promise<void>((resolve) => (markAnswered = resolve));
  await page.route(pattern, async (route) => {
    if (!answerFirst) {
      await held;
      await route.continue();
      return;
    }
    const response = await route.fetch();
    markAnswered();
    await held;
    await route.fulfill({ response });
  });
  return {
    release,
    answered,
    async close() {
      release();
      await page.unroute(pattern);
    },
  };
}
