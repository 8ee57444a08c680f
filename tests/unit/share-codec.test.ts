import LZString from 'lz-string';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeShareState, encodeShareState } from '../../src/share/codec';
import { defaultShareState } from '../../src/share/defaults';
import { LIMITS } from '../../src/share/limits';
import type { ShareFork } from '../../src/share/fork';
import type { SharedMeasurement, ShareState } from '../../src/share/state';
import { MODEL_DIR } from '../../src/model/model-name';
import { DEFAULT_ALARM } from '../../src/steering/alarm';
import { DEFAULT_SAMPLING } from '../../src/steering/sampler';
import { lzBomb } from './support/lz-bomb';
import { KNOWN_TAGS } from './support/share-states';

/** A link holding exactly this JSON value, valid or not. */
const linkTo = (value: unknown) => LZString.compressToEncodedURIComponent(JSON.stringify(value));
const linkToText = (json: string) => LZString.compressToEncodedURIComponent(json);

const MEASUREMENT: SharedMeasurement = {
  run: {
    prompt: '<story>Max was angry.',
    seed: 7,
    sampling: { temperature: 0.8, topK: 40, topP: 0.95 },
    maxNewTokens: 24,
    initialPolicy: { angry: { mode: 'ban', boost: 0 } },
    timeline: [{ tokenIndex: 12, change: { kind: 'mode', tag: 'angry', mode: 'allow' } }],
    pace: 12,
    alarm: { action: 'mark', threshold: 0.2 },
  },
  samples: 10,
  threshold: 0.2,
  within: 3,
  summary: {
    samples: 10,
    sentences: 31,
    freeSentences: 29,
    shares: [{ tag: 'angry', tagger: 0, model: 0, freeTagger: 0.1, freeModel: null }],
    temptation: [{ tag: 'angry', sentences: 20, tempted: 4, histogram: [12, 2, 2, 1, 1, 1, 1, 0, 0, 0] }],
    comeback: [{ tag: 'angry', liftedAt: 12, samples: 9, cameBack: 2, within: 3 }],
    distinct2: 0.61,
    freeDistinct2: null,
  },
};

const RICH: ShareState = {
  version: 4,
  prompt: '<comment><angry><rude>Ugh, "this" is <b>bad</b>,\nreally… 😤',
  seed: 2 ** 32 - 1,
  sampling: { temperature: 1.3, topK: 0, topP: 0.5 },
  maxNewTokens: 50,
  initialPolicy: {
    sad: { mode: 'ban', boost: 0 },
    happy: { mode: 'allow', boost: -2.5 },
    rude: { mode: 'force', boost: 10 },
  },
  timeline: [
    { tokenIndex: 0, change: { kind: 'mode', tag: 'happy', mode: 'force' } },
    { tokenIndex: 0, change: { kind: 'insert', tag: 'neutral' } },
    { tokenIndex: 12, change: { kind: 'boost', tag: 'scared', boost: -10 } },
    { tokenIndex: 30, change: { kind: 'reset' } },
    { tokenIndex: 50, change: { kind: 'mode', tag: 'story', mode: 'ban' } },
  ],
  pace: 0,
  alarm: { action: 'stop', threshold: 0.35 },
  model: 'some-model-0123456789',
  backend: 'webgpu',
  measurement: MEASUREMENT,
};

const withChanges = (changes: Record<string, unknown>) => ({ ...RICH, ...changes });
const withSampling = (changes: Record<string, unknown>) => withChanges({ sampling: { ...RICH.sampling, ...changes } });
const withEntry = (entry: unknown) => withChanges({ timeline: [...RICH.timeline, entry] });

function expectRejected(link: string, message: RegExp | string) {
  const result = decodeShareState(link, KNOWN_TAGS);
  expect(result.ok).toBe(false);
  if (result.ok) return;
  if (typeof message === 'string') expect(result.error).toBe(message);
  else expect(result.error).toMatch(message);
  expect(result.state).toEqual(defaultShareState());
}

