import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultShareState } from '../../src/share/defaults';
import { Generation, type Step } from '../../src/steering/engine';
import { allTags } from '../../src/steering/tags';
import { forkToCsv, timelineToCsv, transcriptToCsv, transcriptToJson } from '../../src/transcript/export';
import type { Transcript } from '../../src/transcript/types';
import { parseCsv } from './support/csv';
import { ADDED_TOKENS, groups, tagId, WORDS } from './support/fake-vocabulary';
import { HashModel } from './support/hash-model';

const TAGS = allTags(groups).map((t) => t.name);
const VOCAB_TEXT = [...ADDED_TOKENS.map((t) => t.content), ...WORDS];

/** A real run of the engine, so the transcript has the shapes the app produces. */
async function generatedTranscript(): Promise<Transcript> {
  const state = {
    ...defaultShareState(),
    maxNewTokens: 40,
    timeline: [{ tokenIndex: 4, change: { kind: 'insert' as const, tag: 'sad' } }],
  };
  const generation = new Generation(new HashModel(), groups, {
    promptIds: [tagId('story'), tagId('happy')],
    seed: state.seed,
    sampling: state.sampling,
    maxNewTokens: state.maxNewTokens,
    initialPolicy: { angry: { mode: 'ban', boost: 0 } },
    timeline: state.timeline,
  });
  const steps: Step[] = [];
  for (let step = await generation.step(); step; step = await generation.step()) steps.push(step);
  return {
    state,
    tags: TAGS,
    tokens: steps.map((s) => ({ ...s, text: VOCAB_TEXT[s.token] })),
    backend: 'test',
    stopped: generation.stopped,
  };
}

/** Token texts that need quoting, and some that must not be quoted into something else. */
const TRICKY = ['a,b', 'say "hi"', 'line\nbreak', 'cr\rlf\r\n', '"', ',', '', ' padded ', '=1+1', '😀', '\u0000'];

function withTexts(transcript: Transcript, texts: string[]): Transcript {
  return { ...transcript, tokens: transcript.tokens.map((t, i) => ({ ...t, text: texts[i % texts.length] })) };
}

function expectCsvMatches(
  transcript: Transcript,
  csv = transcriptToCsv(transcript, VOCAB_TEXT),
  tokens = transcript.tokens,
) {
  const rows = parseCsv(csv);
  const tags = transcript.tags.length;
  expect(rows[0]).toEqual([
    'index',
    'token_id',
    'text',
    'inserted',
    'policy_version',
    ...transcript.tags.map((t) => `p_${t}`),
    ...transcript.tags.map((t) => `logit_${t}`),
    ...['1', '2', '3', '4', '5'].flatMap((rank) => [`top${rank}_id`, `top${rank}_text`, `top${rank}_p`]),
    'kl',
    'kl_sum',
  ]);
  expect(rows).toHaveLength(tokens.length + 1);
  let sum = 0;
  tokens.forEach((token, i) => {
    const row = rows[i + 1];
    expect(row).toHaveLength(5 + 2 * tags + 15 + 2);
    sum += token.kl;
    expect(row.slice(-2).map(Number)).toEqual([token.kl, sum]);
    expect(row.slice(0, 5)).toEqual([
      String(token.index),
      String(token.token),
      token.text,
      String(token.inserted),
      String(token.policyVersion),
    ]);
    expect(row.slice(5, 5 + tags).map(Number)).toEqual(token.tagProbs);
    expect(row.slice(5 + tags, 5 + 2 * tags).map(Number)).toEqual(token.tagLogits);
    const top = row.slice(5 + 2 * tags, -2);
    const column = (c: number) => top.filter((_, k) => k % 3 === c).slice(0, token.top.length);
    expect(column(0).map(Number)).toEqual(token.top.map((t) => t.token));
    expect(column(1)).toEqual(token.top.map((t) => VOCAB_TEXT[t.token]));
    expect(column(2).map(Number)).toEqual(token.top.map((t) => t.prob));
    expect(top.slice(3 * token.top.length).every((field) => field === '')).toBe(true);
  });
}

