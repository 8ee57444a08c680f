import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../src/steering/timeline';
import { SITE_DIR } from './harness/build-site';
import { serveStatic, type StaticServer } from './harness/static-server';

/** Debian's Firefox ESR (`apt-get install -y firefox-esr`; `.ci/run` installs it when missing). */
const FIREFOX = '/usr/bin/firefox-esr';

/** Sets an input's value the way typing or dragging does: the value, then `input` and `change`. */
async function setInput(page: Page, selector: string, value: number): Promise<void> {
  await page.$eval(
    selector,
    (element, v) => {
      const input = element as HTMLInputElement;
      input.value = String(v);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    },
    value,
  );
}

const tokenCount = (page: Page) => page.$$eval('[data-testid=token]', (tokens) => tokens.length);
const tokenTexts = (page: Page) => page.$$eval('[data-testid=token]', (tokens) => tokens.map((t) => t.textContent));
const waitForEnd = (page: Page) =>
  page.waitForSelector('[data-testid=run-status]:not([data-ended=""])', { timeout: 180_000 });

// The same site, driven in a second engine over WebDriver BiDi: Gecko, SpiderMonkey and its WebAssembly, no WebGPU.
describe('Firefox ESR smoke test', () => {
  let site: StaticServer;
  let browser: Browser;
  const errors: string[] = [];

  beforeAll(async () => {
    site = await serveStatic([{ prefix: '/tagplay/', dir: SITE_DIR }]);
    browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  async function open(url: string): Promise<Page> {
    const page = await browser.newPage();
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(url);
    await page.waitForSelector('[data-testid=backend-badge][data-backend]', { timeout: 180_000 });
    return page;
  }

  it('loads, generates on WASM, bans <angry> mid-stream, and replays the share link exactly', async () => {
    const page = await open(`${site.url}tagplay/?testhooks`);
    expect(await page.$eval('[data-testid=backend-badge]', (b) => b.getAttribute('data-backend'))).toBe('wasm');
    expect(await page.$eval('[data-testid=backend-badge]', (b) => b.textContent)).toMatch(
      /WASM.*no WebGPU: this browser does not offer WebGPU/,
    );

    await setInput(page, '[data-testid=max-tokens]', 60);
    // 20 tokens a second, so the ban lands mid-stream.
    await setInput(page, 'label.pace input[type=range]', 5);
    await page.click('[data-testid=generate]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=token]').length >= 8, {
      timeout: 120_000,
    });
    await page.click('input[aria-label="ban <angry>"]');
    await waitForEnd(page);
    const count = await tokenCount(page);
    expect(count).toBeGreaterThan(8);

    const timeline = (await page.evaluate(() => window.__tagplay!.workerTimeline())) as TimelineEntry[];
    expect(timeline.map((entry) => entry.change)).toEqual([{ kind: 'mode', tag: 'angry', mode: 'ban' }]);
    const banAt = timeline[0].tokenIndex;
    expect(banAt).toBeGreaterThan(0);
    expect(banAt).toBeLessThan(count);
    const angryAfter = await page.$$eval(
      '[data-testid=token][aria-label^="tag angry"]',
      (tokens, from) => tokens.filter((t) => Number(t.getAttribute('data-index')) >= from).length,
      banAt,
    );
    expect(angryAfter).toBe(0);

    const link = await page.$eval('[data-testid=share-url]', (input) => (input as HTMLInputElement).value);
    expect(link.startsWith(`${site.url}tagplay/?testhooks#s=`)).toBe(true);
    const texts = await tokenTexts(page);
    const replay = await open(link);
    await waitForEnd(replay);
    expect(await tokenTexts(replay)).toEqual(texts);
    expect(await replay.$eval('[data-testid=tag-row-angry]', (row) => row.getAttribute('data-mode'))).toBe('ban');
    expect(errors).toEqual([]);
  });

  it('says so on the page when the browser lacks something, or when something fails unhandled', async () => {
    const lacking = await browser.newPage();
    try {
      // As in a Firefox older than 125, which has no Intl.Segmenter.
      await lacking.evaluateOnNewDocument(() => {
        delete (Intl as { Segmenter?: unknown }).Segmenter;
      });
      await lacking.goto(`${site.url}tagplay/`);
      const unsupported = await lacking.waitForSelector('[data-testid=unsupported]', { timeout: 60_000 });
      expect(await unsupported!.evaluate((p) => p.textContent)).toMatch(
        /^tagplay cannot run in this browser: it lacks Intl\.Segmenter\. A recent Firefox/,
      );
      expect(await lacking.$('[data-testid=backend-badge]')).toBeNull();
    } finally {
      await lacking.close();
    }

    const page = await open(`${site.url}tagplay/`);
    await page.evaluate(() => {
      setTimeout(() => {
        throw new Error('an unexpected failure');
      });
    });
    const alert = await page.waitForSelector('[data-testid=uncaught-error]', { timeout: 10_000 });
    expect(await alert!.evaluate((p) => p.textContent)).toMatch(
      /^Something failed in this browser: an unexpected failure\. Reload the page/,
    );
    await page.close();
  });
});
