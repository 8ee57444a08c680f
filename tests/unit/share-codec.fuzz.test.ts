import fc from 'fast-check';
import LZString from 'lz-string';
import { describe, expect, it } from 'vitest';
import { decodeShareState, encodeShareState, type DecodeResult } from '../../src/share/codec';
import { defaultShareState } from '../../src/share/defaults';
import { LIMITS } from '../../src/share/limits';
import { lzBomb } from './support/lz-bomb';
import { specAccepts } from './support/share-spec';
import { KNOWN_TAGS, validShareState } from './support/share-states';

const URI_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';

/** Decodes without letting an exception escape unnoticed, and checks the result is one of the two allowed outcomes. */
function decodeSafely(link: unknown): DecodeResult {
  let result: DecodeResult | undefined;
  expect(() => (result = decodeShareState(link as string, KNOWN_TAGS))).not.toThrow();
  if (result!.ok) {
    // An accepted state keeps to the bounds as written out apart from the validator.
    expect(specAccepts(result!.state, KNOWN_TAGS), JSON.stringify(result!.state).slice(0, 300)).toBe(true);
  } else {
    expect(result!.error).toMatch(/^(This link|In this link)[^\n]{10,200}$/);
    // A link of the earlier sampler's version gives back its settings, checked as carefully; any other, the defaults.
    if (/earlier version of tagplay's sampler/.test(result!.error))
      expect(specAccepts(result!.state, KNOWN_TAGS)).toBe(true);
    else expect(result!.state).toEqual(defaultShareState());
  }
  return result!;
}

const linkToText = (json: string) => LZString.compressToEncodedURIComponent(json);

/** Hostile JSON fragments for any value in a state. */
const hostileValue = fc.oneof(
  fc.constantFrom(
    '1e999',
    '-1e999',
    '-1',
    '-0',
    '1e308',
    '4294967296',
    '0.5',
    'null',
    'true',
    '""',
    '[]',
    '{}',
    '"NaN"',
    '"Infinity"',
    '"<script>alert(1)</script>"',
  ),
  fc.integer({ min: 1, max: 5000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.integer({ min: 1, max: 5000 }).map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
  fc.double().map((x) => (Number.isFinite(x) ? JSON.stringify(x) : String(x > 0 ? '1e999' : '-1e999'))),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 30 }).map((s) => JSON.stringify(s)),
  fc.constantFrom(
    '"furious"',
    '"<happy>"',
    '"__proto__"',
    '"constructor"',
    '{"__proto__":{"mode":"ban","boost":0}}',
    '{"kind":"insert","tag":"toString"}',
  ),
);

/** Every place a value sits in a state's JSON text: each `"key":value` for a scalar or leaf. */
const SCALAR_SLOT = /("[^"]+":)(-?\d[^,}\]]*|"(?:[^"\\]|\\.)*"|true|false|null|\{\}|\[\])/g;

describe('decodeShareState under fuzzing', () => {
  it('never throws on random text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ unit: fc.constantFrom(...URI_ALPHABET, ' ', '%', '#'), maxLength: 2000 }),
        ),
        (text) => {
          decodeSafely(text);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never throws on values that are not strings at all', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => void decodeSafely(value)),
      { numRuns: 300 },
    );
  });

  it('never throws on truncated or corrupted links, and never lets a bad value through', () => {
    const damaged = fc
      .tuple(validShareState, fc.nat(), fc.nat(), fc.constantFrom(...URI_ALPHABET))
      .map(([state, cut, at, char]) => {
        const link = encodeShareState(state);
        return cut % 2 === 0
          ? link.slice(0, cut % link.length)
          : link.slice(0, at % link.length) + char + link.slice((at % link.length) + 1);
      });
    fc.assert(
      fc.property(damaged, (link) => void decodeSafely(link)),
      { numRuns: 500 },
    );
  });

  it('rejects any link of 1 MB or more', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: LIMITS.encodedLength + 1, max: 1_300_000 }),
        fc.constantFrom(...URI_ALPHABET),
        (length, char) => {
          expect(decodeSafely(char.repeat(length))).toMatchObject({
            ok: false,
            error: expect.stringMatching(/too long/),
          });
        },
      ),
      { numRuns: 10 },
    );
  });

  it('rejects decompression bombs of any size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3_000, max: 60_000 }), (codes) => {
        expect(decodeSafely(lzBomb(codes))).toMatchObject({ ok: false, error: expect.stringMatching(/expands/) });
      }),
      { numRuns: 10 },
    );
  });

  it("rejects every version but the current one, the two before it and the earlier sampler's", () => {
    const version = fc
      .oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null), fc.boolean())
      .filter((v) => v !== 1 && v !== 2 && v !== 3 && v !== 4);
    fc.assert(
      fc.property(validShareState, version, (state, v) => {
        const result = decodeSafely(LZString.compressToEncodedURIComponent(JSON.stringify({ ...state, version: v })));
        expect(result.ok).toBe(false);
        expect(!result.ok && result.error).toMatch(/format version/);
      }),
      { numRuns: 200 },
    );
  });

  it('never throws when any value of a valid state is replaced by something hostile', () => {
    const mutated = fc.tuple(validShareState, fc.nat(), hostileValue).map(([state, pick, value]) => {
      const json = JSON.stringify(state);
      const slots = [...json.matchAll(SCALAR_SLOT)];
      const slot = slots[pick % slots.length];
      return json.slice(0, slot.index) + slot[1] + value + json.slice(slot.index! + slot[0].length);
    });
    fc.assert(
      fc.property(mutated, (json) => {
        // Accepted exactly when the independent reading of the rules accepts the same JSON.
        expect(decodeSafely(linkToText(json)).ok, json.slice(0, 300)).toBe(specAccepts(JSON.parse(json), KNOWN_TAGS));
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on hostile top-level JSON', () => {
    fc.assert(
      fc.property(hostileValue, (json) => void decodeSafely(linkToText(json))),
      { numRuns: 300 },
    );
  });

  it('reports an unknown tag by name wherever it appears', () => {
    const unknown = fc.stringMatching(/^[a-z]{1,12}$/).filter((name) => !KNOWN_TAGS.includes(name));
    fc.assert(
      fc.property(validShareState, unknown, fc.nat(2), (state, name, where) => {
        const bad =
          where === 0
            ? { ...state, initialPolicy: { ...state.initialPolicy, [name]: { mode: 'ban', boost: 0 } } }
            : where === 1
              ? {
                  ...state,
                  timeline: [
                    ...state.timeline,
                    { tokenIndex: state.maxNewTokens, change: { kind: 'insert', tag: name } },
                  ],
                }
              : {
                  ...state,
                  timeline: [{ tokenIndex: 0, change: { kind: 'mode', tag: name, mode: 'force' } }, ...state.timeline],
                };
        expect(decodeSafely(linkToText(JSON.stringify(bad)))).toMatchObject({
          ok: false,
          error: `This link names a tag the model does not know: <${name}>`,
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('decodeShareState at the bounds', () => {
  const edges = [
    -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 999.5, 1000, 1000.5, 1001, 4095.5, 4096, 4097, 4294967295, 4294967296,
  ];
  const fields: [string, (state: Record<string, unknown>, value: number) => void][] = [
    ['seed', (s, v) => (s.seed = v)],
    ['maxNewTokens', (s, v) => (s.maxNewTokens = v)],
    ['pace', (s, v) => (s.pace = v)],
    ['temperature', (s, v) => ((s.sampling as Record<string, unknown>).temperature = v)],
    ['topK', (s, v) => ((s.sampling as Record<string, unknown>).topK = v)],
    ['topP', (s, v) => ((s.sampling as Record<string, unknown>).topP = v)],
    ['boost', (s, v) => (s.initialPolicy = { angry: { mode: 'allow', boost: v / 100 } })],
    ['tokenIndex', (s, v) => (s.timeline = [{ tokenIndex: v, change: { kind: 'reset' } }])],
  ];

  it.each(fields)('accepts %s exactly where the rules do', (_, set) => {
    for (const value of edges) {
      const state = structuredClone(defaultShareState()) as unknown as Record<string, unknown>;
      set(state, value);
      const json = JSON.stringify(state);
      expect(decodeSafely(linkToText(json)).ok, `${json}`).toBe(specAccepts(JSON.parse(json), KNOWN_TAGS));
    }
  });
});

describe('encodeShareState then decodeShareState', () => {
  it('is the identity on every valid state', () => {
    fc.assert(
      fc.property(validShareState, (state) => {
        expect(decodeShareState(encodeShareState(state), KNOWN_TAGS)).toEqual({ ok: true, state });
      }),
      { numRuns: 400 },
    );
  });
});
