import LZString from 'lz-string';
import { describe, expect, it } from 'vitest';
import { PlaygroundPage } from './harness/playground';
import { playgroundSession } from './harness/playground-session';
import { expectNothingBroken } from './harness/session';

const PROMPT = '<story><happy>Once upon a time';

describe('the same randomness at every step, on WASM', () => {
  const fixture = playgroundSession('wasm');

  it('a ban of a tag the model was not choosing leaves the text as it was up to where the tag was chosen', async () => {
    const tagNames = await fixture.playground.page
      .locator('[data-testid^=tag-row-]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')!.replace('tag-row-', '')));
    await fixture.playground.setPrompt(PROMPT);
    await fixture.playground.setMaxTokens(80);
    await fixture.playground.setPaceStep(9);
    await fixture.playground.setSeed(3);
    await fixture.playground.generate();
    await fixture.playground.waitForEnd();
    const free = (await fixture.playground.exportTranscript()).tokens;
    const texts = free.map((t) => t.text);
    // The first tag the model chose after the first generated token: it was not choosing it until then.
    const at = texts.findIndex((text, i) => i > 0 && tagNames.includes(text.slice(1, -1)) && /^<.+>$/.test(text));
    expect(at).toBeGreaterThan(0);
    const tag = texts[at].slice(1, -1);

    await fixture.playground.setMode(tag, 'ban');
    await fixture.playground.generate();
    await fixture.playground.waitForEnd();
    const banned = (await fixture.playground.exportTranscript()).tokens;
    expect(banned.slice(0, at).map((t) => t.token)).toEqual(free.slice(0, at).map((t) => t.token));
    expect(banned[at].text).not.toBe(`<${tag}>`);
    await fixture.playground.setMode(tag, 'allow');
  });

  it('opens a link of the earlier sampler with its settings and a message, and replays nothing', async () => {
    const old = {
      version: 1,
      prompt: '<story><sad>The rain fell all day.',
      seed: 7,
      sampling: { temperature: 0.8, topK: 40, topP: 0.95 },
      maxNewTokens: 30,
      initialPolicy: { angry: { mode: 'ban', boost: 0 } },
      timeline: [],
      pace: 12,
    };
    const link = `${fixture.session.site.url}#s=${LZString.compressToEncodedURIComponent(JSON.stringify(old))}`;
    const opened = await PlaygroundPage.open(fixture.session.context, link);
    try {
      await opened.page.getByTestId('link-notice').waitFor();
      expect(await opened.page.getByTestId('link-notice').textContent()).toMatch(
        /made with an earlier version of tagplay's sampler/,
      );
      expect(await opened.page.getByTestId('prompt').inputValue()).toBe(old.prompt);
      expect(await opened.page.getByTestId('seed').inputValue()).toBe('7');
      expect(await opened.page.getByTestId('tag-row-angry').getAttribute('data-mode')).toBe('ban');
      expect(await opened.tokenCount()).toBe(0);
      expect(opened.errors).toEqual([]);
    } finally {
      await opened.page.close();
    }
  });

  it('broke no rule of the Content-Security-Policy, and fetched nothing from another origin', () =>
    expectNothingBroken(fixture.session, fixture.playground.errors));
});
