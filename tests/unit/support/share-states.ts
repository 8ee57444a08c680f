import fc from 'fast-check';
import type { AlarmAction } from '../../../src/steering/alarm';
import type { PolicyChange, TagMode, TagRule } from '../../../src/steering/policy';
import type { ShareFork } from '../../../src/share/fork';
import { LIMITS } from '../../../src/share/limits';
import { SHARE_VERSION, type RunSettings, type SharedMeasurement, type ShareState } from '../../../src/share/state';
import { HISTOGRAM_BINS, type MeasureSummary } from '../../../src/measure/summary';

/** The tag names of the shipped tokenizer, as the app passes them to the decoder. */
export const KNOWN_TAGS = [
  'story',
  'comment',
  'happy',
  'sad',
  'angry',
  'scared',
  'surprised',
  'disgusted',
  'neutral',
  'rude',
];

/** JSON has no −0, so it cannot round-trip; it means the same as 0 everywhere in the app. */
const withoutNegativeZero = (x: number) => x + 0;
const finite = (min: number, max: number) => fc.double({ min, max, noNaN: true }).map(withoutNegativeZero);

const tag = fc.constantFrom(...KNOWN_TAGS);
const mode = fc.constantFrom<TagMode>('allow', 'ban', 'force');
const boost = finite(-10, 10);
const alarm = fc.record({ action: fc.constantFrom<AlarmAction>('mark', 'pause', 'stop'), threshold: finite(0, 1) });

const change: fc.Arbitrary<PolicyChange> = fc.oneof(
  fc.record({ kind: fc.constant('mode' as const), tag, mode }),
  fc.record({ kind: fc.constant('boost' as const), tag, boost }),
  fc.constant({ kind: 'reset' as const }),
  fc.record({ kind: fc.constant('insert' as const), tag }),
  alarm.map((a) => ({ kind: 'alarm' as const, ...a })),
);

/** Any UTF-16 code unit, lone surrogates included: a prompt is whatever text a link carries. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const promptPiece = fc.constantFrom(
  '<story>',
  '<happy>',
  '<rude>',
  'Once',
  ' upon',
  ' a time',
  '.',
  '\n',
  '"',
  '<script>alert(1)</script>',
  '😀',
  'é',
);
const prompt = fc.oneof(
  fc.string({ unit: codeUnit, maxLength: LIMITS.promptLength }),
  fc.string({ unit: promptPiece, maxLength: 200 }).filter((s) => s.length <= LIMITS.promptLength),
  fc.constant('x'.repeat(LIMITS.promptLength)),
);

/** Seeds cover the whole unsigned 32-bit range (fc.integer stops at 2³¹ − 1). */
const seed = fc.tuple(fc.nat(0xffff), fc.nat(0xffff)).map(([high, low]) => high * 0x10000 + low);

/** A run's settings, with at most `entries` timeline changes. */
const runSettings = (entries: number): fc.Arbitrary<RunSettings> =>
  fc.integer({ min: 1, max: LIMITS.maxNewTokensMax }).chain((maxNewTokens) =>
    fc.record({
      prompt,
      seed,
      sampling: fc.record({
        temperature: finite(0, LIMITS.temperatureMax),
        topK: fc.integer({ min: 0, max: LIMITS.topKMax }),
        topP: fc.double({ min: 0, max: 1, minExcluded: true, noNaN: true }),
      }),
      maxNewTokens: fc.constant(maxNewTokens),
      initialPolicy: fc.dictionary(tag, fc.record<TagRule>({ mode, boost })),
      timeline: fc
        .array(fc.record({ tokenIndex: fc.integer({ min: 0, max: maxNewTokens }), change }), { maxLength: entries })
        .map((list) => list.sort((a, b) => a.tokenIndex - b.tokenIndex)),
      pace: finite(0, LIMITS.paceMax),
      alarm,
    }),
  );

const share = fc.option(finite(0, 1), { nil: null });
const perTag = <T>(item: fc.Arbitrary<T>) => fc.array(item, { maxLength: KNOWN_TAGS.length });

const summary = (maxNewTokens: number): fc.Arbitrary<MeasureSummary> =>
  fc.record({
    samples: fc.integer({ min: 0, max: LIMITS.measureSamples }),
    sentences: fc.nat(),
    freeSentences: fc.nat(),
    shares: perTag(fc.record({ tag, tagger: share, model: share, freeTagger: share, freeModel: share })),
    temptation: perTag(
      fc.nat(10_000).chain((sentences) =>
        fc.record({
          tag,
          sentences: fc.constant(sentences),
          tempted: fc.integer({ min: 0, max: sentences }),
          histogram: fc.array(fc.integer({ min: 0, max: sentences }), {
            minLength: HISTOGRAM_BINS,
            maxLength: HISTOGRAM_BINS,
          }),
        }),
      ),
    ),
    comeback: perTag(
      fc.integer({ min: 0, max: LIMITS.measureSamples }).chain((samples) =>
        fc.record({
          tag,
          liftedAt: fc.integer({ min: 0, max: maxNewTokens }),
          samples: fc.constant(samples),
          cameBack: fc.integer({ min: 0, max: samples }),
          within: fc.integer({ min: 0, max: LIMITS.measureWithin }),
        }),
      ),
    ),
    distinct2: share,
    freeDistinct2: share,
  });

const measurement: fc.Arbitrary<SharedMeasurement> = runSettings(5).chain((run) =>
  fc.record({
    run: fc.constant(run),
    samples: fc.integer({ min: 1, max: LIMITS.measureSamples }),
    threshold: finite(0, 1),
    within: fc.integer({ min: 1, max: LIMITS.measureWithin }),
    summary: summary(run.maxNewTokens),
  }),
);

/** A fork of a run of `runTokens` tokens, with at most `entries` changes of its own. */
const fork = (runTokens: number, entries: number): fc.Arbitrary<ShareFork> =>
  fc.integer({ min: 0, max: runTokens - 1 }).chain((at) =>
    fc.integer({ min: at + 1, max: LIMITS.maxNewTokensMax }).chain((maxNewTokens) =>
      fc.record({
        at: fc.constant(at),
        maxNewTokens: fc.constant(maxNewTokens),
        initialPolicy: fc.dictionary(tag, fc.record<TagRule>({ mode, boost })),
        alarm,
        timeline: fc
          .array(fc.record({ tokenIndex: fc.integer({ min: at + 1, max: maxNewTokens }), change }), {
            maxLength: entries,
          })
          .map((list) => list.sort((a, b) => a.tokenIndex - b.tokenIndex)),
      }),
    ),
  );

export const validShareState: fc.Arbitrary<ShareState> = fc
  .tuple(
    runSettings(40),
    fc.record({
      version: fc.constant(SHARE_VERSION),
      model: fc.string({ minLength: 1, maxLength: LIMITS.modelNameLength }),
      backend: fc.constantFrom('wasm' as const, 'webgpu' as const, null),
      measurement: fc.option(measurement, { nil: null }),
    }),
  )
  .chain(([run, rest]) =>
    // A fork is optional: a state without one has no `fork` key.
    fc
      .option(fork(run.maxNewTokens, 10), { nil: undefined })
      .map((forked): ShareState => (forked ? { ...rest, ...run, fork: forked } : { ...rest, ...run })),
  );
