import LZString from 'lz-string';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTagGroups } from '../../models/recipe/load-node';
import { sentenceTags } from '../../src/steering/tags';
import type { Transcript } from '../../src/transcript/types';
import { shareTextOf } from '../../src/ui/share-link';
import { parseCsv } from '../unit/support/csv';
import { PlaygroundPage } from './harness/playground';
import { expectNothingBroken, startSession, type Session } from './harness/session';

const PROMPT = '<story><happy>Once upon a time';
const SEED = 3;
const TOKENS = 90;
/** The token the fork goes on after: in the middle of the run. */
const AT = 20;
/** The tags that open a sentence, as they are written. */
const OPENING = new Set(sentenceTags(readTagGroups()).opening.map((name) => `<${name}>`));
/** The cost chart's solid line, `KL_COLOUR` in ForkCost.svelte. */
const KL_RGB = [0x1f, 0x5f, 0xbf];

interface ChartValues {
  index: number[];
  kl: number[];
  sum: number[];
}

/** Opens the popover of the run's token `index` and forks there. */
async function forkAt(playground: PlaygroundPage, index: number): Promise<void> {
  const { page } = playground;
  await page.locator(`[data-testid=token][data-index="${index}"]`).click();
  await page.getByTestId('token-popover').waitFor();
  await page.getByTestId('fork-here').click();
  await page.getByTestId('fork').waitFor();
}

/** Runs the open fork and waits until it has ended; returns how. */
async function runFork(playground: PlaygroundPage): Promise<string> {
  const { page } = playground;
  await page.getByTestId('fork-run').click();
  const status = page.locator('[data-testid=fork-status]:not([data-ended=""])');
  await status.waitFor({ timeout: 180_000 });
  return (await status.getAttribute('data-ended')) ?? '';
}

const chartValues = async (playground: PlaygroundPage): Promise<ChartValues> => {
  const chart = playground.page.getByTestId('fork-cost-chart');
  return JSON.parse((await chart.getAttribute('data-values')) ?? 'null') as ChartValues;
};

/** Pixels of the chart's canvas in the solid line's colour: the KL line as drawn. */
const klPixels = (playground: PlaygroundPage): Promise<number> =>
  playground.page.getByTestId('fork-cost-chart').evaluate((host, rgb) => {
    const canvas = host.querySelector('canvas')!;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 0; i < data.length; i += 4)
      if (Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2]) < 40) count++;
    return count;
  }, KL_RGB);

/** The fork's own token texts as its column shows them (after the run's, shown up to the fork). */
const forkTexts = async (playground: PlaygroundPage): Promise<string[]> => {
  // A tag reads as `<name>` (its chip says the name), the end of text as the model's token; a temptation mark is left out.
  const all = await playground.page.getByTestId('fork-token').evaluateAll((tokens) =>
    tokens.map((t) => {
      const index = Number(t.getAttribute('data-index'));
      const tag = /^tag (\S+)/.exec(t.getAttribute('aria-label') ?? '');
      if (tag) return [index, `<${tag[1]}>`] as const;
      if (t.querySelector('.end')) return [index, '<|endoftext|>'] as const;
      const copy = t.cloneNode(true) as HTMLElement;
      copy.querySelector('.mark')?.remove();
      return [index, copy.textContent ?? ''] as const;
    }),
  );
  return all
    .filter(([index]) => index > AT)
    .sort((a, b) => a[0] - b[0])
    .map(([, text]) => text);
};

const partMarks = (playground: PlaygroundPage) =>
  playground.page.getByTestId('part-mark').evaluateAll((marks) => marks.map((m) => m.getAttribute('data-at')));

