import { describe, expect, it } from 'vitest';
import { Generation, type GenerationSettings, type Step } from '../../src/steering/engine';
import { applyChange, type Policy, type PolicyChange } from '../../src/steering/policy';
import { DEFAULT_SAMPLING } from '../../src/steering/sampler';
import { groupMembersOf } from '../../src/steering/tags';
import { END_OF_TEXT, group, groups, tagId } from './support/fake-vocabulary';
import { HashModel } from './support/hash-model';

const PROMPT = [tagId('story'), tagId('neutral'), 12, 13];
const emotionIds = group('emotion').tags.map((t) => t.id);

function settings(overrides: Partial<GenerationSettings> = {}): GenerationSettings {
  return { promptIds: PROMPT, seed: 7, sampling: DEFAULT_SAMPLING, maxNewTokens: 120, initialPolicy: {}, ...overrides };
}

/** Runs to the end, making the `live` changes just before the token at each index is generated. */
async function run(generation: Generation, live: [number, PolicyChange][] = []): Promise<Step[]> {
  const steps: Step[] = [];
  for (;;) {
    for (const [index, change] of live) if (index === generation.tokens.length) generation.change(change);
    const step = await generation.step();
    if (!step) return steps;
    steps.push(step);
  }
}

const LIVE: [number, PolicyChange][] = [
  [0, { kind: 'mode', tag: 'happy', mode: 'ban' }],
  [3, { kind: 'boost', tag: 'sad', boost: 4 }],
  [7, { kind: 'mode', tag: 'angry', mode: 'force' }],
  [7, { kind: 'insert', tag: 'scared' }],
  [12, { kind: 'reset' }],
  [15, { kind: 'insert', tag: 'rude' }],
  [20, { kind: 'mode', tag: 'rude', mode: 'force' }],
  [30, { kind: 'boost', tag: 'neutral', boost: -3 }],
  [45, { kind: 'mode', tag: 'comment', mode: 'ban' }],
];

