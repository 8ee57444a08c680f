import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES } from '../../src/inspect/examples';
import { inspectModel, inspectText } from '../../src/inspect/inspect';
import type { Transcript } from '../../src/transcript/types';
import type { MeasureResult } from '../../src/worker/api';
import { loadNodeModel, loadTagger } from '../../models/recipe/load-node';
import { PlaygroundPage } from './harness/playground';
import { expectNothingBroken, startSession, type Session } from './harness/session';

// WebGPU on SwiftShader computes on the CPU at a few tokens a second, so every run here is short. The seed and
// prompt are the WebGPU suite's (`npx tsx tests/e2e/harness/webgpu-budget.ts`): a sentence starts within 12 tokens.
const SEED = 83;
const PROMPT = '<story><angry>Tom was very angry';
const TOKENS = 12;

describe('the sampler, the alarm, "Measure", "Inspect a text" and the strength marks, on WebGPU', () => {
  let session: Session;
  let playground: PlaygroundPage;
  let free: Transcript;

  async function run(): Promise<Transcript> {
    await playground.generate();
    await playground.waitForEnd();
    return playground.exportTranscript();
  }

  beforeAll(async () => {
    session = await startSession('webgpu');
    playground = await PlaygroundPage.open(session.context, `${session.site.url}?backend=webgpu`);
    expect(await playground.backend()).toBe('webgpu');
    await playground.setPrompt(PROMPT);
    await playground.setMaxTokens(TOKENS);
    await playground.setPaceStep(9);
    await playground.setSeed(SEED);
    free = await run();
  });

  afterAll(async () => {
    await session?.close();
  });

  it('a ban of a tag the model was not choosing leaves the text as it was up to where the tag was chosen', async () => {
    const texts = free.tokens.map((t) => t.text);
    const at = texts.findIndex((text, i) => i > 0 && free.tags.includes(text.slice(1, -1)) && /^<.+>$/.test(text));
    expect(at).toBeGreaterThan(0);
    const tag = texts[at].slice(1, -1);
    await playground.setMode(tag, 'ban');
    const banned = await run();
    await playground.setMode(tag, 'allow');
    expect(banned.tokens.slice(0, at).map((t) => t.token)).toEqual(free.tokens.slice(0, at).map((t) => t.token));
    expect(banned.tokens[at].text).not.toBe(`<${tag}>`);
  });

  it('the alarm set to stop ends the run at the first step whose pre-ban probability passes the threshold', async () => {
    await playground.setMode('angry', 'ban');
    const marked = await run();
    const angry = marked.tokens.map((t) => t.tagProbs[marked.tags.indexOf('angry')]);
    const threshold = Math.floor(Math.max(...angry) * 100 - 1) / 100;
    expect(threshold).toBeGreaterThanOrEqual(0.01);
    const first = angry.findIndex((p) => p > threshold);
    await playground.setRange('Temptation threshold', threshold);
    await playground.page.getByTestId('alarm-stop').check();
    await playground.generate();
    expect(await playground.waitForEnd()).toBe('alarm');
    const stopped = await playground.exportTranscript();
    expect(stopped.tokens.map((t) => t.token)).toEqual(marked.tokens.slice(0, first + 1).map((t) => t.token));
    expect(await playground.page.getByTestId('alarm-notice').getAttribute('data-tag')).toBe('angry');
    await playground.page.getByTestId('alarm-mark').check();
  });

  it('"Measure" draws its samples on WebGPU, and its summary follows from them', async () => {
    const page = playground.page;
    await page.getByTestId('measure').locator('summary').click();
    await page.getByTestId('measure-samples').fill('1');
    await page.getByTestId('measure-run').click();
    await page.getByTestId('measure-json').waitFor({ timeout: 180_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('measure-json').click()]);
    const result = JSON.parse(await readFile(await download.path(), 'utf8')) as MeasureResult;
    expect(result.steered.map((s) => s.seed)).toEqual([SEED]);
    const steered = result.steered.flatMap((s) => s.sentences);
    expect(steered.length).toBeGreaterThan(0);
    expect(steered.filter((s) => s.modelTag === 'angry')).toEqual([]);
    expect(result.summary.sentences).toBe(steered.length);
    const [angry] = result.summary.temptation;
    expect(angry.tempted).toBe(steered.filter((s) => s.tagProbs.angry >= result.request.threshold).length);
    await playground.setMode('angry', 'allow');
  });

  it("'Inspect a text' gives the model's forecasts as Node computes them (within 1e-3)", async () => {
    const page = playground.page;
    const text = EXAMPLES[0].text.slice(0, EXAMPLES[0].text.indexOf('.', 300) + 1);
    await page.getByTestId('inspect').locator('summary').click();
    await page.getByTestId('inspect-text').fill(text);
    await page.getByTestId('inspect-run').click();
    await page.getByTestId('inspect-run').and(page.locator(':enabled')).waitFor({ timeout: 120_000 });
    await page.getByTestId('inspect-row').first().waitFor();
    const rows = await page.getByTestId('inspect-row').evaluateAll((trs) =>
      trs.map((tr) => ({
        tagger: tr.getAttribute('data-tagger'),
        probabilities: (tr.getAttribute('data-probabilities') ?? '').split(' ').map(Number),
      })),
    );
    const loaded = await loadNodeModel(1);
    const expected = await inspectText(
      text,
      loadTagger(),
      inspectModel(loaded, (id) => loaded.tokenizer.decode([id])),
    );
    expect(rows.length).toBe(expected.sentences.length);
    expect(rows.length).toBeGreaterThan(2);
    rows.forEach((row, i) => {
      expect(row.tagger).toBe(expected.sentences[i].tagger);
      row.probabilities.forEach((p, k) =>
        expect(Math.abs(p - expected.sentences[i].probabilities[k])).toBeLessThan(1e-3),
      );
    });
  });

  it("shows each tag's strength mark from eval.json", async () => {
    expect(await playground.page.getByTestId('strength-angry').textContent()).toMatch(/^forced: \d+ %$/);
    expect(playground.errors).toEqual([]);
  });

  it('broke no rule of the Content-Security-Policy, and fetched nothing from another origin', () =>
    expectNothingBroken(session));
});
