import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedModel } from '../../src/model/causal-lm';
import type { Policy } from '../../src/steering/policy';
import { DEFAULT_SAMPLING } from '../../src/steering/sampler';
import { encodePrompt, generate, realModel } from './support/real-model';

const SAMPLES = 24;
const TOKENS = 96;
/** Shares of tagged sentence starts may differ by this much between two policies (sampling noise on a few hundred starts). */
const TOLERANCE = 0.06;

/** A token whose text ends a sentence: ., ! or ?, maybe followed by a closing quote. */
const ENDS_SENTENCE = /[.!?]["”']?\s*$/;

/**
 * On the committed model: of the tokens that follow the end of a sentence, the share that is an
 * emotion tag (the model starts each sentence of its text with one); and of the emotion tags it
 * writes, the share that follows the end of a sentence rather than sitting inside one.
 */
async function taggedStartShare(model: LoadedModel, policy: Policy) {
  const emotions = new Set(model.groups.find((g) => g.name === 'emotion')!.tags.map((t) => t.id));
  const texts = new Map<number, string>();
  const textOf = (id: number) => texts.get(id) ?? texts.set(id, model.tokenizer.decode([id])).get(id)!;
  let starts = 0;
  let tagged = 0;
  let tags = 0;
  let tagsAtStarts = 0;
  for (let seed = 1; seed <= SAMPLES; seed++) {
    const steps = await generate(model, {
      promptIds: encodePrompt(model, '<story>'),
      seed,
      sampling: DEFAULT_SAMPLING,
      maxNewTokens: TOKENS,
      initialPolicy: policy,
    });
    for (let i = 1; i < steps.length; i++) {
      const atStart = ENDS_SENTENCE.test(textOf(steps[i - 1].token));
      if (emotions.has(steps[i].token)) {
        tags++;
        if (atStart) tagsAtStarts++;
      }
      if (steps[i].token === model.lm.endOfText || !atStart) continue;
      starts++;
      if (emotions.has(steps[i].token)) tagged++;
    }
  }
  return { share: tagged / starts, starts, atStarts: tagsAtStarts / tags };
}

describe('a ban or a boost changes which tag starts a sentence, never whether one starts', () => {
  let model: LoadedModel;
  let free: Awaited<ReturnType<typeof taggedStartShare>>;

  beforeAll(async () => {
    model = await realModel();
    free = await taggedStartShare(model, {});
  });

  it.each<[string, Policy]>([
    ['banning <neutral>, the most common tag', { neutral: { mode: 'ban', boost: 0 } }],
    ['banning <happy>', { happy: { mode: 'ban', boost: 0 } }],
    ['boosting <angry> by +10', { angry: { mode: 'allow', boost: 10 } }],
  ])('%s keeps the share of sentence starts that carry a tag, and of tags that start a sentence', async (_, policy) => {
    const steered = await taggedStartShare(model, policy);
    console.log(
      `tagged sentence starts: free ${free.share.toFixed(3)} of ${free.starts}, ${JSON.stringify(policy)} ` +
        `${steered.share.toFixed(3)} of ${steered.starts}; tags at a start ${free.atStarts.toFixed(3)}, ${steered.atStarts.toFixed(3)}`,
    );
    expect(free.starts).toBeGreaterThan(100);
    expect(steered.starts).toBeGreaterThan(100);
    expect(Math.abs(steered.share - free.share)).toBeLessThan(TOLERANCE);
    expect(Math.abs(steered.atStarts - free.atStarts)).toBeLessThan(TOLERANCE);
  });
});
