import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTagGroups } from '../../models/recipe/load-node';
import { sentenceTags } from '../../src/steering/tags';
import { PlaygroundPage } from './harness/playground';
import { expectNothingBroken, startSession, type Session } from './harness/session';
import { parseCsv } from '../unit/support/csv';

describe('the playground as a newcomer meets it, on WASM', () => {
  let session: Session;
  let playground: PlaygroundPage;

  beforeAll(async () => {
    session = await startSession('wasm');
    playground = await PlaygroundPage.open(session.context, session.site.url);
  });

  afterAll(async () => {
    await session?.close();
  });

  it('takes shortcuts after a click on a radio and on a slider; a text field still takes the keys', async () => {
    const page = playground.page;
    const rows = page.locator('[data-testid^=tag-row-]');
    const first = (await rows.first().getAttribute('data-testid'))!.replace('tag-row-', '');
    await playground.setMaxTokens(8);
    await playground.setMode('angry', 'ban');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).type)).toBe('radio');
    await page.keyboard.press('1');
    expect(await page.getByTestId(`tag-row-${first}`).getAttribute('data-mode')).toBe('ban');
    await page.keyboard.press('g');
    expect(['max-tokens', 'end-of-text']).toContain(await playground.waitForEnd());
    expect(await playground.tokenCount()).toBeGreaterThan(0);

    await page.getByLabel(`boost <${first}>`).click();
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).type)).toBe('range');
    await page.keyboard.press('r');
    await expect.poll(() => page.locator('[data-testid^=tag-row-][data-mode=ban]').count()).toBe(0);

    await page.getByTestId('prompt').click();
    await page.keyboard.press('1');
    expect(await page.getByTestId(`tag-row-${first}`).getAttribute('data-mode')).toBe('allow');
  });

  it('closes the token popover on "Regenerate from here"', async () => {
    const page = playground.page;
    await page.getByTestId('token').nth(2).click();
    await page.getByTestId('token-popover').waitFor();
    await page.getByRole('button', { name: 'Regenerate from here' }).click();
    expect(await page.getByTestId('token-popover').count()).toBe(0);
    await playground.waitForEnd();
    expect(await page.getByTestId('token-popover').count()).toBe(0);
  });

  it('names the lines in a legend below the plot, and says what the controls do', async () => {
    const page = playground.page;
    const plot = await page.locator('[data-testid=chart] .u-over').boundingBox();
    const legend = page.locator('[data-testid=chart] .u-legend');
    const box = await legend.boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(plot!.y + plot!.height);
    const names = await legend.locator('.u-series .u-label').allTextContents();
    const tags = await page
      .locator('[data-testid^=tag-row-]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')!.replace('tag-row-', '')));
    expect(names).toEqual(['token', ...sentenceTags(readTagGroups()).opening]);
    await page.getByRole('radio', { name: 'probability' }).check();
    expect(await legend.locator('.u-series .u-label').allTextContents()).toEqual(['token', ...tags]);
    await page.getByRole('radio', { name: 'share of sentence tags' }).check();
    expect(await page.getByTestId('controls-help').textContent()).toMatch(
      /change which tag starts a sentence, never whether one starts, and take effect from the next\s+token/,
    );
  });

  it('says a shared link is replaying, and skips to the end on request', async () => {
    const page = playground.page;
    await playground.setMaxTokens(40);
    await playground.setPaceStep(1);
    await playground.generate();
    await playground.waitForTokens(2);
    await page.getByTestId('stop').click();
    await playground.waitForEnd();
    const link = await playground.copyShareLink();
    const replay = await PlaygroundPage.open(session.context, link);
    try {
      await replay.page.getByTestId('replay-notice').waitFor();
      expect(await replay.page.getByTestId('replay-notice').textContent()).toMatch(/Replaying a shared run/);
      const started = Date.now();
      await replay.page.getByTestId('skip-replay').click();
      await replay.waitForEnd(20_000);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(await replay.page.getByTestId('replay-notice').count()).toBe(0);
      expect(replay.errors).toEqual([]);
    } finally {
      await replay.page.close();
    }
  });

  it('exports the logits, the top 5 and the timeline as CSV, as the JSON has them', async () => {
    await playground.setMaxTokens(10);
    await playground.setPaceStep(10);
    await playground.stepTo(3);
    await playground.setMode('angry', 'ban');
    await playground.setRange('boost <happy>', 2.5);
    await playground.resume();
    await playground.waitForEnd();
    const transcript = await playground.exportTranscript();
    const tokens = parseCsv(await playground.exportCsv());
    const tags = transcript.tags.length;
    expect(tokens[0].slice(5 + tags, 5 + 2 * tags)).toEqual(transcript.tags.map((t) => `logit_${t}`));
    expect(tokens[0].slice(5 + 2 * tags)).toEqual([
      ...[1, 2, 3, 4, 5].flatMap((r) => [`top${r}_id`, `top${r}_text`, `top${r}_p`]),
      'kl',
      'kl_sum',
    ]);
    expect(tokens).toHaveLength(transcript.tokens.length + 1);
    transcript.tokens.forEach((token, i) => {
      const row = tokens[i + 1];
      expect(row[2]).toBe(token.text);
      expect(row.slice(5 + tags, 5 + 2 * tags).map(Number)).toEqual(token.tagLogits);
      const top = row.slice(5 + 2 * tags, -2);
      expect(Number(row.at(-2))).toBe(token.kl);
      expect(top.filter((_, k) => k % 3 !== 1).map(Number)).toEqual(token.top.flatMap((t) => [t.token, t.prob]));
      // The picked token is among the alternatives, named as the stream names it.
      const picked = token.top.findIndex((t) => t.token === token.token);
      if (picked >= 0 && !token.inserted) expect(top[3 * picked + 1]).toBe(token.text);
    });
    expect(parseCsv(await playground.exportTimelineCsv())).toEqual([
      ['token_index', 'change', 'tag', 'mode', 'boost', 'alarm', 'threshold'],
      ['3', 'mode', 'angry', 'ban', '', '', ''],
      ['3', 'boost', 'happy', '', '2.5', '', ''],
    ]);
    await playground.page.getByTestId('reset-tags').click();
  });

  it('broke no rule of the Content-Security-Policy, and fetched nothing from another origin', () =>
    expectNothingBroken(session, playground.errors));
});
