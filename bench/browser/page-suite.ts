import type { BrowserContext } from 'playwright-core';
import type { PageSuiteResult, SuiteOptions } from '../web/page-api';

/** Runs the bench page's suite in a new tab and returns what the page measured. */
export async function runPageSuite(
  context: BrowserContext,
  pageUrl: string,
  options: SuiteOptions,
): Promise<PageSuiteResult> {
  const page = await context.newPage();
  try {
    page.on('pageerror', (error) => console.error(`bench page error: ${error.message}`));
    await page.goto(pageUrl);
    await page.waitForFunction(() => 'tagplayBench' in window);
    return await page.evaluate((o) => window.tagplayBench.suite(o), options);
  } finally {
    await page.close();
  }
}
