import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTagGroups } from '../../models/recipe/load-node';
import { sentenceTags } from '../../src/steering/tags';
import type { Transcript } from '../../src/transcript/types';
import { PlaygroundPage } from './harness/playground';
import { startSession, type Session } from './harness/session';

const OPENING = sentenceTags(readTagGroups()).opening;
const VIEWS = { share: 'share of sentence tags', prob: 'probability', logit: 'logit' } as const;
/** The colour of the threshold's marks (`--warn`). */
const WARN = [0x9a, 0x3a, 0x00];
/** Where the e2e run keeps the chart's screenshots in each view. */
const SHOTS = resolve(import.meta.dirname, 'artifacts/chart');

describe('the tag chart, on WASM', () => {
  let session: Session;
  let playground: PlaygroundPage;
  let transcript: Transcript;

  beforeAll(async () => {
    session = await startSession('wasm');
    playground = await PlaygroundPage.open(session.context, session.site.url);
    // A prompt that tempts the model with <angry> at sentence starts once it is banned.
    await playground.setPrompt('<story><angry>Tom was very angry.');
    await playground.setMaxTokens(60);
    await playground.setPaceStep(10);
    await playground.setRange('Temptation threshold', 0.01);
    await playground.setMode('angry', 'ban');
    await playground.generate();
    await playground.waitForEnd();
    transcript = await playground.exportTranscript();
  });

  afterAll(async () => {
    await session?.close();
  });

  const chart = () => playground.page.getByTestId('chart');
  const legendNames = () => chart().locator('.u-legend .u-series .u-label').allTextContents();

  /** Puts the cursor over token `index` and returns the legend's values by tag. */
  async function readAt(index: number): Promise<Map<string, string>> {
    const box = (await chart().locator('.u-over').boundingBox())!;
    const last = transcript.tokens.length - 1;
    await playground.page.mouse.move(box.x + (box.width * index) / last, box.y + box.height / 2);
    await expect
      .poll(() => chart().locator('.u-legend .u-series').first().locator('.u-value').textContent())
      .toBe(String(index));
    const rows = await chart()
      .locator('.u-legend .u-series')
      .evaluateAll((trs) =>
        trs.map((tr) => [tr.querySelector('.u-label')?.textContent, tr.querySelector('.u-value')?.textContent]),
      );
    return new Map(rows.slice(1).map(([tag, value]) => [tag ?? '', value ?? '']));
  }

  /** Whether the plot shows the threshold's colour just under its top edge at token `index`. */
  function warnMarkAt(index: number): Promise<boolean> {
    return chart().evaluate(
      (host, { index, last, warn }) => {
        const over = host.querySelector('.u-over')!.getBoundingClientRect();
        const canvas = host.querySelector('canvas')!;
        const frame = canvas.getBoundingClientRect();
        const ratio = canvas.width / frame.width;
        const x = over.left + (over.width * index) / last - frame.left;
        const y = over.top + 2 - frame.top;
        const [r, g, b] = canvas
          .getContext('2d')!
          .getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data;
        return Math.abs(r - warn[0]) + Math.abs(g - warn[1]) + Math.abs(b - warn[2]) < 40;
      },
      { index, last: transcript.tokens.length - 1, warn: WARN },
    );
  }

  it("opens on each sentence tag's share within the group, stacked, and reads a token's shares in the legend", async () => {
    expect(await chart().getAttribute('data-view')).toBe('share');
    expect(await playground.page.getByRole('radio', { name: VIEWS.share }).isChecked()).toBe(true);
    expect(await legendNames()).toEqual(['token', ...OPENING]);
    const columns = OPENING.map((tag) => transcript.tags.indexOf(tag));
    for (const index of [1, Math.floor(transcript.tokens.length / 2), transcript.tokens.length - 2]) {
      const values = await readAt(index);
      const probs = columns.map((c) => transcript.tokens[index].tagProbs[c]);
      const total = probs.reduce((a, b) => a + b, 0);
      OPENING.forEach((tag, k) => {
        expect(Number(values.get(tag)!.replace('%', '')), `${tag} at token ${index}`).toBeCloseTo(
          (probs[k] / total) * 100,
          0,
        );
      });
    }
  });

  it("writes the threshold's label whole inside the plot, and keeps whole tokens on the axis when zoomed in", async () => {
    await playground.page.getByRole('radio', { name: VIEWS.prob }).check();
    await expect.poll(() => chart().getAttribute('data-view')).toBe('prob');
    // The label sits just above the threshold's line at the plot's left edge: the columns there in its colour.
    const label = await chart().evaluate(
      (host, { threshold, warn }) => {
        const over = host.querySelector('.u-over')!.getBoundingClientRect();
        const canvas = host.querySelector('canvas')!;
        const frame = canvas.getBoundingClientRect();
        const ratio = canvas.width / frame.width;
        const lineY = over.bottom - over.height * threshold - frame.top;
        const [x0, y0] = [Math.round((over.left - 40 - frame.left) * ratio), Math.round((lineY - 18) * ratio)];
        const [w, h] = [Math.round(160 * ratio), Math.round(15 * ratio)];
        const pixels = canvas.getContext('2d')!.getImageData(x0, y0, w, h).data;
        const columns: number[] = [];
        for (let x = 0; x < w; x++)
          for (let y = 0; y < h; y++) {
            const at = (y * w + x) * 4;
            const off =
              Math.abs(pixels[at] - warn[0]) + Math.abs(pixels[at + 1] - warn[1]) + Math.abs(pixels[at + 2] - warn[2]);
            if (pixels[at + 3] > 200 && off < 60) {
              columns.push(x0 + x);
              break;
            }
          }
        const plotLeft = (over.left - frame.left) * ratio;
        return { from: (Math.min(...columns) - plotLeft) / ratio, to: (Math.max(...columns) - plotLeft) / ratio };
      },
      { threshold: 0.01, warn: WARN },
    );
    expect(label.from).toBeGreaterThanOrEqual(0);
    expect(label.to - label.from).toBeGreaterThan(35);

    const box = (await chart().locator('.u-over').boundingBox())!;
    const last = transcript.tokens.length - 1;
    const xOf = (index: number) => box.x + (box.width * index) / last;
    await playground.page.mouse.move(xOf(10.2), box.y + box.height / 2);
    await playground.page.mouse.down();
    await playground.page.mouse.move(xOf(13.8), box.y + box.height / 2, { steps: 5 });
    await playground.page.mouse.up();
    await expect.poll(() => chart().getAttribute('data-ticks')).toMatch(/^1[0-4]( 1[0-4])+$/);
    await chart().locator('.u-over').dblclick();
    await expect.poll(() => chart().getAttribute('data-ticks')).toMatch(/^0 /);
    await playground.page.getByRole('radio', { name: VIEWS.share }).check();
  });

  it('keeps the raw probabilities and logits one click away, with the banned tag and the threshold in every view', async () => {
    const angry = transcript.tags.indexOf('angry');
    const tempted = transcript.tokens.filter((t) => t.tagProbs[angry] > 0.01).map((t) => t.index);
    expect(tempted.length).toBeGreaterThan(0);
    const calm = transcript.tokens
      .map((t) => t.index)
      .find((i) => tempted.every((j) => Math.abs(i - j) * 8 > transcript.tokens.length));
    await mkdir(SHOTS, { recursive: true });
    for (const [view, label] of Object.entries(VIEWS)) {
      await playground.page.getByRole('radio', { name: label }).check();
      await expect.poll(() => chart().getAttribute('data-view')).toBe(view);
      await playground.page.mouse.move(0, 0);
      if (view !== 'share') expect(await legendNames()).toEqual(['token', ...transcript.tags]);
      const row = chart().locator('.u-legend .u-series', { hasText: 'angry' });
      await expect.poll(() => row.getAttribute('class')).toMatch(/\bbanned\b/);
      expect(await row.locator('.u-label').evaluate((e) => getComputedStyle(e).textDecorationLine)).toBe(
        'line-through',
      );
      expect(await playground.page.getByTestId('chart-note').textContent()).toMatch(/threshold \(1\.0%\)/);
      for (const index of tempted) expect(await warnMarkAt(index), `the threshold's mark at token ${index}`).toBe(true);
      if (calm !== undefined) expect(await warnMarkAt(calm), `no mark at token ${calm}`).toBe(false);
      await chart().screenshot({ path: resolve(SHOTS, `chart-${view}.png`) });
    }
    await playground.page.getByRole('radio', { name: VIEWS.share }).check();
  });
});
