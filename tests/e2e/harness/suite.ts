import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTagGroups } from '../../../models/recipe/load-node';
import { encodeShareState } from '../../../src/share/codec';
import { defaultShareState } from '../../../src/share/defaults';
import type { ShareState } from '../../../src/share/state';
import { applyChange, ruleOf, type Policy, type PolicyChange } from '../../../src/steering/policy';
import { groupMembersOf, sentenceTags } from '../../../src/steering/tags';
import type { Transcript } from '../../../src/transcript/types';
import type { TokenStep } from '../../../src/worker/api';
import type { BackendUnderTest } from './browser';
import { PlaygroundPage } from './playground';
import { startSession, type Session } from './session';
import type { StaticSite } from './session';

export interface Budget {
  /** New tokens per run: WebGPU under SwiftShader manages about three a second, so it gets few. */
  tokens: number;
  /** Tokens generated before a change is made mid-stream. */
  changeAfter: number;
  /** Pace slider position for runs that are changed mid-stream (see `PlaygroundPage.setPaceStep`). */
  paceStep: number;
  /**
   * Sampled emotion tags required after each ban, force or boost, so that the check has something to
   * check: at least one, found for short runs by choosing `seed` and `prompts`.
   */
  sentenceStartsAfter: number;
  /** The seed of the ban, force and boost runs. */
  seed: number;
  /** The prompts of the ban run, and of the force and boost runs. */
  prompts: { ban: string; steer: string };
  /** Where to save a screenshot of the playground after the ban, for the README. */
  screenshot?: string;
}

const GROUPS = readTagGroups();
/** The tags that open a sentence, from the model's vocabulary. */
const SENTENCE_TAGS = new Set(sentenceTags(GROUPS).opening.map((name) => `<${name}>`));

const entryOf = (transcript: Transcript, matches: (change: PolicyChange) => boolean) => {
  const entry = transcript.state.timeline.find((e) => matches(e.change));
  expect(entry, 'the change is in the recorded timeline').toBeDefined();
  return entry!;
};

/** A change made mid-stream: after the run began, and before its last token. */
function expectMidStream(tokenIndex: number, transcript: Transcript) {
  expect(tokenIndex).toBeGreaterThan(0);
  expect(tokenIndex).toBeLessThan(transcript.tokens.length);
}

const sampledEmotionTags = (tokens: TokenStep[]) => tokens.filter((t) => SENTENCE_TAGS.has(t.text) && !t.inserted);

/**
 * The test's own replay of the recorded timeline, independent of the page: the policy in force for each
 * token (by its policy version) is what the token says the hook applied, and no token was sampled as
 * `<tag>` while that policy banned the tag.
 */
function expectBanHeld(transcript: Transcript, tag: string) {
  const members = groupMembersOf(GROUPS);
  let applied: Policy | undefined;
  for (const token of transcript.tokens) {
    const policy = transcript.state.timeline
      .slice(0, token.policyVersion)
      .reduce((p, e) => applyChange(p, e.change, members), transcript.state.initialPolicy);
    applied = token.applied ?? applied;
    expect(applied, `what token ${token.index} says the hook applied`).toEqual(policy);
    if (ruleOf(policy, tag).mode === 'ban' && !token.inserted)
      expect(token.text, `token ${token.index}`).not.toBe(`<${tag}>`);
  }
}

/**
 * The end-to-end scenarios of issue 3, run against the built site and the real committed model in
 * Debian's Chromium, on one backend.
 */
