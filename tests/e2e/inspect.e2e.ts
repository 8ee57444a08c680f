import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES } from '../../src/inspect/examples';
import { inspectModel, inspectText, type InspectResult } from '../../src/inspect/inspect';
import { loadNodeModel, loadTagger } from '../../models/recipe/load-node';
import { PlaygroundPage } from './harness/playground';
import { expectNothingBroken, startSession, type Session } from './harness/session';

/** The view's table, as the page shows it. */
async function rows(playground: PlaygroundPage) {
  return playground.page.getByTestId('inspect-row').evaluateAll((trs) =>
    trs.map((tr) => ({
      tagger: tr.getAttribute('data-tagger'),
      model: tr.getAttribute('data-model'),
      probabilities: (tr.getAttribute('data-probabilities') ?? '').split(' ').map(Number),
    })),
  );
}

async function inspectInPage(playground: PlaygroundPage, text: string): Promise<void> {
  const page = playground.page;
  await page.getByTestId('inspect-text').fill(text);
  await page.getByTestId('inspect-run').click();
  await page.getByTestId('inspect-run').and(page.locator(':enabled')).waitFor({ timeout: 120_000 });
}

describe('inspect a text, on WASM', () => {
  let session: Session;
  let playground: PlaygroundPage;
  let node: (text: string) => Promise<InspectResult>;

  beforeAll(async () => {
    session = await startSession('wasm');
    playground = await PlaygroundPage.open(session.context, session.site.url);
    await playground.page.getByTestId('inspect').locator('summary').click();
    const loaded = await loadNodeModel(1);
    const tagger = loadTagger();
    node = (text) =>
      inspectText(
        text,
        tagger,
        inspectModel(loaded, (id) => loaded.tokenizer.decode([id])),
      );
  });

  afterAll(async () => {
    await session?.close();
  });

  it("gives each sentence the tagger's tag and the model's forecast, as Node computes them (within 1e-3)", async () => {
    const text = EXAMPLES[0].text;
    await inspectInPage(playground, text);
    const page = await rows(playground);
    const expected = await node(text);
    expect(page.length).toBe(expected.sentences.length);
    expect(page.length).toBeGreaterThan(10);
    page.forEach((row, i) => {
      const want = expected.sentences[i];
      expect(row.tagger).toBe(want.tagger);
      row.probabilities.forEach((p, k) => expect(Math.abs(p - want.probabilities[k])).toBeLessThan(1e-3));
    });
    const confusion = await playground.page
      .getByTestId('inspect-confusion')
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => Number(td.textContent))));
    expect(confusion).toEqual(expected.agreement.confusion);
    expect(await playground.page.getByTestId('inspect-calibration').locator('rect').count()).toBeGreaterThan(0);
    expect(await playground.page.getByTestId('inspect-along').locator('span').count()).toBe(expected.tokens.length);
  });

  it('reads a text longer than the context in windows, and says so', async () => {
    const text = `${EXAMPLES[1].text}\n`.repeat(6);
    await inspectInPage(playground, text);
    const expected = await node(text);
    expect(expected.windows).toBeGreaterThan(1);
    expect(await playground.page.getByTestId('inspect-summary').textContent()).toMatch(
      new RegExp(`read in ${expected.windows} windows`),
    );
    expect((await rows(playground)).length).toBe(expected.sentences.length);
  });

  it('takes typed tags out and says how many; an empty text and a 1 MB text get a clear message', async () => {
    await inspectInPage(playground, '<angry><angry>Tom was angry. <happy>He laughed.');
    expect(await playground.page.getByTestId('inspect-summary').textContent()).toMatch(/3 typed tags were taken out/);
    expect((await rows(playground)).length).toBe(2);

    await inspectInPage(playground, '');
    expect(await playground.page.getByTestId('inspect-error').textContent()).toMatch(/no text to inspect/);

    const started = Date.now();
    await inspectInPage(playground, 'The cat sat on the mat. '.repeat(44_000));
    expect(await playground.page.getByTestId('inspect-error').textContent()).toMatch(
      /1,056,000 characters; inspect at most 20,000/,
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    await playground.stepTo(1);
    expect(await playground.fault.count()).toBe(0);
    expect(playground.errors).toEqual([]);
  });

  it('broke no rule of the Content-Security-Policy, and fetched nothing from another origin', () =>
    expectNothingBroken(session));
});
