import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShareState } from '../../src/share/state';
import type { Transcript } from '../../src/transcript/types';
import { shareHash } from '../../src/ui/share-link';
import { PlaygroundPage } from './harness/playground';
import { startSession, type Session } from './harness/session';

// The playground's angry example, cut mid-sentence so that the first token is no sentence start: with <angry>
// banned, the model reaches for it at the sentence starts that follow.
const PROMPT = '<story><angry>Max was very angry because his brother broke his';
const percent = (p: number) => `${(p * 100).toFixed(1)}%`;

describe('the alarm, on WASM', () => {
  let session: Session;
  let playground: PlaygroundPage;
  /** The run that only marked temptation, and the pre-ban probability of <angry> at each of its steps. */
  let marked: Transcript;
  let angry: number[];
  /** A threshold on the slider's steps that the run passes, and the first step that passes it. */
  let threshold: number;
  let first: number;

  beforeAll(async () => {
    session = await startSession('wasm');
    playground = await PlaygroundPage.open(session.context, session.site.url);
    await playground.setPrompt(PROMPT);
    await playground.setMaxTokens(60);
    await playground.setPaceStep(9);
    await playground.setSeed(5);
    await playground.setMode('angry', 'ban');
    await playground.generate();
    await playground.waitForEnd();
    marked = await playground.exportTranscript();
    angry = marked.tokens.map((t) => t.tagProbs[marked.tags.indexOf('angry')]);
    // Just under the second strongest temptation, so that at least two steps pass it, and few.
    threshold = Math.floor([...angry].sort((a, b) => b - a)[1] * 100 - 1) / 100;
    first = angry.findIndex((p) => p > threshold);
  });

  afterAll(async () => {
    await session?.close();
  });

  it('marked the temptation and let the run go on', () => {
    expect(marked.state.alarm.action).toBe('mark');
    expect(threshold).toBeGreaterThanOrEqual(0.01);
    expect(first).toBeGreaterThan(0);
    expect(marked.tokens.length).toBeGreaterThan(first + 1);
  });

  it('set to stop, stops at the first step whose pre-ban probability passes the threshold, and names it', async () => {
    await playground.setRange('Temptation threshold', threshold);
    await playground.page.getByTestId('alarm-stop').check();
    await playground.generate();
    expect(await playground.waitForEnd()).toBe('alarm');
    const stopped = await playground.exportTranscript();
    expect(stopped.state.alarm).toEqual({ action: 'stop', threshold });
    expect(stopped.tokens.map((t) => t.token)).toEqual(marked.tokens.slice(0, first + 1).map((t) => t.token));
    const notice = await playground.page.getByTestId('alarm-notice').textContent();
    expect(notice).toContain(`Stopped by the alarm at token ${first + 1}`);
    expect(notice).toContain(`<angry> ${percent(angry[first])} before its ban`);
    expect(notice).toContain(`threshold of ${percent(threshold)}`);
  });

  it('carries the alarm in the share link, whose replay stops at the same token', async () => {
    const opened = await PlaygroundPage.open(session.context, playground.page.url());
    try {
      expect(await opened.waitForEnd()).toBe('alarm');
      expect(await opened.tokenCount()).toBe(first + 1);
      expect(await opened.page.getByTestId('alarm-stop').isChecked()).toBe(true);
      expect(await opened.page.getByTestId('alarm-notice').getAttribute('data-tag')).toBe('angry');
      expect(opened.errors).toEqual([]);
    } finally {
      await opened.page.close();
    }
  });

  it('follows an alarm changed in a shared timeline, and the controls end where the run did', async () => {
    const change = { kind: 'alarm', action: 'stop', threshold } as const;
    const state: ShareState = {
      ...marked.state,
      alarm: { action: 'mark', threshold: 0.5 },
      timeline: [...marked.state.timeline, { tokenIndex: first + 1, change }],
    };
    const opened = await PlaygroundPage.open(session.context, `${session.site.url}${shareHash(state)}`);
    try {
      expect(await opened.waitForEnd()).toBe('alarm');
      const after = angry.findIndex((p, i) => i > first && p > threshold);
      expect(after).toBeGreaterThan(first);
      expect(await opened.tokenCount()).toBe(after + 1);
      expect(await opened.page.getByTestId('alarm-stop').isChecked()).toBe(true);
      expect(Number(await opened.page.getByLabel('Temptation threshold').inputValue())).toBe(threshold);
    } finally {
      await opened.page.close();
    }
  });

  it('set to pause, waits at each step past the threshold and writes the marked run’s text when resumed', async () => {
    await playground.page.getByTestId('alarm-pause').check();
    await playground.generate();
    const passed = angry.flatMap((p, i) => (p > threshold ? [i] : []));
    for (const index of passed) {
      await playground.page.locator(`[data-testid=alarm-notice][data-index="${index}"]`).waitFor();
      expect(await playground.tokenCount()).toBe(index + 1);
      await playground.resume();
    }
    await playground.waitForEnd();
    const resumed = await playground.exportTranscript();
    expect(resumed.tokens.map((t) => t.token)).toEqual(marked.tokens.map((t) => t.token));
  });

  it('broke no rule of the Content-Security-Policy, and fetched nothing from another origin', () => {
    expect(playground.errors).toEqual([]);
    expect(session.cspReports).toEqual([]);
    expect(session.foreign).toEqual([]);
  });
});
