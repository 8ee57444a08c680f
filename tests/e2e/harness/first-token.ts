/** A page's time to ready and to its first token, taken inside the page: the e2e suite's cold load and the bench's. */
import type { Page } from 'playwright-core';

export interface FirstTokenTimes {
  /** From navigation start to the badge that says the model is ready. */
  readyMs: number;
  /** From ready to the first token on the page, with Generate clicked the moment the model is ready. */
  firstTokenMs: number;
}

declare global {
  interface Window {
    __firstToken?: Promise<FirstTokenTimes>;
  }
}

/**
 * An init script: clicks Generate the moment the badge says the model is ready and times the first token, all
 * inside the page, so the harness's own round trips are not counted. Read the result with `firstTokenTimes`.
 */
export function clickGenerateWhenReady() {
  // One observer and no named inner functions: tsx (the bench) compiles with esbuild's keepNames, which wraps
  // named functions in a `__name` helper that does not exist inside the page.
  window.__firstToken = new Promise((resolve) => {
    let readyMs: number | undefined;
    new MutationObserver((_, observer) => {
      if (readyMs === undefined) {
        if (!document.querySelector('[data-testid=backend-badge][data-backend]')) return;
        readyMs = performance.now();
        (document.querySelector('[data-testid=generate]') as HTMLButtonElement).click();
      } else if (document.querySelector('[data-testid=token]')) {
        observer.disconnect();
        resolve({ readyMs, firstTokenMs: performance.now() - readyMs });
      }
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });
}

/** Waits for the times of a page opened with `clickGenerateWhenReady` as an init script. */
export async function firstTokenTimes(page: Page, timeout: number): Promise<FirstTokenTimes> {
  const times = await page.waitForFunction(() => window.__firstToken, undefined, { timeout });
  return (await times.jsonValue()) as FirstTokenTimes;
}
