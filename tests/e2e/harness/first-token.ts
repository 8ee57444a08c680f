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
  window.__firstToken = new Promise((resolve) => {
    const ready = () => document.querySelector('[data-testid=backend-badge][data-backend]');
    const whenThere = (found: () => Element | null, then: () => void) => {
      if (found()) return then();
      const observer = new MutationObserver(() => {
        if (!found()) return;
        observer.disconnect();
        then();
      });
      observer.observe(document, { subtree: true, childList: true, attributes: true });
    };
    whenThere(ready, () => {
      const readyMs = performance.now();
      (document.querySelector('[data-testid=generate]') as HTMLButtonElement).click();
      whenThere(
        () => document.querySelector('[data-testid=token]'),
        () => resolve({ readyMs, firstTokenMs: performance.now() - readyMs }),
      );
    });
  });
}

/** Waits for the times of a page opened with `clickGenerateWhenReady` as an init script. */
export async function firstTokenTimes(page: Page, timeout: number): Promise<FirstTokenTimes> {
  const times = await page.waitForFunction(() => window.__firstToken, undefined, { timeout });
  return (await times.jsonValue()) as FirstTokenTimes;
}