describe('defaultShareState', () => {
  it('starts a story with the default sampling', () => {
    const state = defaultShareState();
    expect(state.prompt.startsWith('<story>')).toBe(true);
    expect(state).toMatchObject({
      version: 4,
      model: MODEL_DIR,
      backend: null,
      seed: 1,
      sampling: DEFAULT_SAMPLING,
      maxNewTokens: 200,
      initialPolicy: {},
      timeline: [],
      pace: 12,
      alarm: { action: 'mark', threshold: 0.2 },
    });
  });

  it('returns a fresh object each time', () => {
    const a = defaultShareState();
    a.sampling.topK = 1;
    a.timeline.push({ tokenIndex: 0, change: { kind: 'reset' } });
    expect(defaultShareState()).toEqual({ ...a, sampling: DEFAULT_SAMPLING, timeline: [] });
  });
});

describe('encodeShareState / decodeShareState', () => {
  it.each([
    ['the defaults', defaultShareState()],
    ['a state using every field and change kind', RICH],
    [
      'boundary values',
      {
        ...RICH,
        seed: 0,
        sampling: { temperature: 2, topK: 4096, topP: 1 },
        maxNewTokens: 1,
        timeline: [{ tokenIndex: 1, change: { kind: 'reset' } }],
        pace: 1000,
      },
    ],
    ['greedy sampling with a tiny top-p', { ...RICH, sampling: { temperature: 0, topK: 1, topP: Number.MIN_VALUE } }],
    ['a prompt of the maximum length', { ...RICH, prompt: '<'.repeat(LIMITS.promptLength) }],
    [
      'an alarm changed during the run',
      {
        ...RICH,
        timeline: [...RICH.timeline, { tokenIndex: 50, change: { kind: 'alarm', action: 'pause', threshold: 0.05 } }],
      },
    ],
  ] as [string, ShareState][])('round-trips %s', (_, state) => {
    expect(decodeShareState(encodeShareState(state), KNOWN_TAGS)).toEqual({ ok: true, state });
  });

  it('writes only characters that survive in a URL fragment', () => {
    const link = encodeShareState(RICH);
    expect(link).toMatch(/^[A-Za-z0-9+\-$]+$/);
    expect(new URL(`https://example.org/#${link}`).hash.slice(1)).toBe(link);
  });

  it('carries the version inside the link', () => {
    expect(JSON.parse(LZString.decompressFromEncodedURIComponent(encodeShareState(RICH)))).toMatchObject({
      version: 4,
      model: RICH.model,
      backend: 'webgpu',
    });
  });

  it('compresses a long timeline several-fold', () => {
    const state = {
      ...RICH,
      maxNewTokens: 1000,
      timeline: Array.from({ length: 1000 }, (_, i) => ({
        tokenIndex: i,
        change: { kind: 'mode' as const, tag: KNOWN_TAGS[i % 10], mode: 'ban' as const },
      })),
    };
    expect(encodeShareState(state).length * 4).toBeLessThan(JSON.stringify(state).length);
  });

  it('accepts a timeline of the maximum length', () => {
    const timeline = Array.from({ length: LIMITS.timelineEntries }, (_, i) => ({
      tokenIndex: Math.floor(i / 10),
      change: { kind: 'boost' as const, tag: KNOWN_TAGS[i % 10], boost: (i % 2001) / 100 - 10 },
    }));
    const state = { ...RICH, maxNewTokens: 1000, timeline };
    expect(decodeShareState(encodeShareState(state), KNOWN_TAGS)).toEqual({ ok: true, state });
  });

  it('leaves out anything the link carries beyond the state', () => {
    const result = decodeShareState(
      linkTo({ ...RICH, extra: '<script>', sampling: { ...RICH.sampling, evil: true } }),
      KNOWN_TAGS,
    );
    expect(result).toEqual({ ok: true, state: RICH });
  });

  it('cannot be made to set a prototype', () => {
    const json = JSON.stringify(RICH).replace(
      '"initialPolicy":{',
      '"initialPolicy":{"__proto__":{"mode":"ban","boost":0},',
    );
    expectRejected(linkToText(json), 'This link names a tag the model does not know: <__proto__>');
    const result = decodeShareState(linkToText(json), [...KNOWN_TAGS, '__proto__']);
    expect(result.ok && Object.getPrototypeOf(result.state.initialPolicy)).toBe(Object.prototype);
    expect(result.ok && Object.keys(result.state.initialPolicy)).toContain('__proto__');
  });
});