describe('transcriptToCsv', () => {
  it('writes one row per token that parses back to the same values', async () => {
    const transcript = await generatedTranscript();
    expect(transcript.tokens.length).toBe(40);
    expect(transcript.tokens.some((t) => t.inserted)).toBe(true);
    expectCsvMatches(transcript);
  });

  it('quotes commas, quotes and line breaks (RFC 4180)', async () => {
    const transcript = withTexts(await generatedTranscript(), TRICKY);
    expectCsvMatches(transcript);
    expect(transcriptToCsv(transcript, VOCAB_TEXT)).toContain('"say ""hi"""');
  });

  it('parses back for any token text', async () => {
    const base = await generatedTranscript();
    fc.assert(
      fc.property(
        fc.array(
          fc.string({
            unit: fc.oneof(fc.constantFrom(',', '"', '\r', '\n', ' '), fc.string({ maxLength: 1 })),
            maxLength: 12,
          }),
          { minLength: 1, maxLength: 40 },
        ),
        (texts) => {
          expectCsvMatches(withTexts(base, texts));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('writes a cost of control that is 0 where the policy changed nothing and positive under the ban', async () => {
    const transcript = await generatedTranscript();
    // <angry> is banned throughout, and has some probability at every step of the stand-in model.
    expect(transcript.tokens.every((t) => t.kl > 0)).toBe(true);
    const rows = parseCsv(transcriptToCsv(transcript, VOCAB_TEXT));
    const sums = rows.slice(1).map((row) => Number(row.at(-1)));
    expect(sums.every((s, i) => i === 0 || s >= sums[i - 1])).toBe(true);
  });

  it("writes a fork's own tokens in the same columns, and nothing without a fork", async () => {
    const transcript = await generatedTranscript();
    expect(forkToCsv(transcript, VOCAB_TEXT)).toBeNull();
    const tokens = transcript.tokens.slice(10);
    const forked: Transcript = {
      ...transcript,
      fork: {
        at: 9,
        maxNewTokens: 40,
        initialPolicy: {},
        alarm: { action: 'mark', threshold: 0.2 },
        timeline: [],
        partAt: null,
        stopped: 'max-tokens',
        klSum: tokens.reduce((sum, t) => sum + t.kl, 0),
        tokens,
      },
    };
    expectCsvMatches(forked, forkToCsv(forked, VOCAB_TEXT)!, tokens);
    expect(JSON.parse(transcriptToJson(forked)).fork.tokens).toHaveLength(30);
  });

  it('writes only the header for an empty run', async () => {
    const transcript = { ...(await generatedTranscript()), tokens: [] };
    expect(parseCsv(transcriptToCsv(transcript, VOCAB_TEXT))).toHaveLength(1);
  });
});

describe('timelineToCsv', () => {
  it('writes one row per change, in order, with the token it applies from', async () => {
    const transcript = await generatedTranscript();
    transcript.state.timeline = [
      { tokenIndex: 2, change: { kind: 'mode', tag: 'angry', mode: 'ban' } },
      { tokenIndex: 4, change: { kind: 'insert', tag: 'sad' } },
      { tokenIndex: 4, change: { kind: 'boost', tag: 'happy', boost: -2.5 } },
      { tokenIndex: 9, change: { kind: 'reset' } },
      { tokenIndex: 9, change: { kind: 'alarm', action: 'stop', threshold: 0.3 } },
    ];
    expect(parseCsv(timelineToCsv(transcript))).toEqual([
      ['token_index', 'change', 'tag', 'mode', 'boost', 'alarm', 'threshold'],
      ['2', 'mode', 'angry', 'ban', '', '', ''],
      ['4', 'insert', 'sad', '', '', '', ''],
      ['4', 'boost', 'happy', '', '-2.5', '', ''],
      ['9', 'reset', '', '', '', '', ''],
      ['9', 'alarm', '', '', '', 'stop', '0.3'],
    ]);
  });
});

describe('transcriptToJson', () => {
  it('round-trips the whole transcript, timeline and per-token data included', async () => {
    const transcript = withTexts(await generatedTranscript(), TRICKY);
    const json = transcriptToJson(transcript);
    expect(JSON.parse(json)).toEqual(transcript);
    const token = JSON.parse(json).tokens[4];
    expect(Object.keys(token).sort()).toEqual(
      ['index', 'inserted', 'kl', 'policyVersion', 'tagLogits', 'tagProbs', 'text', 'token', 'top'].sort(),
    );
    expect(token.top.length).toBeGreaterThan(0);
    expect(JSON.parse(json).state.timeline).toEqual(transcript.state.timeline);
  });

  it('is indented for people to read', async () => {
    expect(transcriptToJson(await generatedTranscript())).toMatch(/^\{\n {2}"state": \{\n {4}"version": 4,/);
  });
});
