import { readFile } from 'node:fs/promises';
import LZString from 'lz-string';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShareState } from '../../src/share/state';
import type { MeasureResult } from '../../src/worker/api';
import { PlaygroundPage } from './harness/playground';
import { expectNothingBroken, startSession, type Session } from './harness/session';

const share = (hits: number, of: number) => (of === 0 ? null : hits / of);

/** Distinct word pairs over all word pairs, written apart from `src/measure/summary.ts`. */
function distinctPairs(sentences: string[][]): number | null {
  const pairs = sentences.flatMap((words) => words.slice(1).map((w, i) => `${words[i]} ${w}`));
  return share(new Set(pairs).size, pairs.length);
}

async function exportedJson(page: Page): Promise<MeasureResult> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('measure-json').click()]);
  return JSON.parse(await readFile(await download.path(), 'utf8')) as MeasureResult;
}

/** The report as the page shows it, without the time it took. */
const shownReport = async (page: Page) =>
  (await page.getByTestId('measure-summary').textContent())!.replace(/ in [\d.]+ s:/, ':') +
  (await page.getByTestId('measure-shares').textContent()) +
  (await page.getByTestId('measure-temptation').allTextContents()).join('|');

describe('measure a policy over many samples, on WASM', () => {
  let session: Session;
  let playground: PlaygroundPage;
  let measured: MeasureResult;

  beforeAll(async () => {
    session = await startSession('wasm');
    playground = await PlaygroundPage.open(session.context, session.site.url);
    await playground.page.getByTestId('measure').locator('summary').click();
  });

  afterAll(async () => {
    await session?.close();
  });

  it('measures 10 samples with <angry> banned, and every reported figure follows from the exported sentences', async () => {
    const page = playground.page;
    await playground.setPrompt('<story><angry>Max was very angry because his brother broke his red truck.');
    await playground.setMaxTokens(60);
    await playground.setSeed(1);
    await playground.setMode('angry', 'ban');
    await page.getByTestId('measure-samples').fill('10');
    await page.getByTestId('measure-run').click();
    await page.getByTestId('measure-progress').waitFor();
    expect(await page.getByTestId('generate').isDisabled()).toBe(true);
    await page.getByTestId('measure-summary').waitFor({ timeout: 180_000 });
    expect(await page.getByTestId('generate').isDisabled()).toBe(false);

    const result = await exportedJson(page);
    measured = result;
    expect(result.steered.map((s) => s.seed)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(result.free.map((s) => s.seed)).toEqual(result.steered.map((s) => s.seed));
    const steered = result.steered.flatMap((s) => s.sentences);
    const free = result.free.flatMap((s) => s.sentences);
    expect(steered.length).toBeGreaterThan(10);
    expect(steered.filter((s) => s.modelTag === 'angry')).toEqual([]);
    const summary = result.summary;
    expect(summary.sentences).toBe(steered.length);
    expect(summary.freeSentences).toBe(free.length);
    for (const row of summary.shares) {
      expect(row.tagger).toBe(share(steered.filter((s) => s.label === row.tag).length, steered.length));
      expect(row.model).toBe(share(steered.filter((s) => s.modelTag === row.tag).length, steered.length));
      expect(row.freeTagger).toBe(share(free.filter((s) => s.label === row.tag).length, free.length));
      expect(row.freeModel).toBe(share(free.filter((s) => s.modelTag === row.tag).length, free.length));
    }
    const words = (samples: MeasureResult['steered']) =>
      samples.map((sample) => sample.sentences.flatMap((s) => s.text.split(/\s+/).filter(Boolean)));
    expect(summary.distinct2).toBe(distinctPairs(words(result.steered)));
    expect(summary.freeDistinct2).toBe(distinctPairs(words(result.free)));
    expect(summary.temptation.map((t) => t.tag)).toEqual(['angry']);
    const [angry] = summary.temptation;
    const pre = steered.map((s) => s.tagProbs.angry);
    expect(angry.sentences).toBe(steered.length);
    expect(angry.tempted).toBe(pre.filter((p) => p >= result.request.threshold).length);
    expect(angry.histogram.reduce((a, b) => a + b, 0)).toBe(steered.length);
    expect(angry.histogram[9] + angry.histogram[8]).toBe(pre.filter((p) => p >= 0.8).length);
    // The page shows the same figures it exported.
    const shown = await page.getByTestId('measure-temptation').textContent();
    expect(shown).toContain(`banned at ${angry.sentences} sentence starts`);
    expect(shown).toContain(`at ${angry.tempted}.`);

    const csv = await (async () => {
      const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('measure-csv').click()]);
      return readFile(await file.path(), 'utf8');
    })();
    expect(csv.trim().split('\r\n')).toHaveLength(1 + steered.length + free.length);
  });

  it("shares the measurement's settings and summary, and a page opened from the link measures them again exactly", async () => {
    const page = playground.page;
    const link = await playground.copyShareLink();
    const state = JSON.parse(
      LZString.decompressFromEncodedURIComponent(new URL(link).hash.replace(/^#s=/, '')),
    ) as ShareState;
    expect(state.measurement).toEqual({ ...measured.request, summary: measured.summary });
    expect(link.length).toBeLessThan(4_000);
    // Unticked, the link leaves it out.
    await page.getByTestId('share-measurement').uncheck();
    const without = await playground.copyShareLink();
    expect(JSON.parse(LZString.decompressFromEncodedURIComponent(new URL(without).hash.slice(3))).measurement).toBe(
      null,
    );
    await page.getByTestId('share-measurement').check();

    const opened = await PlaygroundPage.open(session.context, link);
    const other = opened.page;
    // The panel opens by itself on the link's measurement, as the measuring page showed it.
    await other.getByTestId('measure-shared').waitFor();
    expect(await shownReport(other)).toBe(await shownReport(page));
    await opened.waitForEnd();
    // Other controls do not matter: "Measure again" takes the link's settings.
    await opened.setSeed(99);
    await other.getByTestId('measure-again').click();
    await other.getByTestId('measure-json').waitFor({ timeout: 180_000 });
    const again = await exportedJson(other);
    expect(again.request).toEqual(measured.request);
    expect(again.summary).toEqual(measured.summary);
    expect(again.steered).toEqual(measured.steered);
    expect(opened.errors).toEqual([]);
    await other.close();
  });

  it('cancels a long measurement, and Generate works again', async () => {
    const page = playground.page;
    await page.getByTestId('measure-samples').fill('500');
    await page.getByTestId('measure-run').click();
    await page.getByTestId('measure-progress').waitFor();
    await page.getByTestId('measure-cancel').click();
    await page.getByTestId('measure-error').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('measure-error').textContent()).toMatch(/cancelled/);
    await playground.setMode('angry', 'allow');
    await playground.stepTo(1);
    expect(await playground.fault.count()).toBe(0);
    expect(playground.errors).toEqual([]);
  });

  it('broke no rule of the Content-Security-Policy, and fetched nothing from another origin', () =>
    expectNothingBroken(session));
});