describe('decodeShareState rejects, with a message and the defaults,', () => {
  afterEach(() => vi.restoreAllMocks());

  it('an empty link', () => expectRejected('', /no settings/));

  it('a link over 1 MB, before decompressing it', () => {
    const decompress = vi.spyOn(LZString, 'decompressFromEncodedURIComponent');
    expectRejected('A'.repeat(LIMITS.encodedLength + 1), /too long/);
    expectRejected(encodeShareState(RICH).padEnd(2 ** 21, 'x'), /too long/);
    expect(decompress).not.toHaveBeenCalled();
  });

  it('a decompression bomb, without expanding it', () => {
    const bomb = lzBomb(40_000);
    const decompress = vi.spyOn(LZString, 'decompressFromEncodedURIComponent');
    const start = performance.now();
    expectRejected(bomb, /expands to far more data/);
    expect(performance.now() - start).toBeLessThan(2000);
    expect(decompress).not.toHaveBeenCalled();
    // The spy does see the decoder's calls: a good link is decompressed.
    decodeShareState(encodeShareState(RICH), KNOWN_TAGS);
    expect(decompress).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['text that is not lz-string', 'hello, world'],
    ['a link cut short', encodeShareState(RICH).slice(0, 60)],
    ['characters outside the alphabet', '%%%%%%%%'],
  ])('%s', (_, link) => expectRejected(link, /damaged/));

  it.each([
    ['broken JSON', '{"version":2,'],
    ['JSON with trailing junk', `${JSON.stringify(RICH)}}`],
    ['not JSON at all', '<html><script>alert(1)</script></html>'],
  ])('%s', (_, json) => expectRejected(linkToText(json), /not readable/));

  it.each([[[]], [42], [null], ['a string'], [[RICH]]])('a link that is not a set of settings: %j', (value) => {
    expectRejected(linkTo(value), 'This link does not hold tagplay settings.');
  });

  it.each([
    ['no version', withChanges({ version: undefined }), /no format version/],
    [
      'a newer version',
      withChanges({ version: 5 }),
      'This link uses format version 5, which this page cannot read (it reads version 4).',
    ],
    ['version 0', withChanges({ version: 0 }), /format version 0/],
    ['no model', withChanges({ model: undefined }), /the model must be a folder name/],
    ['no alarm', withChanges({ alarm: undefined }), /the alarm is not a set of settings/],
    [
      'an unknown alarm action',
      withChanges({ alarm: { action: 'beep', threshold: 0.2 } }),
      'In this link, the alarm of the start must be mark, pause or stop; it is "beep".',
    ],
    [
      'an alarm threshold above 1',
      withChanges({ alarm: { action: 'stop', threshold: 1.5 } }),
      /alarm threshold of the start must be a number from 0 to 1; it is 1.5/,
    ],
    [
      'an alarm change with no action',
      withEntry({ tokenIndex: 50, change: { kind: 'alarm', threshold: 0.2 } }),
      /the alarm of timeline entry 6 must be mark, pause or stop; it is missing/,
    ],
    [
      'an alarm change with a negative threshold',
      withEntry({ tokenIndex: 50, change: { kind: 'alarm', action: 'mark', threshold: -0.1 } }),
      /alarm threshold of timeline entry 6 must be a number from 0 to 1/,
    ],
    ['an empty model', withChanges({ model: '' }), /the model must be a folder name/],
    ['an unknown backend', withChanges({ backend: 'cuda' }), /the backend must be wasm, webgpu or null; it is "cuda"/],
    ['a version given as text', withChanges({ version: '1' }), /format version "1"/],
  ])('%s', (_, value, message) => expectRejected(linkTo(value), message));

  it.each([
    ['a prompt that is not text', withChanges({ prompt: 42 }), /prompt must be text; it is 42/],
    ['a missing prompt', withChanges({ prompt: undefined }), /prompt must be text; it is missing/],
    [
      'a prompt over 4,000 characters',
      withChanges({ prompt: 'a'.repeat(LIMITS.promptLength + 1) }),
      /prompt has 4001 characters/,
    ],
    ['a negative seed', withChanges({ seed: -1 }), /seed must be a whole number from 0 to 4294967295; it is -1/],
    ['a fractional seed', withChanges({ seed: 1.5 }), /seed/],
    ['a seed of 2^32', withChanges({ seed: 2 ** 32 }), /seed/],
    ['a seed given as text', withChanges({ seed: '7' }), /seed .* it is "7"/],
    ['a missing seed', withChanges({ seed: undefined }), /seed .* it is missing/],
    ['no sampling', withChanges({ sampling: undefined }), /sampling is not a set of settings/],
    ['a negative temperature', withSampling({ temperature: -0.1 }), /temperature must be a number from 0 to 2/],
    ['a temperature above 2', withSampling({ temperature: 2.01 }), /temperature/],
    ['a null temperature', withSampling({ temperature: null }), /temperature .* it is null/],
    ['a negative top-k', withSampling({ topK: -1 }), /top-k must be a whole number from 0 to 4096/],
    ['a top-k above 4096', withSampling({ topK: 4097 }), /top-k/],
    ['a fractional top-k', withSampling({ topK: 2.5 }), /top-k/],
    ['a top-p of 0', withSampling({ topP: 0 }), /top-p must be a number above 0 and at most 1/],
    ['a top-p above 1', withSampling({ topP: 1.01 }), /top-p/],
    ['0 new tokens', withChanges({ maxNewTokens: 0 }), /number of new tokens must be a whole number from 1 to 1000/],
    ['1001 new tokens', withChanges({ maxNewTokens: 1001 }), /number of new tokens/],
    ['a negative pace', withChanges({ pace: -1 }), /pace must be a number from 0 to 1000/],
    ['a pace above 1000', withChanges({ pace: 1000.5 }), /pace/],
    ['a policy that is a list', withChanges({ initialPolicy: [] }), /tag policy is not a set of settings/],
    [
      'a policy naming an unknown tag',
      withChanges({ initialPolicy: { furious: { mode: 'ban', boost: 0 } } }),
      'This link names a tag the model does not know: <furious>',
    ],
    [
      'a policy rule that is not a rule',
      withChanges({ initialPolicy: { sad: 'ban' } }),
      /rule for <sad> is not a set of settings/,
    ],
    [
      'a policy with an unknown mode',
      withChanges({ initialPolicy: { sad: { mode: 'mute', boost: 0 } } }),
      /mode of the rule for <sad> must be allow, ban or force; it is "mute"/,
    ],
    [
      'a policy boost above 10',
      withChanges({ initialPolicy: { sad: { mode: 'allow', boost: 10.5 } } }),
      /boost of <sad> must be a number from -10 to 10; it is 10.5/,
    ],
    [
      'a policy boost below −10',
      withChanges({ initialPolicy: { sad: { mode: 'allow', boost: -11 } } }),
      /boost of <sad>/,
    ],
    [
      'a policy boost given as text',
      withChanges({ initialPolicy: { sad: { mode: 'allow', boost: '1' } } }),
      /boost of <sad>/,
    ],
    ['a timeline that is not a list', withChanges({ timeline: {} }), /timeline is not a list/],
    ['a timeline entry that is not an entry', withEntry(3), /timeline entry 6 is not a set of settings/],
    [
      'a negative token index',
      withEntry({ tokenIndex: -1, change: { kind: 'reset' } }),
      /token index of timeline entry 6/,
    ],
    [
      'a fractional token index',
      withEntry({ tokenIndex: 50.5, change: { kind: 'reset' } }),
      /token index of timeline entry 6 must be a whole number from 0 to 50/,
    ],
    [
      'a token index past maxNewTokens',
      withEntry({ tokenIndex: 51, change: { kind: 'reset' } }),
      /token index of timeline entry 6/,
    ],
    [
      'a timeline out of order',
      withChanges({ timeline: [RICH.timeline[2], RICH.timeline[0]] }),
      'In this link, timeline entry 2 is out of order: token 0 comes after token 12.',
    ],
    ['an entry with no change', withEntry({ tokenIndex: 50 }), /change of timeline entry 6 is not a set of settings/],
    [
      'an unknown kind of change',
      withEntry({ tokenIndex: 50, change: { kind: 'explode' } }),
      /change of timeline entry 6 must be a mode, boost, reset, insert or alarm; it is "explode"/,
    ],
    [
      'a mode change with a bad mode',
      withEntry({ tokenIndex: 50, change: { kind: 'mode', tag: 'sad', mode: 'on' } }),
      /mode of timeline entry 6/,
    ],
    [
      'a mode change of an unknown tag',
      withEntry({ tokenIndex: 50, change: { kind: 'mode', tag: 'furious', mode: 'ban' } }),
      'This link names a tag the model does not know: <furious>',
    ],
    [
      'a boost change of an unknown tag',
      withEntry({ tokenIndex: 50, change: { kind: 'boost', tag: 'Happy', boost: 1 } }),
      'This link names a tag the model does not know: <Happy>',
    ],
    [
      'a boost change above 10',
      withEntry({ tokenIndex: 50, change: { kind: 'boost', tag: 'sad', boost: 10.01 } }),
      /boost of timeline entry 6/,
    ],
    [
      'an insert of an unknown tag',
      withEntry({ tokenIndex: 50, change: { kind: 'insert', tag: '<sad>' } }),
      'This link names a tag the model does not know: <<sad>>',
    ],
    [
      'an insert with no tag',
      withEntry({ tokenIndex: 50, change: { kind: 'insert' } }),
      /timeline entry 6 names no tag; its tag is missing/,
    ],
    [
      'a timeline over 10,000 entries',
      withChanges({
        maxNewTokens: 1000,
        timeline: Array(LIMITS.timelineEntries + 1).fill({ tokenIndex: 0, change: { kind: 'reset' } }),
      }),
      /10001 changes; at most 10000/,
    ],
  ])('%s', (_, value, message) => expectRejected(linkTo(value), message));

  it.each([
    ['an infinite seed', '"seed":1e999'],
    ['a negative infinite temperature', '"temperature":-1e999'],
  ])('%s (a JSON number too large for a double)', (_, field) => {
    const json = JSON.stringify(RICH).replace(new RegExp(`"${field.split('"')[1]}":[^,}]+`), field);
    expect(json).toContain(field);
    expectRejected(linkToText(json), /must be a .*; it is -?Infinity/);
  });

  it('shows a hostile tag name as text, escaped and shortened', () => {
    const name = `<img src=x onerror=alert(1)>\n${'x'.repeat(100)}`;
    const result = decodeShareState(
      linkTo(withChanges({ initialPolicy: { [name]: { mode: 'ban', boost: 0 } } })),
      KNOWN_TAGS,
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toContain('<img src=x onerror=alert(1)>\\n');
      expect(result.error).not.toContain('\n');
      expect(result.error.length).toBeLessThan(120);
    }
  });

  it('never hands out the same default object twice', () => {
    const a = decodeShareState('', KNOWN_TAGS);
    a.state.timeline.push({ tokenIndex: 0, change: { kind: 'reset' } });
    expect(decodeShareState('', KNOWN_TAGS).state.timeline).toEqual([]);
  });
});