export function playgroundSuite(backend: BackendUnderTest, budget: Budget): void {
  describe(`the playground on ${backend}`, () => {
    let site: StaticSite;
    let context: BrowserContext;
    let playground: PlaygroundPage;
    let banned: { transcript: Transcript; link: string } | null = null;
    let session: Session;
    /** The page's address; WebGPU is asked for in it, as the only adapter here is SwiftShader's, which the page would pass over. */
    let pageUrl: string;

    beforeAll(async () => {
      session = await startSession(backend);
      ({ site, context } = session);
      pageUrl = backend === 'webgpu' ? `${site.url}?backend=webgpu` : site.url;
    });

    afterAll(async () => {
      await session?.close();
    });

    it('loads the model on the expected backend, streams text and fills the chart', async () => {
      playground = await PlaygroundPage.open(context, pageUrl);
      expect(await playground.backend()).toBe(backend);
      await expect(playground.badge.textContent()).resolves.toMatch(
        backend === 'webgpu' ? /WebGPU as asked, on a software adapter/ : /WASM.*no WebGPU/,
      );

      await playground.setMaxTokens(budget.tokens);
      await playground.setPaceStep(budget.paceStep);
      await playground.generate();
      await playground.waitForTokens(2);
      // Text is on the page while the model is still writing: it streams.
      expect(await playground.page.getByTestId('run-status').getAttribute('data-ended')).toBe('');
      expect(['max-tokens', 'end-of-text']).toContain(await playground.waitForEnd());

      const count = await playground.tokenCount();
      expect(count).toBeGreaterThan(2);
      await expect.poll(() => playground.chartPoints()).toBe(count);
      const stream = (await playground.page.getByTestId('stream').textContent()) ?? '';
      expect(stream.length).toBeGreaterThan(defaultShareState().prompt.length);

      // The cross-check marks exactly the sentences it counts as disagreeing.
      const agreement = (await playground.page.getByTestId('agreement').textContent()) ?? '';
      const counts = /\((\d+) of (\d+) sentences\)/.exec(agreement);
      const marks = await playground.page.getByTestId('disagreement').count();
      if (counts) expect(marks).toBe(Number(counts[2]) - Number(counts[1]));
      else expect(agreement).toMatch(/No finished sentence yet/);
    });

    it('bans <angry> mid-stream: none is sampled after the recorded index, and its pre-ban probability is still recorded', async () => {
      await playground.setPrompt(budget.prompts.ban);
      await playground.setSeed(budget.seed);
      await playground.setRange('Temptation threshold', 0.01);
      await playground.stepTo(budget.changeAfter);
      await playground.setMode('angry', 'ban');
      await playground.resume();
      await playground.waitForEnd();

      const transcript = await playground.exportTranscript();
      const ban = entryOf(transcript, (c) => c.kind === 'mode' && c.tag === 'angry' && c.mode === 'ban');
      expectMidStream(ban.tokenIndex, transcript);
      expect(ban.tokenIndex).toBe(budget.changeAfter);
      const angry = transcript.tags.indexOf('angry');
      const after = transcript.tokens.filter((t) => t.index >= ban.tokenIndex);
      expect(after.length).toBeGreaterThan(0);
      expect(sampledEmotionTags(after).length).toBeGreaterThanOrEqual(budget.sentenceStartsAfter);
      expect(after.filter((t) => t.text === '<angry>')).toEqual([]);
      expectBanHeld(transcript, 'angry');
      for (const token of after) {
        expect(token.tagProbs[angry]).toBeGreaterThan(0);
        expect(token.policyVersion).toBeGreaterThan(transcript.state.timeline.indexOf(ban));
      }

      // The temptation counter and marks agree with the recorded pre-ban probabilities.
      const tempted = after.filter((t) => t.tagProbs[angry] > 0.01).length;
      const summary = (await playground.page.getByTestId('temptation').textContent()) ?? '';
      expect(summary).toMatch(tempted > 0 ? new RegExp(`Tempted ${tempted}×`) : /No banned tag passed/);
      await expect.poll(() => playground.page.locator('[data-testid=token].tempted').count()).toBe(tempted);

      const csv = await playground.exportCsv();
      expect(csv.split('\r\n')[0]).toBe(
        [
          'index',
          'token_id',
          'text',
          'inserted',
          'policy_version',
          ...transcript.tags.map((t) => `p_${t}`),
          ...transcript.tags.map((t) => `logit_${t}`),
          ...[1, 2, 3, 4, 5].flatMap((rank) => [`top${rank}_id`, `top${rank}_text`, `top${rank}_p`]),
          'kl',
          'kl_sum',
        ].join(','),
      );
      expect(csv.trimEnd().split('\r\n')).toHaveLength(transcript.tokens.length + 1);

      if (budget.screenshot) {
        // The whole stream in view, and the chart's cursor on the first token after the ban where the model was tempted by <angry>, its legend showing that token's share of each sentence tag.
        await playground.page.mouse.move(0, 0);
        await playground.page.getByTestId('token-popover').waitFor({ state: 'detached' });
        const shown = after.find((t) => t.tagProbs[angry] > 0.01) ?? after[0];
        const box = await playground.page.locator('[data-testid=chart] .u-over').boundingBox();
        if (box)
          await playground.page.mouse.move(
            box.x + (box.width * shown.index) / Math.max(1, transcript.tokens.length - 1),
            box.y + box.height / 2,
          );
        await mkdir(dirname(budget.screenshot), { recursive: true });
        await playground.page.screenshot({ path: budget.screenshot, fullPage: true });
        await playground.page.mouse.move(0, 0);
      }
      banned = { transcript, link: await playground.copyShareLink() };
    });

    it('replays a copied share link exactly in a new page, controls included', async () => {
      expect(banned, 'the ban scenario ran first').not.toBeNull();
      const { transcript, link } = banned!;
      expect(link.startsWith(`${pageUrl}#s=`)).toBe(true);
      const replay = await PlaygroundPage.open(context, link);
      try {
        expect(await replay.waitForEnd()).toBe(transcript.stopped);
        const replayed = await replay.exportTranscript();
        expect(replayed.tokens.map((t) => t.token)).toEqual(transcript.tokens.map((t) => t.token));
        expect(replayed.state.timeline).toEqual(transcript.state.timeline);
        expect(await replay.page.getByTestId('prompt').inputValue()).toBe(transcript.state.prompt);
        expect(await replay.page.getByTestId('seed').inputValue()).toBe(String(transcript.state.seed));
        expect(await replay.page.getByTestId('tag-row-angry').getAttribute('data-mode')).toBe('ban');
      } finally {
        await replay.page.close();
      }
    });

    it('forces <angry> mid-stream, and inserts it as the very next token', async () => {
      await playground.page.getByTestId('reset-tags').click();
      await playground.setPrompt(budget.prompts.steer);
      await playground.stepTo(budget.changeAfter);
      await playground.setMode('angry', 'force');
      await playground.insertNow('angry');
      await playground.resume();
      await playground.waitForEnd();

      const transcript = await playground.exportTranscript();
      const force = entryOf(transcript, (c) => c.kind === 'mode' && c.tag === 'angry' && c.mode === 'force');
      const insert = entryOf(transcript, (c) => c.kind === 'insert' && c.tag === 'angry');
      expectMidStream(force.tokenIndex, transcript);
      expect(force.tokenIndex).toBe(budget.changeAfter);
      expect(insert.tokenIndex).toBeGreaterThanOrEqual(force.tokenIndex);
      const inserted = transcript.tokens[insert.tokenIndex];
      expect(inserted.text).toBe('<angry>');
      expect(inserted.inserted).toBe(true);
      const forced = sampledEmotionTags(transcript.tokens.filter((t) => t.index >= force.tokenIndex));
      expect(forced.length).toBeGreaterThanOrEqual(budget.sentenceStartsAfter);
      for (const token of forced) expect(token.text).toBe('<angry>');
    });

    it('boosts <angry> mid-stream, and the model then picks it at sentence starts', async () => {
      await playground.page.getByTestId('reset-tags').click();
      await playground.stepTo(budget.changeAfter);
      await playground.setRange('boost <angry>', 10);
      await playground.resume();
      await playground.waitForEnd();

      const transcript = await playground.exportTranscript();
      const boost = entryOf(transcript, (c) => c.kind === 'boost' && c.tag === 'angry');
      expect(boost.change).toEqual({ kind: 'boost', tag: 'angry', boost: 10 });
      expectMidStream(boost.tokenIndex, transcript);
      expect(boost.tokenIndex).toBe(budget.changeAfter);
      const tags = sampledEmotionTags(transcript.tokens.filter((t) => t.index >= boost.tokenIndex));
      expect(tags.length).toBeGreaterThanOrEqual(budget.sentenceStartsAfter);
      const angry = tags.filter((t) => t.text === '<angry>').length;
      expect(angry).toBeGreaterThanOrEqual(Math.ceil(tags.length * 0.8));
      expect(await playground.page.getByTestId('tag-row-angry').getAttribute('data-boost')).toBe('10');
    });

    it('keeps every one of many quick toggles, in order, applied from the next token', async () => {
      await playground.page.getByTestId('reset-tags').click();
      // A slow pace and room for more tokens keep the run going while the keys are pressed; it is stopped by hand.
      await playground.setPaceStep(3);
      await playground.setMaxTokens(budget.tokens + 40);
      await playground.generate();
      await playground.waitForTokens(budget.changeAfter);
      // Key 3 toggles the ban on the third tag, <angry>: 25 presses as fast as the keyboard goes.
      const presses = 25;
      for (let i = 0; i < presses; i++) await playground.page.keyboard.press('Digit3');
      await playground.waitForTokens((await playground.tokenCount()) + 2);
      await playground.page.getByTestId('stop').click();
      expect(await playground.waitForEnd()).toBe('user');

      const transcript = await playground.exportTranscript();
      const toggles = transcript.state.timeline.filter((e) => e.change.kind === 'mode' && e.change.tag === 'angry');
      expect(toggles.map((e) => (e.change.kind === 'mode' ? e.change.mode : null))).toEqual(
        Array.from({ length: presses }, (_, i) => (i % 2 === 0 ? 'ban' : 'allow')),
      );
      toggles.forEach((e, i) => i > 0 && expect(e.tokenIndex).toBeGreaterThanOrEqual(toggles[i - 1].tokenIndex));
      expectMidStream(toggles[0].tokenIndex, transcript);
      expectBanHeld(transcript, 'angry');
      expect(await playground.page.getByTestId('tag-row-angry').getAttribute('data-mode')).toBe('ban');
    });

    it('pauses, steps one token, resumes, stops, and regenerates from a chosen token', async () => {
      await playground.page.getByTestId('reset-tags').click();
      await playground.setPaceStep(3);
      await playground.setMaxTokens(budget.tokens + 40);
      await playground.generate();
      await playground.waitForTokens(3);
      await playground.page.getByTestId('pause').click();
      await playground.page.getByTestId('resume').waitFor();
      const paused = await playground.tokenCount();
      await playground.page.waitForTimeout(800);
      expect(await playground.tokenCount()).toBe(paused);

      await playground.page.getByTestId('step').click();
      await playground.waitForTokens(paused + 1);
      await playground.page.waitForTimeout(800);
      expect(await playground.tokenCount()).toBe(paused + 1);
      expect(await playground.page.getByTestId('run-status').textContent()).toMatch(/^Paused/);

      await playground.page.getByTestId('resume').click();
      await playground.waitForTokens(paused + 3);
      await playground.page.getByTestId('stop').click();
      expect(await playground.waitForEnd()).toBe('user');

      const transcript = await playground.exportTranscript();
      // Tokens are reached with the keyboard too: Tab lands on one, arrow keys move along the text.
      const from = 2;
      await playground.page.getByTestId('token').first().focus();
      for (let i = 0; i < from; i++) await playground.page.keyboard.press('ArrowRight');
      const details = playground.page.getByRole('dialog', { name: `Token ${from} details` });
      await details.waitFor();
      await details.getByRole('button', { name: 'Regenerate from here' }).click();
      const expected =
        transcript.state.prompt +
        transcript.tokens
          .slice(0, from)
          .map((t) => t.text)
          .join('');
      expect(await playground.page.getByTestId('prompt').inputValue()).toBe(expected);
      await playground.waitForTokens(1);
      await playground.page.getByTestId('stop').click();
      await playground.waitForEnd();
      expect((await playground.exportTranscript()).state.prompt).toBe(expected);
      await playground.setPaceStep(budget.paceStep);
    });

    it('offers the other backend where it exists', async () => {
      const other = playground.page.getByRole('button', {
        name: backend === 'webgpu' ? 'Use WASM instead' : 'Use WebGPU instead',
      });
      if (backend === 'wasm') {
        expect(await other.isDisabled()).toBe(true);
        return;
      }
      await other.click();
      await playground.page.locator('[data-testid=backend-badge][data-backend=wasm]').waitFor({ timeout: 120_000 });
      expect(await playground.badge.textContent()).toMatch(/WASM chosen by you/);
      await playground.stepTo(1);
    });

    it('opens a malformed link with a clear message and the default settings', async () => {
      const broken = await PlaygroundPage.open(context, `${pageUrl}#s=this-is-not-a-link`);
      try {
        const notice = broken.page.getByTestId('link-notice');
        await expect(notice.textContent()).resolves.toMatch(/damaged|could not/);
        await expect(notice.textContent()).resolves.toMatch(/default settings/);
        const defaults = defaultShareState();
        expect(await broken.page.getByTestId('prompt').inputValue()).toBe(defaults.prompt);
        expect(await broken.page.getByTestId('seed').inputValue()).toBe(String(defaults.seed));
        expect(await broken.page.getByTestId('run-status').textContent()).toBe('Not started');
        expect(await broken.page.getByTestId('generate').isEnabled()).toBe(true);

        // Links pasted into the open page are read too: one from a future version, one naming an unknown tag.
        const future = { ...defaults, version: 99 } as unknown as ShareState;
        await broken.page.evaluate((hash) => (location.hash = hash), `#s=${encodeShareState(future)}`);
        await expect.poll(() => notice.textContent()).toMatch(/version 99/);
        const unknownTag = { ...defaults, initialPolicy: { furious: { mode: 'ban', boost: 0 } } } as ShareState;
        await broken.page.evaluate((hash) => (location.hash = hash), `#s=${encodeShareState(unknownTag)}`);
        await expect.poll(() => notice.textContent()).toMatch(/<furious>/);
        expect(await broken.page.getByTestId('prompt').inputValue()).toBe(defaults.prompt);
      } finally {
        await broken.page.close();
      }
    });

    it('fetched nothing from another origin, and broke no rule of the Content-Security-Policy', () => {
      expect(session.foreign).toEqual([]);
      expect(session.cspReports).toEqual([]);
    });
  });
}
