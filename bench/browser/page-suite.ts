import type { BrowserContext } from 'playwright-core';
import type { PageSuiteResult, SuiteOptions } from '../web/page-api';
import { guardOrigin } from './origin-guard';

/** Runs the bench page's suite in a new tab and returns what the page measured. */
export async function runPageSuite(context: BrowserContext, pageUrl: string, options: SuiteOptions): Promise<PageSuiteResult> {
  const foreign = guardOrigin(context, pageUrl);
  const page = await context.newPage();
  try {
    page.on('pageerror', (error) => console.error(`bench page error: ${error.message}`));
    await page.goto(pageUrl);
    await page.waitForFunction(() => 'tagplayBench' in window);
    const result = await page.evaluate((o) => window.tagplayBench.suite(o), options);
    foreign.check();
    return result;
  } finally {
    await page.close();
  }
}
