import { beforeAll, describe, expect, it } from 'vitest';
import { generateSamples, labelShare, modelTagShare, type Sample } from '../../models/recipe/control';
import { OPENINGS } from '../../models/recipe/prompts';
import { loadNodeModel, loadTagger } from '../../models/recipe/load-node';
import type { LoadedModel } from '../../src/model/causal-lm';
import type { Policy } from '../../src/steering/policy';
import type { Tagger } from '../../src/tagger/index';

// A short run of the full evaluation (npm run model:eval) on the committed model, small enough for CI.
const SAMPLES = 16;
const TOKENS = 80;

describe('control smoke run on the committed model', () => {
  let model: LoadedModel;
  let tagger: Tagger;
  const run = (prompt: string, policy: Policy): Promise<Sample[]> =>
    generateSamples(model, tagger, { prompt, policy, samples: SAMPLES, tokens: TOKENS, firstSeed: 1 });

  beforeAll(async () => {
    model = await loadNodeModel();
    tagger = loadTagger();
  });

  it('forcing <happy> makes the model tag every sentence happy, and the tagger agrees more often than in free text', async () => {
    const free = await run('<story>', {});
    const forced = await run('<story>', { happy: { mode: 'force', boost: 0 } });
    expect(labelShare(forced, 'happy').sentences).toBeGreaterThan(SAMPLES);
    expect(modelTagShare(forced, 'happy')).toBe(1);
    expect(labelShare(forced, 'happy').share).toBeGreaterThan(labelShare(free, 'happy').share);
  });

  it('banning <angry> after an angry opening removes the <angry> tags the model writes without the ban', async () => {
    const free = await run(OPENINGS.angry, {});
    const banned = await run(OPENINGS.angry, { angry: { mode: 'ban', boost: 0 } });
    expect(modelTagShare(free, 'angry')).toBeGreaterThan(0);
    expect(banned.every((s) => !s.text.includes('<angry>'))).toBe(true);
    expect(modelTagShare(banned, 'angry')).toBe(0);
    expect(labelShare(banned, 'angry').sentences).toBeGreaterThan(SAMPLES);
  });

  it('forcing <rude> flags sentences the model leaves unflagged on its own, and the text goes on from the flag', async () => {
    // The hook guarantees the flag after each sampled emotion tag; the test checks what it cannot
    // guarantee: that the model does not flag most sentences by itself, and that the text changes after the flag.
    const free = await run('<comment>', {});
    const forced = await run('<comment>', { rude: { mode: 'force', boost: 0 } });
    expect(labelShare(free, 'rude').sentences).toBeGreaterThan(0);
    expect(modelTagShare(free, 'rude')).toBeLessThan(0.5);
    expect(modelTagShare(forced, 'rude')).toBe(1);
    const changed = forced.filter((s, i) => s.text.replaceAll('<rude>', '') !== free[i].text.replaceAll('<rude>', ''));
    expect(changed.length).toBeGreaterThan(SAMPLES / 2);
  });
});
