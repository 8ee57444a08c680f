import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './harness/axe';
import { PlaygroundPage } from './harness/playground';
import { startSession, type Session } from './harness/session';

describe('accessibility (axe-core), on WASM', () => {
  let session: Session;
  let playground: PlaygroundPage;

  beforeAll(async () => {
    session = await startSession('wasm');
    playground = await PlaygroundPage.open(session.context, session.site.url);
  });

  afterAll(async () => {
    await session?.close();
  });

  it('has no serious or critical violation once the model is loaded', async () => {
    expect(await seriousViolations(playground.page)).toEqual([]);
  });

  it('has none after a run with a ban, a disagreement mark and a token popover open', async () => {
    const { page } = playground;
    await playground.setPrompt('<story><angry>Tom was very angry.');
    await playground.setMaxTokens(80);
    await playground.setPaceStep(10);
    await playground.setMode('angry', 'ban');
    await playground.generate();
    await playground.waitForEnd();
    expect(await page.getByTestId('disagreement').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=token].tempted').count()).toBeGreaterThan(0);
    await page.getByTestId('token').nth(3).click();
    await page.getByTestId('token-popover').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
  });

  it('has none with a fork open beside the run, its cost drawn and a token of it inspected', async () => {
    const { page } = playground;
    await page.locator('[data-testid=token][data-index="10"]').click();
    await page.getByTestId('fork-here').click();
    await playground.setMode('angry', 'allow');
    await page.getByTestId('fork-run').click();
    await page.locator('[data-testid=fork-status]:not([data-ended=""])').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('controls-target').count()).toBe(1);
    await page.locator('[data-testid=fork-token][data-index="12"]').click();
    await page.getByTestId('fork-token-popover').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
  });

  it('has none with every panel open and "Inspect a text" and "Measure" answered', async () => {
    const { page } = playground;
    for (const summary of await page.locator('details > summary').all()) await summary.click();
    await page.getByTestId('inspect-example').first().click();
    await page.getByTestId('inspect-run').click();
    await page.getByTestId('inspect-summary').waitFor({ timeout: 60_000 });
    await page.getByTestId('measure-samples').fill('2');
    await page.getByTestId('measure-run').click();
    await page.getByTestId('measure-summary').waitFor({ timeout: 120_000 });
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('reaches every control with Tab, in one pass', async () => {
    const { page } = playground;
    const controls = await page.evaluate(() => {
      const selector = 'button, input, select, textarea, summary, a[href], [tabindex="0"]';
      const shown = [...document.querySelectorAll<HTMLElement>(selector)].filter(
        (e) => !(e as HTMLButtonElement).disabled && e.getClientRects().length > 0 && !e.closest('[inert]'),
      );
      shown.forEach((e, i) => (e.dataset.a11yControl = String(i)));
      return shown.length;
    });
    // Radios of one group are one tab stop: the group counts as reached when any of its radios is.
    const groupOf = (i: string) =>
      page
        .locator(`[data-a11y-control="${i}"]`)
        .evaluate((e) => (e instanceof HTMLInputElement && e.type === 'radio' ? `radio:${e.name}` : null));
    const reached = new Set<string>();
    await page.locator('body').focus();
    for (let press = 0; press < controls + 20; press++) {
      await page.keyboard.press('Tab');
      const at = await page.evaluate(() => {
        const active = document.activeElement as HTMLElement | null;
        return active?.dataset.a11yControl ?? null;
      });
      if (at === null) continue;
      reached.add(at);
      const group = await groupOf(at);
      if (group) reached.add(group);
    }
    const missed: string[] = [];
    for (let i = 0; i < controls; i++) {
      const index = String(i);
      const group = await groupOf(index);
      if (!reached.has(index) && !(group && reached.has(group)))
        missed.push(await page.locator(`[data-a11y-control="${index}"]`).evaluate((e) => e.outerHTML.slice(0, 120)));
    }
    expect(missed).toEqual([]);
  });

  it('broke no rule of the Content-Security-Policy while axe ran', () => {
    expect(session.cspReports).toEqual([]);
    expect(playground.errors).toEqual([]);
  });
});