describe('a link made with the earlier sampler (version 1)', () => {
  it('says so, and restores its settings rather than the defaults, for this model', () => {
    const { model: _model, backend: _backend, alarm: _alarm, measurement: _m, ...rest } = RICH;
    const result = decodeShareState(linkTo({ ...rest, version: 1 }), KNOWN_TAGS);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/made with an earlier version of tagplay's sampler/);
    expect(result.state).toEqual({
      ...RICH,
      alarm: DEFAULT_ALARM,
      model: MODEL_DIR,
      backend: null,
      measurement: null,
    });
  });

  it('is still checked field by field', () => {
    const { model: _model, backend: _backend, ...rest } = RICH;
    expectRejected(linkTo({ ...rest, version: 1, seed: -1 }), /seed/);
  });
});

describe('a link of version 2, made before the alarm', () => {
  it('opens as it was made, with an alarm that only marks', () => {
    const { alarm: _alarm, measurement: _measurement, ...rest } = RICH;
    const result = decodeShareState(linkTo({ ...rest, version: 2 }), KNOWN_TAGS);
    expect(result).toEqual({
      ok: true,
      state: { ...RICH, alarm: { action: 'mark', threshold: 0.2 }, measurement: null },
    });
  });
});

describe('a link of version 3, made before measurements travelled with runs', () => {
  it('opens as it was made, with no measurement', () => {
    const { measurement: _measurement, ...rest } = RICH;
    const result = decodeShareState(linkTo({ ...rest, version: 3 }), KNOWN_TAGS);
    expect(result).toEqual({ ok: true, state: { ...RICH, measurement: null } });
  });
});

