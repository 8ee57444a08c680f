import { describe, expect, it } from 'vitest';
import { applyChange, BOOST_LIMIT, clampBoost, ruleOf, type Policy } from '../../src/steering/policy';

const EMOTIONS = ['happy', 'sad', 'angry'];
const groupOf = (tag: string) => (EMOTIONS.includes(tag) ? EMOTIONS : [tag]);

describe('applyChange', () => {
  it('sets a mode and keeps the boost', () => {
    const next = applyChange({ sad: { mode: 'allow', boost: 2 } }, { kind: 'mode', tag: 'sad', mode: 'ban' }, groupOf);
    expect(next).toEqual({ sad: { mode: 'ban', boost: 2 } });
  });

  it('releases another forced tag of the same group when forcing, and keeps its boost', () => {
    const policy: Policy = { happy: { mode: 'force', boost: 3 }, story: { mode: 'force', boost: 0 } };
    const next = applyChange(policy, { kind: 'mode', tag: 'angry', mode: 'force' }, groupOf);
    expect(next).toEqual({
      happy: { mode: 'allow', boost: 3 },
      angry: { mode: 'force', boost: 0 },
      story: { mode: 'force', boost: 0 },
    });
  });

  it('drops rules that are back to neutral', () => {
    const next = applyChange(
      { happy: { mode: 'force', boost: 0 } },
      { kind: 'mode', tag: 'sad', mode: 'force' },
      groupOf,
    );
    expect(next).toEqual({ sad: { mode: 'force', boost: 0 } });
    expect(applyChange(next, { kind: 'mode', tag: 'sad', mode: 'allow' }, groupOf)).toEqual({});
  });

  it('clamps boosts to ±BOOST_LIMIT', () => {
    expect(applyChange({}, { kind: 'boost', tag: 'sad', boost: 25 })).toEqual({
      sad: { mode: 'allow', boost: BOOST_LIMIT },
    });
    expect(applyChange({}, { kind: 'boost', tag: 'sad', boost: -25 })).toEqual({
      sad: { mode: 'allow', boost: -BOOST_LIMIT },
    });
    expect(applyChange({}, { kind: 'boost', tag: 'sad', boost: 4.5 })).toEqual({ sad: { mode: 'allow', boost: 4.5 } });
    expect(clampBoost(11)).toBe(10);
  });

  it('keeps the mode when boosting', () => {
    expect(applyChange({ sad: { mode: 'ban', boost: 0 } }, { kind: 'boost', tag: 'sad', boost: 1 })).toEqual({
      sad: { mode: 'ban', boost: 1 },
    });
  });

  it('clears everything on reset', () => {
    expect(
      applyChange({ sad: { mode: 'ban', boost: 2 }, story: { mode: 'force', boost: 0 } }, { kind: 'reset' }),
    ).toEqual({});
  });

  it('leaves the policy alone on insert', () => {
    const policy: Policy = { sad: { mode: 'ban', boost: 0 } };
    expect(applyChange(policy, { kind: 'insert', tag: 'sad' }, groupOf)).toEqual(policy);
  });

  it('does not mutate the policy it is given', () => {
    const policy: Policy = { happy: { mode: 'force', boost: 1 } };
    const copy = structuredClone(policy);
    applyChange(policy, { kind: 'mode', tag: 'sad', mode: 'force' }, groupOf);
    applyChange(policy, { kind: 'boost', tag: 'happy', boost: 9 });
    expect(policy).toEqual(copy);
  });

  it('reads unlisted tags as allowed with no boost', () => {
    expect(ruleOf({}, 'neutral')).toEqual({ mode: 'allow', boost: 0 });
  });
});
