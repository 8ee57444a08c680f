import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './harness/axe';
import { PlaygroundPage } from './harness/playground';
import { startSession, type Session } from './harness/session';

/** Where the e2e run keeps the page's screenshots at both widths. */
const SHOTS = resolve(import.meta.dirname, 'artifacts/screens');
const PHONE = { width: 390, height: 844 };

/** Elements that reach past the page's right edge, which would let it scroll sideways. */
const overflowing = (page: Page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll<HTMLElement>('body *')].filter(
      (e) => e.getBoundingClientRect().right > width + 0.5 && e.getClientRects().length > 0,
    );
    return {
      scrollWidth: document.documentElement.scrollWidth,
      width,
      wide: wide.map((e) => e.outerHTML.slice(0, 100)),
    };
  });

describe('the playground on a phone, 390 px wide, on WASM', () => {
  let session: Session;
  let phone: BrowserContext;
  let playground: PlaygroundPage;

  beforeAll(async () => {
    session = await startSession('wasm');
    phone = await session.browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    playground = await PlaygroundPage.open(phone, session.site.url);
    await mkdir(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await phone?.close();
    await session?.close();
  });

  it('shows the first line of the stream on the first screen after Generate', async () => {
    const { page } = playground;
    await playground.setMaxTokens(120);
    await playground.setPaceStep(4);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByTestId('tag-bar').getByRole('button', { name: 'Generate' }).tap();
    await playground.waitForTokens(1);
    const first = (await page.getByTestId('token').first().boundingBox())!;
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    expect(first.y).toBeGreaterThanOrEqual(0);
    expect(first.y + first.height).toBeLessThanOrEqual(PHONE.height);
    await page.screenshot({ path: resolve(SHOTS, 'phone-generate.png') });
  });

  it('keeps the tag bar on screen over the stream, and a tap on it bans the tag mid-stream', async () => {
    const { page } = playground;
    await page.getByTestId('stream').evaluate((stream) => stream.scrollIntoView({ block: 'center' }));
    const bar = (await page.getByTestId('tag-bar').boundingBox())!;
    const stream = (await page.getByTestId('stream').boundingBox())!;
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    expect(bar.y).toBeGreaterThanOrEqual(0);
    expect(bar.y + bar.height).toBeLessThanOrEqual(stream.y + 1);
    expect(stream.y + 48).toBeLessThanOrEqual(PHONE.height);
    // Scrolled on until the stream's top is off the screen: the bar stays at the top, over the rest of the stream.
    await page.evaluate((y) => window.scrollBy(0, y), stream.y + 100);
    const stuck = (await page.getByTestId('tag-bar').boundingBox())!;
    const below = (await page.getByTestId('stream').boundingBox())!;
    expect(stuck.y).toBeCloseTo(0, 0);
    expect(below.y + below.height).toBeGreaterThan(stuck.y + stuck.height + 100);
    await page.getByTestId('tag-bar').getByRole('button', { name: 'ban <angry>' }).tap();
    await expect.poll(() => page.getByTestId('tag-row-angry').getAttribute('data-mode')).toBe('ban');
    expect(
      await page.getByTestId('tag-bar').getByRole('button', { name: 'ban <angry>' }).getAttribute('aria-pressed'),
    ).toBe('true');
    await page.screenshot({ path: resolve(SHOTS, 'phone-streaming.png') });
    await page.getByTestId('tag-bar').getByRole('button', { name: 'Stop' }).tap();
    await playground.waitForEnd();
    const transcript = await playground.exportTranscript();
    const ban = transcript.state.timeline.find((e) => e.change.kind === 'mode' && e.change.tag === 'angry');
    expect(ban?.tokenIndex).toBeGreaterThan(0);
  });

  it("opens a token's details with a tap", async () => {
    const { page } = playground;
    await page.getByTestId('token').nth(4).tap();
    await page.getByTestId('token-popover').waitFor();
    const popover = (await page.getByTestId('token-popover').boundingBox())!;
    expect(popover.x).toBeGreaterThanOrEqual(0);
    expect(popover.x + popover.width).toBeLessThanOrEqual(PHONE.width);
  });

  it("reads the chart's values under a tap", async () => {
    const { page } = playground;
    await page.getByRole('button', { name: 'Close token details' }).tap();
    await page.getByTestId('token-popover').waitFor({ state: 'detached' });
    const over = page.getByTestId('chart').locator('.u-over');
    // In the middle of the screen, clear of the sticky tag bar at its top.
    await over.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    const box = (await over.boundingBox())!;
    const bar = (await page.getByTestId('tag-bar').boundingBox())!;
    expect(box.y + box.height / 2).toBeGreaterThan(bar.y + bar.height);
    const tokenValue = page.getByTestId('chart').locator('.u-legend .u-series').first().locator('.u-value');
    await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => tokenValue.textContent(), { timeout: 5_000 }).toMatch(/^\d+$/);
  });

  it('never scrolls sideways, and axe finds no serious or critical violation', async () => {
    expect(await overflowing(playground.page)).toEqual({ scrollWidth: PHONE.width, width: PHONE.width, wide: [] });
    expect(await seriousViolations(playground.page)).toEqual([]);
    await playground.page.screenshot({ path: resolve(SHOTS, 'phone-full.png'), fullPage: true });
  });

  it('keeps a screenshot at the desktop width too', async () => {
    const desktop = await PlaygroundPage.open(session.context, session.site.url);
    try {
      await desktop.setMaxTokens(60);
      await desktop.setPaceStep(10);
      await desktop.generate();
      await desktop.waitForEnd();
      expect((await overflowing(desktop.page)).wide).toEqual([]);
      await desktop.page.screenshot({ path: resolve(SHOTS, 'desktop-full.png'), fullPage: true });
    } finally {
      await desktop.page.close();
    }
  });
});