describe('a link with a measurement', () => {
  const withSummary = (changes: Record<string, unknown>) =>
    withChanges({ measurement: { ...MEASUREMENT, summary: { ...MEASUREMENT.summary, ...changes } } });
  const temptation = MEASUREMENT.summary.temptation[0];

  it.each([
    ['no measurement key at all', withChanges({ measurement: undefined }), /the measurement is not a set of settings/],
    [
      'a measurement of 501 samples',
      withChanges({ measurement: { ...MEASUREMENT, samples: 501 } }),
      /measurement's samples must be a whole number from 1 to 500/,
    ],
    [
      "a measurement whose settings' seed is negative",
      withChanges({ measurement: { ...MEASUREMENT, run: { ...MEASUREMENT.run, seed: -1 } } }),
      /measurement's seed must be a whole number/,
    ],
    [
      'a histogram of 9 bins',
      withSummary({ temptation: [{ ...temptation, histogram: temptation.histogram.slice(1) }] }),
      /histogram must have 10 bins/,
    ],
    [
      'more tempted sentence starts than banned ones',
      withSummary({ temptation: [{ ...temptation, tempted: 21 }] }),
      /tempted sentence starts must be a whole number from 0 to 20/,
    ],
    ['a share above 1', withSummary({ distinct2: 1.5 }), /distinct-2 must be a number from 0 to 1/],
    [
      'a tag the model does not know',
      withSummary({ shares: [{ ...MEASUREMENT.summary.shares[0], tag: 'furious' }] }),
      'This link names a tag the model does not know: <furious>',
    ],
    [
      'more entries than tags',
      withSummary({ shares: Array.from({ length: 11 }, () => MEASUREMENT.summary.shares[0]) }),
      /at most one entry per tag/,
    ],
    [
      'a lifted ban past the last token',
      withSummary({ comeback: [{ ...MEASUREMENT.summary.comeback[0], liftedAt: 25 }] }),
      /lifted ban token must be a whole number from 0 to 24/,
    ],
  ])('rejects %s', (_, state, message) => expectRejected(linkTo(state), message));

  it('keeps the link short: a measurement adds well under 2,000 characters', () => {
    const without = encodeShareState({ ...RICH, measurement: null }).length;
    expect(encodeShareState(RICH).length - without).toBeLessThan(2_000);
  });
});