describe('a fork at any token, on WASM', () => {
  let session: Session;
  let playground: PlaygroundPage;
  let original: Transcript;
  /** The fork with a tag banned, as exported. */
  let banned: Transcript;
  let tag: string;

  beforeAll(async () => {
    session = await startSession('wasm');
    playground = await PlaygroundPage.open(session.context, session.site.url);
    await playground.setPrompt(PROMPT);
    await playground.setMaxTokens(TOKENS);
    await playground.setPaceStep(9);
    await playground.setSeed(SEED);
    await playground.generate();
    await playground.waitForEnd();
    original = await playground.exportTranscript();
  });

  afterAll(async () => {
    await session?.close();
  });

  it('opens beside the run, marked in its text, with the tag controls acting on it', async () => {
    const { page } = playground;
    expect(original.tokens.length).toBeGreaterThan(AT + 20);
    await forkAt(playground, AT);
    expect(await page.getByTestId('controls-target').textContent()).toContain(`the fork after token ${AT}`);
    // Both columns mark the fork point after token AT.
    expect(await page.getByTestId('fork-mark').evaluateAll((m) => m.map((e) => e.getAttribute('data-at')))).toEqual([
      String(AT),
      String(AT),
    ]);
    // The fork's column shows the run's text up to the fork, and no popover action of its own.
    expect((await page.getByTestId('fork-token').count()) - 1).toBe(AT);
    const stream = (await page.getByTestId('stream').boundingBox())!;
    const fork = (await page.getByTestId('fork').boundingBox())!;
    expect(fork.x).toBeGreaterThan(stream.x + stream.width / 2);
    expect(Math.abs(fork.y - stream.y)).toBeLessThan(stream.height / 2);
  });

  it('with the policy unchanged, writes the run itself from the fork on: no part point, no cost', async () => {
    const { page } = playground;
    expect(await runFork(playground)).toBe(original.stopped);
    const transcript = await playground.exportTranscript();
    const fork = transcript.fork!;
    expect(fork.at).toBe(AT);
    expect(fork.tokens.map((t) => t.index)).toEqual(original.tokens.slice(AT + 1).map((t) => t.index));
    expect(fork.tokens.map((t) => t.token)).toEqual(original.tokens.slice(AT + 1).map((t) => t.token));
    expect(await forkTexts(playground)).toEqual(original.tokens.slice(AT + 1).map((t) => t.text));
    expect(fork.partAt).toBeNull();
    expect(await partMarks(playground)).toEqual([]);
    expect(await page.getByTestId('fork-parting').textContent()).toMatch(/token for token/);
    expect(fork.tokens.every((t) => t.kl === 0)).toBe(true);
    expect(fork.klSum).toBe(0);
    const values = await chartValues(playground);
    expect(values.kl).toHaveLength(fork.tokens.length);
    expect(values.kl.every((v) => v === 0)).toBe(true);
    // The run's own transcript is untouched by the fork.
    expect(transcript.tokens.map((t) => t.token)).toEqual(original.tokens.map((t) => t.token));
  });

  it('with a tag banned that the run chose after the fork point: none from there, parts there, the cost drawn', async () => {
    const { page } = playground;
    const chosen = original.tokens.find((t) => t.index > AT && OPENING.has(t.text) && !t.inserted);
    expect(chosen, 'the run opens a sentence after the fork point').toBeDefined();
    tag = chosen!.text.slice(1, -1);
    await playground.setMode(tag, 'ban');
    expect(await runFork(playground)).not.toBe('error');
    banned = await playground.exportTranscript();
    const fork = banned.fork!;
    expect(fork.initialPolicy).toEqual({ [tag]: { mode: 'ban', boost: 0 } });
    expect(fork.tokens.filter((t) => t.text === `<${tag}>`)).toEqual([]);
    // The keyed sampler: the fork is the run itself until the run chose the banned tag, at the latest.
    expect(fork.partAt).not.toBeNull();
    expect(fork.partAt!).toBeGreaterThan(AT);
    expect(fork.partAt!).toBeLessThanOrEqual(chosen!.index);
    const before = fork.tokens.filter((t) => t.index < fork.partAt!);
    expect(before.map((t) => t.token)).toEqual(original.tokens.slice(AT + 1, fork.partAt!).map((t) => t.token));
    expect(await partMarks(playground)).toEqual([String(fork.partAt), String(fork.partAt)]);
    expect(await page.getByTestId('fork-parting').getAttribute('data-part-at')).toBe(String(fork.partAt));

    // The KL line: positive at every sentence start (the banned tag always has some probability there), its running
    // sum never falling, and drawn on the canvas.
    const values = await chartValues(playground);
    expect(values.index).toEqual(fork.tokens.map((t) => t.index));
    const starts = fork.tokens.flatMap((t, i) => (OPENING.has(t.text) ? [i] : []));
    expect(starts.length).toBeGreaterThan(0);
    for (const i of starts) expect(values.kl[i], `token ${fork.tokens[i].index}`).toBeGreaterThan(0);
    expect(values.kl.every((v) => v >= 0)).toBe(true);
    expect(values.sum.every((s, i) => i === 0 || s >= values.sum[i - 1])).toBe(true);
    expect(values.sum.at(-1)).toBeCloseTo(fork.klSum, 9);
    expect(fork.klSum).toBeGreaterThan(0);
    expect(await klPixels(playground)).toBeGreaterThan(50);
    await page.screenshot({ path: `${import.meta.dirname}/artifacts/fork.png`, fullPage: true });
  });

  it("exports the fork the page shows: the JSON's tokens, costs and part point, and the fork's CSV", async () => {
    const fork = banned.fork!;
    expect(await forkTexts(playground)).toEqual(fork.tokens.map((t) => t.text));
    const values = await chartValues(playground);
    expect(fork.tokens.map((t) => t.kl)).toEqual(values.kl);
    expect(banned.state.fork).toEqual({
      at: fork.at,
      maxNewTokens: fork.maxNewTokens,
      initialPolicy: fork.initialPolicy,
      alarm: fork.alarm,
      timeline: fork.timeline,
    });
    const [download] = await Promise.all([
      playground.page.waitForEvent('download'),
      playground.page.getByTestId('export-fork-csv').click(),
    ]);
    const { readFile } = await import('node:fs/promises');
    const rows = parseCsv(await readFile(await download.path(), 'utf8'));
    const header = rows[0];
    expect(rows.slice(1).map((row) => Number(row[header.indexOf('index')]))).toEqual(fork.tokens.map((t) => t.index));
    expect(rows.slice(1).map((row) => row[header.indexOf('text')])).toEqual(fork.tokens.map((t) => t.text));
    expect(rows.slice(1).map((row) => Number(row[header.indexOf('kl')]))).toEqual(values.kl);
    expect(rows.slice(1).map((row) => Number(row[header.indexOf('kl_sum')]))).toEqual(values.sum);
  });

  it('carries the fork in the share link, which replays the run and then the fork identically', async () => {
    const link = await playground.copyShareLink();
    const state = JSON.parse(LZString.decompressFromEncodedURIComponent(shareTextOf(new URL(link).hash)!)) as {
      fork?: unknown;
    };
    expect(state.fork).toEqual(banned.state.fork);
    const opened = await PlaygroundPage.open(session.context, link);
    try {
      await opened.page.getByTestId('skip-replay').click();
      await opened.waitForEnd();
      await opened.page.locator('[data-testid=fork-status]:not([data-ended=""])').waitFor({ timeout: 180_000 });
      const replayed = await opened.exportTranscript();
      expect(replayed.tokens.map((t) => t.token)).toEqual(banned.tokens.map((t) => t.token));
      expect(replayed.fork!.tokens.map((t) => t.token)).toEqual(banned.fork!.tokens.map((t) => t.token));
      expect(replayed.fork!.tokens.map((t) => t.kl)).toEqual(banned.fork!.tokens.map((t) => t.kl));
      expect(replayed.fork!.partAt).toBe(banned.fork!.partAt);
      expect(await opened.page.getByTestId(`tag-row-${tag}`).getAttribute('data-mode')).toBe('ban');
      expect(opened.errors).toEqual([]);
    } finally {
      await opened.page.close();
    }
  });

  it('stacks the fork under the run on a phone-wide screen', async () => {
    const { page } = playground;
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const stream = (await page.getByTestId('stream').boundingBox())!;
      const fork = (await page.getByTestId('fork').boundingBox())!;
      expect(fork.y).toBeGreaterThanOrEqual(stream.y + stream.height);
      expect(fork.x + fork.width).toBeLessThanOrEqual(390);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
      await page.screenshot({ path: `${import.meta.dirname}/artifacts/fork-phone.png`, fullPage: true });
    } finally {
      await page.setViewportSize(size);
    }
  });

  it('closed, gives the tag controls back to the run, whose policy it never touched', async () => {
    const { page } = playground;
    await page.getByTestId('fork-close').click();
    expect(await page.getByTestId('fork').count()).toBe(0);
    expect(await page.getByTestId('controls-target').count()).toBe(0);
    expect(await page.getByTestId('fork-mark').count()).toBe(0);
    expect(await page.getByTestId(`tag-row-${tag}`).getAttribute('data-mode')).toBe('allow');
  });

  it('broke no rule of the Content-Security-Policy, and fetched nothing from another origin', () =>
    expectNothingBroken(session, playground.errors));
});
