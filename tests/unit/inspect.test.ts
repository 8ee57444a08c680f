import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agreementOf } from '../../src/inspect/agreement';
import { expectations, windowsOver } from '../../src/inspect/expectations';
import { inspectModel, inspectText } from '../../src/inspect/inspect';
import { MAX_CHARACTERS, prepareText } from '../../src/inspect/prepare';
import type { TagGroup } from '../../src/steering/tags';
import { loadNodeModel, loadTagger } from '../../models/recipe/load-node';

describe('windows over a text longer than the context', () => {
  it('answer for every position exactly once, within the context, with the overlap as context', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 8, max: 512 }),
        fc.nat(),
        (length, maxLength, o) => {
          const overlap = o % maxLength;
          const windows = windowsOver(length, maxLength, overlap);
          let next = 0;
          for (const w of windows) {
            expect(w.from).toBe(next);
            expect(w.end - w.start).toBeLessThanOrEqual(maxLength);
            expect(w.end).toBeGreaterThan(w.from);
            expect(w.from - w.start).toBe(Math.min(overlap, w.from));
            next = w.end;
          }
          expect(next).toBe(length);
        },
      ),
    );
  });
});

const GROUP: TagGroup = {
  name: 'emotion',
  opens: 'sentence',
  tags: [
    { name: 'calm', id: 1 },
    { name: 'cross', id: 2 },
  ],
};
const VOCAB = 8;

/** Each row's logits come from the token it reads: tag 1 gets that token's id, tag 2 twice it, the rest 0. */
async function byLastToken(ids: number[]): Promise<Float32Array> {
  const rows = new Float32Array(ids.length * VOCAB);
  ids.forEach((id, r) => {
    rows[r * VOCAB + 1] = id / 4;
    rows[r * VOCAB + 2] = id / 2;
  });
  return rows;
}

describe("the model's expectations along a text", () => {
  it('reads each tag from the row before it, within its group and as a share of everything', async () => {
    const ids = [7, 1, 5, 6, 2, 3];
    const { forecasts, startProbability } = await expectations(ids, GROUP, byLastToken, { maxLength: 64, overlap: 16 });
    expect(forecasts.map((f) => [f.position, f.actual])).toEqual([
      [1, 'calm'],
      [4, 'cross'],
    ]);
    // Position 4 is read from the row of token 6: logits 1.5 and 3 for the two tags, 0 for the other six.
    const [a, b] = [Math.exp(1.5), Math.exp(3)];
    expect(forecasts[1].probabilities[0]).toBeCloseTo(a / (a + b), 12);
    expect(forecasts[1].probabilities[1]).toBeCloseTo(b / (a + b), 12);
    expect(startProbability[4]).toBeCloseTo((a + b) / (a + b + 6), 6);
    expect(startProbability[0]).toBe(0);
  });

  it('gives the same answers window by window as in one pass, when each row depends on its own token alone', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => (i % 7 === 3 ? 1 + (i % 2) : 3 + (i % 5)));
    const whole = await expectations(ids, GROUP, byLastToken, { maxLength: 400, overlap: 16 });
    const slid = await expectations(ids, GROUP, byLastToken, { maxLength: 50, overlap: 16 });
    expect(whole.windows).toBe(1);
    expect(slid.windows).toBeGreaterThan(5);
    expect(slid.forecasts.map((f) => f.position)).toEqual(whole.forecasts.map((f) => f.position));
    slid.startProbability.forEach((p, i) => expect(p).toBeCloseTo(whole.startProbability[i], 6));
  });
});

describe('agreement with the tagger', () => {
  it('counts the confusion, precision, recall, F1 and calibration by hand', () => {
    const f = (actual: string, calm: number) => ({ position: 0, actual, probabilities: [calm, 1 - calm] });
    // Model's top: calm (0.9), calm (0.7), cross (0.8), calm (0.6).
    const a = agreementOf([f('calm', 0.9), f('cross', 0.7), f('cross', 0.2), f('calm', 0.6)], ['calm', 'cross'], 10);
    expect(a.confusion).toEqual([
      [2, 0],
      [1, 1],
    ]);
    expect(a.agreement).toBe(0.75);
    expect(a.perTag[0]).toMatchObject({ tag: 'calm', support: 2, precision: 2 / 3, recall: 1 });
    expect(a.perTag[0].f1).toBeCloseTo(0.8, 12);
    expect(a.perTag[1]).toMatchObject({ tag: 'cross', support: 2, precision: 1, recall: 0.5 });
    // Bins: 0.6 → right, 0.7 → wrong, 0.8 → right, 0.9 → right: each alone, |acc − conf| 0.4, 0.7, 0.2, 0.1.
    expect(a.calibration.filter((b) => b.count > 0).map((b) => b.from)).toEqual([0.6, 0.7, 0.8, 0.9]);
    expect(a.ece).toBeCloseTo((0.4 + 0.7 + 0.2 + 0.1) / 4, 12);
  });
});

describe('a text prepared as the training text was', () => {
  const tagger = loadTagger();
  const names = ['story', 'happy', 'sad', 'angry', 'scared', 'surprised', 'disgusted', 'neutral', 'rude'];

  it('takes typed tags out, counts them, and lets the tagger place every tag', () => {
    const prepared = prepareText('<angry>Tom was angry. <happy>He <b>stomped</b> his feet.', tagger, names);
    expect(prepared.removedTags).toBe(2);
    expect(prepared.tagged.startsWith('<story>')).toBe(true);
    expect(prepared.sentences.map((s) => s.text.trim())).toEqual(['Tom was angry.', 'He <b>stomped</b> his feet.']);
    expect(prepared.tagged).toContain('<angry>Tom was angry.');
  });

  it('refuses an empty text, a text of typed tags only and a text over the limit, saying why', () => {
    expect(() => prepareText('   ', tagger, names)).toThrow(/no text to inspect/);
    expect(() => prepareText('<angry><sad>', tagger, names)).toThrow(/no sentences once its typed tags/);
    expect(() => prepareText('a'.repeat(MAX_CHARACTERS + 1), tagger, names)).toThrow(/at most 20,000/);
  });
});

describe('inspecting a text with the committed model', () => {
  it('gives every sentence a forecast whose probabilities sum to 1, and slides over a text longer than the context', async () => {
    const loaded = await loadNodeModel(1);
    const model = inspectModel(loaded, (id) => loaded.tokenizer.decode([id]));
    const tagger = loadTagger();
    const story = 'Dad was angry. He took Lily and Ben out of the box. Mom was shocked. She hugged them. ';
    const short = await inspectText(story, tagger, model);
    expect(short.windows).toBe(1);
    expect(short.sentences).toHaveLength(4);
    for (const s of short.sentences) expect(s.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(short.tokens.length).toBeGreaterThan(20);
    const long = await inspectText(story.repeat(30), tagger, model);
    expect(long.windows).toBeGreaterThan(1);
    expect(long.sentences).toHaveLength(120);
    expect(long.agreement.sentences).toBe(120);
  });
});