describe('Generation', () => {
  it('generates the same steps for the same seed and settings, and others for another seed', async () => {
    const a = await run(new Generation(new HashModel(), groups, settings()));
    const b = await run(new Generation(new HashModel(), groups, settings()));
    const c = await run(new Generation(new HashModel(), groups, settings({ seed: 8 })));
    expect(a).toHaveLength(120);
    expect(b).toEqual(a);
    expect(c.map((s) => s.token)).not.toEqual(a.map((s) => s.token));
  });

  it('replays a recorded timeline exactly as the changes were made live', async () => {
    const live = new Generation(new HashModel(), groups, settings());
    const liveSteps = await run(live, LIVE);
    const replay = new Generation(new HashModel(), groups, settings({ timeline: live.timeline }));
    const replaySteps = await run(replay);
    expect(live.timeline.map((e) => [e.tokenIndex, e.change])).toEqual(LIVE);
    expect(replaySteps).toEqual(liveSteps);
    expect(replay.timeline).toEqual(live.timeline);
  });

  it('replays a timeline given out of order', async () => {
    const live = new Generation(new HashModel(), groups, settings());
    const liveSteps = await run(live, LIVE);
    const shuffled = [...live.timeline].reverse();
    // Entries at the same index must keep their order, so only distinct indices are reversed.
    const byIndex = [...new Set(shuffled.map((e) => e.tokenIndex))].flatMap((i) =>
      live.timeline.filter((e) => e.tokenIndex === i),
    );
    expect(await run(new Generation(new HashModel(), groups, settings({ timeline: byIndex })))).toEqual(liveSteps);
  });

  it('counts the timeline entries in force for each token', async () => {
    const generation = new Generation(new HashModel(), groups, settings());
    const steps = await run(generation, LIVE);
    steps.forEach((s, i) => expect(s.policyVersion).toBe(LIVE.filter(([index]) => index <= i).length));
  });

  it('says what the hook applied on the first step and whenever it changed, equal to a replay of the timeline', async () => {
    const generation = new Generation(new HashModel(), groups, settings());
    const steps = await run(generation, LIVE);
    const members = groupMembersOf(groups);
    let applied: Policy | undefined;
    for (const step of steps) {
      const replayed = generation.timeline
        .slice(0, step.policyVersion)
        .reduce((p, e) => applyChange(p, e.change, members), {} as Policy);
      if (step.applied) expect(step.applied).not.toBe(applied);
      applied = step.applied ?? applied;
      expect(applied, `step ${step.index}`).toEqual(replayed);
    }
    expect(steps[0].applied).toEqual({ happy: { mode: 'ban', boost: 0 } });
    // The insert at 7 and 15 leaves the policy as it was; the other changes each change it once.
    expect(steps.filter((s) => s.applied).map((s) => s.index)).toEqual([0, 3, 7, 12, 20, 30, 45]);
  });

  it('never samples a tag after the change that bans it', async () => {
    const happy = tagId('happy');
    // A model that loves <happy>, so the ban has something to hold back.
    const model = () => new HashModel(1024, (l) => void (l[happy] += 3));
    const free = await run(new Generation(model(), groups, settings()));
    const banned = await run(new Generation(model(), groups, settings()), [
      [10, { kind: 'mode', tag: 'happy', mode: 'ban' }],
    ]);
    expect(free.slice(10).filter((s) => s.token === happy).length).toBeGreaterThan(5);
    expect(banned.slice(10).some((s) => s.token === happy)).toBe(false);
    expect(banned.slice(0, 10)).toEqual(free.slice(0, 10));
  });

  it('puts an inserted tag in as the very next token, and only there', async () => {
    const angry = tagId('angry');
    const steps = await run(new Generation(new HashModel(), groups, settings()), [
      [5, { kind: 'insert', tag: 'angry' }],
      [9, { kind: 'insert', tag: 'rude' }],
    ]);
    expect(steps[5]).toMatchObject({ token: angry, inserted: true });
    expect(steps[9]).toMatchObject({ token: tagId('rude'), inserted: true });
    expect(steps.filter((s) => s.inserted).map((s) => s.index)).toEqual([5, 9]);
  });

  it('applies the policy: a forced emotion is the only one sampled, while the raw probabilities still show the others', async () => {
    const sad = tagId('sad');
    const free = await run(new Generation(new HashModel(), groups, settings()));
    const forced = await run(
      new Generation(new HashModel(), groups, settings({ initialPolicy: { sad: { mode: 'force', boost: 0 } } })),
    );
    const emotionsIn = (steps: Step[]) => steps.map((s) => s.token).filter((t) => emotionIds.includes(t));
    expect(emotionsIn(free).some((t) => t !== sad)).toBe(true);
    expect(emotionsIn(forced).length).toBeGreaterThan(0);
    expect(emotionsIn(forced).every((t) => t === sad)).toBe(true);
    const happyColumn = groups.flatMap((g) => g.tags).findIndex((t) => t.name === 'happy');
    expect(forced.every((s) => s.tagProbs[happyColumn] > 0)).toBe(true);
  });

  it('follows every emotion tag with <rude> when <rude> is forced', async () => {
    const rude = tagId('rude');
    const steps = await run(
      new Generation(new HashModel(), groups, settings({ initialPolicy: { rude: { mode: 'force', boost: 0 } } })),
    );
    const tokens = steps.map((s) => s.token);
    const afterEmotion = tokens.slice(1).filter((_, i) => emotionIds.includes(tokens[i]));
    expect(afterEmotion.length).toBeGreaterThan(0);
    expect(afterEmotion.every((t) => t === rude)).toBe(true);
  });

  describe('a fork: going on from a prefix of a run', () => {
    /** A `HashModel` that records what it was given at each call. */
    class RecordingModel extends HashModel {
      readonly calls: number[][] = [];
      override async next(tokens: number[]): Promise<Float32Array> {
        this.calls.push([...tokens]);
        return super.next(tokens);
      }
    }
    const AT = 17;

    it('under the same policy writes the run itself from there, step for step, reading as the run read', async () => {
      const model = new RecordingModel();
      const original = await run(new Generation(model, groups, settings()));
      const prefix = original.slice(0, AT + 1).map((s) => s.token);
      const forkModel = new RecordingModel();
      const fork = new Generation(forkModel, groups, settings({ prefix }));
      expect(fork.tokens).toEqual(prefix);
      const steps = await run(fork);
      expect(steps[0].index).toBe(AT + 1);
      expect(steps).toEqual(original.slice(AT + 1).map((s, i) => (i === 0 ? { ...s, applied: {} } : s)));
      // The prompt in one call, then a token per call: the same reads, so the same arithmetic on any backend.
      expect(forkModel.calls).toEqual(model.calls);
      expect(steps.every((s) => s.kl === 0)).toBe(true);
    });

    it('under a ban: no banned tag from the fork on, the run itself until the model first picked it', async () => {
      const happy = tagId('happy');
      const model = () => new HashModel(1024, (l) => void (l[happy] += 3));
      const original = await run(new Generation(model(), groups, settings()));
      const prefix = original.slice(0, AT + 1).map((s) => s.token);
      const fork = await run(
        new Generation(model(), groups, settings({ prefix, initialPolicy: { happy: { mode: 'ban', boost: 0 } } })),
      );
      const parts = original.findIndex((s) => s.index > AT && s.token === happy);
      expect(parts).toBeGreaterThan(AT);
      expect(fork.some((s) => s.token === happy)).toBe(false);
      expect(fork.slice(0, parts - AT - 1).map((s) => s.token)).toEqual(
        original.slice(AT + 1, parts).map((s) => s.token),
      );
      expect(fork[parts - AT - 1].token).not.toBe(happy);
      // <happy> always has some probability here, so every step pays for the ban.
      expect(fork.every((s) => s.kl > 0)).toBe(true);
    });

    it('records a change at its own token index, after the prefix', async () => {
      const prefix = [20, 21, 22];
      const fork = new Generation(new HashModel(), groups, settings({ prefix, maxNewTokens: 10 }));
      fork.change({ kind: 'mode', tag: 'sad', mode: 'ban' });
      const steps = await run(fork, [[6, { kind: 'insert', tag: 'angry' }]]);
      expect(fork.timeline.map((e) => e.tokenIndex)).toEqual([3, 6]);
      expect(steps.map((s) => s.index)).toEqual([3, 4, 5, 6, 7, 8, 9]);
      expect(steps[3]).toMatchObject({ token: tagId('angry'), inserted: true });
      // An inserted token costs −log of the probability the model gave it.
      expect(steps[3].kl).toBeGreaterThan(0);
    });

    it('reads the prefix a token at a time with readAhead, and stops at maxNewTokens counting it', async () => {
      const model = new RecordingModel();
      const fork = new Generation(model, groups, settings({ prefix: [20, 21], maxNewTokens: 3 }));
      expect(await fork.readAhead()).toBe(true);
      expect(await fork.readAhead()).toBe(true);
      expect(await fork.readAhead()).toBe(false);
      expect(model.calls).toEqual([PROMPT, [20]]);
      expect((await run(fork)).map((s) => s.index)).toEqual([2]);
      expect(model.calls).toEqual([PROMPT, [20], [21]]);
      expect(fork.stopped).toBe('max-tokens');
    });
  });

  describe('stops', () => {
    it('at maxNewTokens', async () => {
      const generation = new Generation(new HashModel(), groups, settings({ maxNewTokens: 7 }));
      expect(await run(generation)).toHaveLength(7);
      expect(generation.stopped).toBe('max-tokens');
      expect(await generation.step()).toBeNull();
    });

    it('when the context is full', async () => {
      const generation = new Generation(new HashModel(PROMPT.length + 4), groups, settings());
      expect(await run(generation)).toHaveLength(4);
      expect(generation.stopped).toBe('context-full');
    });

    it('at end-of-text, which is kept as the last token', async () => {
      const model = new HashModel(1024, (l, context) => {
        if (context.length >= PROMPT.length + 3) l[END_OF_TEXT] = 50;
      });
      const generation = new Generation(model, groups, settings());
      const steps = await run(generation);
      expect(steps.map((s) => s.token).indexOf(END_OF_TEXT)).toBe(3);
      expect(steps).toHaveLength(4);
      expect(generation.stopped).toBe('end-of-text');
    });
  });
});