describe('a link with a fork', () => {
  const FORK: ShareFork = {
    at: 20,
    maxNewTokens: 50,
    initialPolicy: { angry: { mode: 'ban', boost: 0 }, happy: { mode: 'allow', boost: 3 } },
    alarm: { action: 'pause', threshold: 0.4 },
    timeline: [
      { tokenIndex: 21, change: { kind: 'insert', tag: 'sad' } },
      { tokenIndex: 30, change: { kind: 'mode', tag: 'angry', mode: 'allow' } },
      { tokenIndex: 50, change: { kind: 'alarm', action: 'stop', threshold: 0.1 } },
    ],
  };
  const FORKED: ShareState = { ...RICH, fork: FORK };
  const withFork = (changes: Record<string, unknown>) => withChanges({ fork: { ...FORK, ...changes } });

  it.each([
    ['a fork of the run', FORKED],
    [
      'a fork after the first token, as short as can be',
      { ...RICH, fork: { ...FORK, at: 0, maxNewTokens: 1, timeline: [] } },
    ],
    [
      'a fork after the last token the run may write, as long as can be',
      {
        ...RICH,
        fork: {
          ...FORK,
          at: 49,
          maxNewTokens: 1000,
          timeline: [
            { tokenIndex: 50, change: { kind: 'reset' } },
            { tokenIndex: 1000, change: { kind: 'reset' } },
          ],
        },
      },
    ],
  ] as [string, ShareState][])('round-trips %s', (_, state) => {
    expect(decodeShareState(encodeShareState(state), KNOWN_TAGS)).toEqual({ ok: true, state });
  });

  it('opens a link without one with none, and the key left out', () => {
    const result = decodeShareState(encodeShareState(RICH), KNOWN_TAGS);
    expect(result.ok && 'fork' in result.state).toBe(false);
  });

  it('leaves a fork out of a version-3 link, which could not have one', () => {
    const { measurement: _measurement, ...rest } = FORKED;
    const result = decodeShareState(linkTo({ ...rest, version: 3 }), KNOWN_TAGS);
    expect(result).toEqual({ ok: true, state: { ...RICH, measurement: null } });
  });

  it.each([
    ['a fork that is no set of settings', withChanges({ fork: [FORK] }), /the fork is not a set of settings/],
    ['a fork that is null', withChanges({ fork: null }), /the fork is not a set of settings/],
    [
      'a fork after a token the run cannot write',
      withFork({ at: 50 }),
      'In this link, the token the fork goes on after must be a whole number from 0 to 49; it is 50.',
    ],
    ['a fork after a negative token', withFork({ at: -1 }), /goes on after must be a whole number from 0 to 49/],
    ['a fork after half a token', withFork({ at: 2.5 }), /goes on after must be a whole number/],
    [
      'a fork with no token of its own to write',
      withFork({ maxNewTokens: 20 }),
      "In this link, the fork's number of tokens must be a whole number from 21 to 1000; it is 20.",
    ],
    [
      'a fork of over 1,000 tokens',
      withFork({ maxNewTokens: 1001 }),
      /number of tokens must be a whole number from 21/,
    ],
    [
      'a fork change at its start token',
      withFork({ timeline: [{ tokenIndex: 20, change: { kind: 'reset' } }] }),
      "In this link, the token index of the fork's timeline entry 1 must be a whole number from 21 to 50; it is 20.",
    ],
    [
      'a fork change past its end',
      withFork({ timeline: [{ tokenIndex: 51, change: { kind: 'reset' } }] }),
      /the fork's timeline entry 1 must be a whole number from 21 to 50/,
    ],
    [
      'fork changes out of order',
      withFork({ timeline: [...FORK.timeline].reverse() }),
      /the fork's timeline entry 2 is out of order/,
    ],
    ['a fork timeline that is no list', withFork({ timeline: {} }), "In this link, the fork's timeline is not a list."],
    [
      'a fork timeline of over 10,000 changes',
      withFork({ timeline: Array(LIMITS.timelineEntries + 1).fill({ tokenIndex: 30, change: { kind: 'reset' } }) }),
      "This link's fork has 10001 changes; at most 10000 are allowed.",
    ],
    [
      'a tag the model does not know in the fork policy',
      withFork({ initialPolicy: { furious: { mode: 'ban', boost: 0 } } }),
      'This link names a tag the model does not know: <furious>',
    ],
    [
      'a tag the model does not know in the fork timeline',
      withFork({ timeline: [{ tokenIndex: 30, change: { kind: 'insert', tag: 'furious' } }] }),
      'This link names a tag the model does not know: <furious>',
    ],
    ['a fork with no alarm', withFork({ alarm: undefined }), /the fork's alarm is not a set of settings/],
    [
      'a fork alarm threshold above 1',
      withFork({ alarm: { action: 'mark', threshold: 2 } }),
      /the alarm threshold of the fork's start must be a number from 0 to 1/,
    ],
  ])('rejects %s', (_, state, message) => expectRejected(linkTo(state), message));

  it('keeps the link short: a fork adds well under 500 characters', () => {
    expect(encodeShareState(FORKED).length - encodeShareState(RICH).length).toBeLessThan(500);
  });

  it('accepts the largest legal state: a run, its measurement and its fork, each with a full timeline', () => {
    // The longest change in JSON: an alarm with a threshold of 17 digits.
    const full = (from: number) =>
      Array.from({ length: LIMITS.timelineEntries }, (_, i) => ({
        tokenIndex: from + Math.floor((i * (1000 - from)) / LIMITS.timelineEntries),
        change: { kind: 'alarm' as const, action: 'pause' as const, threshold: 0.30000000000000004 },
      }));
    const prompt = '\u0001'.repeat(LIMITS.promptLength);
    const run = { ...MEASUREMENT.run, prompt, maxNewTokens: 1000, timeline: full(0) };
    const state: ShareState = {
      ...RICH,
      ...run,
      measurement: { ...MEASUREMENT, run },
      fork: { ...FORK, at: 999, maxNewTokens: 1000, timeline: full(1000) },
    };
    const json = JSON.stringify(state);
    expect(json.length).toBeLessThan(LIMITS.decodedLength);
    const link = encodeShareState(state);
    expect(link.length).toBeLessThan(LIMITS.encodedLength);
    expect(decodeShareState(link, KNOWN_TAGS)).toEqual({ ok: true, state });
  });
});
