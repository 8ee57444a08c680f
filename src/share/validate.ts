import { ALARM_ACTIONS, DEFAULT_ALARM, type Alarm, type AlarmAction } from '../steering/alarm';
import { BOOST_LIMIT, type Policy, type PolicyChange, type TagMode, type TagRule } from '../steering/policy';
import { HISTOGRAM_BINS, type MeasureSummary } from '../measure/summary';
import type { SamplingParams } from '../steering/sampler';
import type { TimelineEntry } from '../steering/timeline';
import { LIMITS } from './limits';
import { MODEL_DIR } from '../model/model-name';
import type { ShareFork } from './fork';
import { EarlierSamplerError, ShareLinkError } from './link-error';
import { SHARE_VERSION, type RunSettings, type SharedMeasurement, type ShareState } from './state';

const MODES: readonly TagMode[] = ['allow', 'ban', 'force'];

function fail(message: string): never {
  throw new ShareLinkError(message);
}

/**
 * A short rendering of an offending value for an error message; links can hold anything, so containers
 * are only named.
 */
function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'a group of settings';
  return shortened(typeof value === 'string' ? JSON.stringify(value) : String(value));
}

const shortened = (text: string): string => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function object(value: unknown, what: string): Record<string, unknown> {
  if (!isRecord(value)) fail(`In this link, ${what} is not a set of settings.`);
  return value;
}

interface Range {
  min: number;
  max: number;
  integer?: boolean;
  /** The minimum itself is not allowed (top-p must be above 0). */
  aboveMin?: boolean;
}

function numberIn(value: unknown, what: string, range: Range): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!range.integer || Number.isInteger(value)) &&
    (range.aboveMin ? value > range.min : value >= range.min) &&
    value <= range.max;
  if (!ok) {
    const kind = range.integer ? 'a whole number' : 'a number';
    const bounds = range.aboveMin ? `above ${range.min} and at most ${range.max}` : `from ${range.min} to ${range.max}`;
    fail(`In this link, ${what} must be ${kind} ${bounds}; it is ${shown(value)}.`);
  }
  return value as number;
}

function knownTag(value: unknown, known: ReadonlySet<string>, where: string): string {
  if (typeof value !== 'string') fail(`In this link, ${where} names no tag; its tag is ${shown(value)}.`);
  // JSON escaping keeps newlines and control characters in the name visible.
  if (!known.has(value))
    fail(`This link names a tag the model does not know: <${shortened(JSON.stringify(value).slice(1, -1))}>`);
  return value;
}

function mode(value: unknown, where: string): TagMode {
  if (!MODES.includes(value as TagMode))
    fail(`In this link, the mode of ${where} must be allow, ban or force; it is ${shown(value)}.`);
  return value as TagMode;
}

const boost = (value: unknown, where: string): number =>
  numberIn(value, `the boost of ${where}`, { min: -BOOST_LIMIT, max: BOOST_LIMIT });

function policy(value: unknown, known: ReadonlySet<string>): Policy {
  const rules = Object.entries(object(value, 'the tag policy')).map(([tag, raw]): [string, TagRule] => {
    knownTag(tag, known, 'the tag policy');
    const rule = object(raw, `the rule for <${tag}>`);
    return [tag, { mode: mode(rule.mode, `the rule for <${tag}>`), boost: boost(rule.boost, `<${tag}>`) }];
  });
  // fromEntries defines own properties, so a key such as "__proto__" can never reach the prototype.
  return Object.fromEntries(rules);
}

function alarm(action: unknown, threshold: unknown, where: string): Alarm {
  if (!ALARM_ACTIONS.includes(action as AlarmAction))
    fail(`In this link, the alarm of ${where} must be mark, pause or stop; it is ${shown(action)}.`);
  return {
    action: action as AlarmAction,
    threshold: numberIn(threshold, `the alarm threshold of ${where}`, { min: 0, max: 1 }),
  };
}

function change(value: unknown, known: ReadonlySet<string>, where: string): PolicyChange {
  const raw = object(value, `the change of ${where}`);
  switch (raw.kind) {
    case 'reset':
      return { kind: 'reset' };
    case 'insert':
      return { kind: 'insert', tag: knownTag(raw.tag, known, where) };
    case 'mode':
      return { kind: 'mode', tag: knownTag(raw.tag, known, where), mode: mode(raw.mode, where) };
    case 'boost':
      return { kind: 'boost', tag: knownTag(raw.tag, known, where), boost: boost(raw.boost, where) };
    case 'alarm':
      return { kind: 'alarm', ...alarm(raw.action, raw.threshold, where) };
    default:
      return fail(
        `In this link, the change of ${where} must be a mode, boost, reset, insert or alarm; it is ${shown(raw.kind)}.`,
      );
  }
}

/** A fork's timeline (`forks`) is told apart in the messages, and its changes come after the fork's start (`min`). */
function timeline(
  value: unknown,
  known: ReadonlySet<string>,
  maxNewTokens: number,
  { min = 0, forks = false }: { min?: number; forks?: boolean } = {},
): TimelineEntry[] {
  if (!Array.isArray(value)) fail(`In this link, the ${forks ? "fork's " : ''}timeline is not a list.`);
  if (value.length > LIMITS.timelineEntries)
    fail(
      `This link's ${forks ? 'fork' : 'timeline'} has ${value.length} changes; at most ${LIMITS.timelineEntries} ` +
        'are allowed.',
    );
  let previous = min;
  return value.map((item: unknown, i) => {
    const where = `${forks ? "the fork's " : ''}timeline entry ${i + 1}`;
    const entry = object(item, where);
    const tokenIndex = numberIn(entry.tokenIndex, `the token index of ${where}`, {
      min,
      max: maxNewTokens,
      integer: true,
    });
    if (tokenIndex < previous)
      fail(`In this link, ${where} is out of order: token ${tokenIndex} comes after token ${previous}.`);
    previous = tokenIndex;
    return { tokenIndex, change: change(entry.change, known, where) };
  });
}

/**
 * A fork of the run: it goes on after the run's token `at` (one the run may write), for at most
 * `LIMITS.maxNewTokensMax` tokens in all, with changes only after its start.
 */
function fork(value: unknown, known: ReadonlySet<string>, runTokens: number): ShareFork {
  const raw = object(value, 'the fork');
  const at = numberIn(raw.at, 'the token the fork goes on after', { min: 0, max: runTokens - 1, integer: true });
  const maxNewTokens = numberIn(raw.maxNewTokens, "the fork's number of tokens", {
    min: at + 1,
    max: LIMITS.maxNewTokensMax,
    integer: true,
  });
  const start = object(raw.alarm, "the fork's alarm");
  return {
    at,
    maxNewTokens,
    initialPolicy: policy(raw.initialPolicy, known),
    alarm: alarm(start.action, start.threshold, "the fork's start"),
    timeline: timeline(raw.timeline, known, maxNewTokens, { min: at + 1, forks: true }),
  };
}

function sampling(value: unknown): SamplingParams {
  const raw = object(value, 'the sampling');
  return {
    temperature: numberIn(raw.temperature, 'the temperature', { min: 0, max: LIMITS.temperatureMax }),
    topK: numberIn(raw.topK, 'top-k', { min: 0, max: LIMITS.topKMax, integer: true }),
    topP: numberIn(raw.topP, 'top-p', { min: 0, max: 1, aboveMin: true }),
  };
}

/** A run's settings, each named with `prefix` in messages ("the measurement's "). */
function runSettings(raw: Record<string, unknown>, known: ReadonlySet<string>, prefix = '', withAlarm = true) {
  if (typeof raw.prompt !== 'string') fail(`In this link, ${prefix}prompt must be text; it is ${shown(raw.prompt)}.`);
  if (raw.prompt.length > LIMITS.promptLength)
    fail(
      `In this link, ${prefix}prompt has ${raw.prompt.length} characters; at most ${LIMITS.promptLength} are allowed.`,
    );
  const maxNewTokens = numberIn(raw.maxNewTokens, `${prefix}number of new tokens`, {
    min: 1,
    max: LIMITS.maxNewTokensMax,
    integer: true,
  });
  const start = withAlarm ? object(raw.alarm, `${prefix}alarm`) : null;
  const settings: RunSettings = {
    prompt: raw.prompt,
    seed: numberIn(raw.seed, `${prefix}seed`, { min: 0, max: LIMITS.seedMax, integer: true }),
    sampling: sampling(raw.sampling),
    maxNewTokens,
    initialPolicy: policy(raw.initialPolicy, known),
    timeline: timeline(raw.timeline, known, maxNewTokens),
    pace: numberIn(raw.pace, `${prefix}pace`, { min: 0, max: LIMITS.paceMax }),
    alarm: start ? alarm(start.action, start.threshold, 'the start') : { ...DEFAULT_ALARM },
  };
  return settings;
}

const count = (value: unknown, what: string, max = Number.MAX_SAFE_INTEGER) =>
  numberIn(value, `the measurement's ${what}`, { min: 0, max, integer: true });

const shareOrNull = (value: unknown, what: string): number | null =>
  value === null ? null : numberIn(value, `the measurement's ${what}`, { min: 0, max: 1 });

/** A list of at most one item per tag, each checked by `item`. */
function perTag<T>(
  value: unknown,
  known: ReadonlySet<string>,
  what: string,
  item: (raw: Record<string, unknown>) => T,
) {
  if (!Array.isArray(value) || value.length > known.size)
    fail(`In this link, the measurement's ${what} must be a list of at most one entry per tag.`);
  return value.map((raw: unknown) => item(object(raw, `an entry of the measurement's ${what}`)));
}

function summary(value: unknown, known: ReadonlySet<string>, maxNewTokens: number): MeasureSummary {
  const raw = object(value, "the measurement's summary");
  const tagOf = (entry: Record<string, unknown>, what: string) =>
    knownTag(entry.tag, known, `the measurement's ${what}`);
  return {
    samples: count(raw.samples, 'sample count', LIMITS.measureSamples),
    sentences: count(raw.sentences, 'sentence count'),
    freeSentences: count(raw.freeSentences, 'free sentence count'),
    shares: perTag(raw.shares, known, 'shares', (s) => ({
      tag: tagOf(s, 'shares'),
      tagger: shareOrNull(s.tagger, 'share by the tagger'),
      model: shareOrNull(s.model, "share by the model's tags"),
      freeTagger: shareOrNull(s.freeTagger, 'free share by the tagger'),
      freeModel: shareOrNull(s.freeModel, "free share by the model's tags"),
    })),
    temptation: perTag(raw.temptation, known, 'temptation', (t) => {
      if (!Array.isArray(t.histogram) || t.histogram.length !== HISTOGRAM_BINS)
        fail(`In this link, the measurement's temptation histogram must have ${HISTOGRAM_BINS} bins.`);
      const sentences = count(t.sentences, 'banned sentence starts');
      return {
        tag: tagOf(t, 'temptation'),
        sentences,
        tempted: count(t.tempted, 'tempted sentence starts', sentences),
        histogram: t.histogram.map((n: unknown) => count(n, 'histogram count', sentences)),
      };
    }),
    comeback: perTag(raw.comeback, known, 'comebacks', (c) => {
      const samples = count(c.samples, 'comeback samples', LIMITS.measureSamples);
      return {
        tag: tagOf(c, 'comebacks'),
        liftedAt: count(c.liftedAt, 'lifted ban token', maxNewTokens),
        samples,
        cameBack: count(c.cameBack, 'comebacks', samples),
        within: count(c.within, 'comeback window', LIMITS.measureWithin),
      };
    }),
    distinct2: shareOrNull(raw.distinct2, 'distinct-2'),
    freeDistinct2: shareOrNull(raw.freeDistinct2, 'free distinct-2'),
  };
}

function measurement(value: unknown, known: ReadonlySet<string>): SharedMeasurement | null {
  if (value === null) return null;
  const raw = object(value, 'the measurement');
  const run = runSettings(object(raw.run, "the measurement's settings"), known, "the measurement's ");
  return {
    run,
    samples: numberIn(raw.samples, "the measurement's samples", { min: 1, max: LIMITS.measureSamples, integer: true }),
    threshold: numberIn(raw.threshold, "the measurement's threshold", { min: 0, max: 1 }),
    within: numberIn(raw.within, "the measurement's comeback window", {
      min: 1,
      max: LIMITS.measureWithin,
      integer: true,
    }),
    summary: summary(raw.summary, known, run.maxNewTokens),
  };
}

const READABLE = [SHARE_VERSION, 3, 2, 1];

/**
 * Checks a decoded link field by field and rebuilds it from the checked values only, so nothing
 * unexpected (extra keys, odd prototypes) reaches the app. Throws `ShareLinkError` with a message
 * for the user.
 */
export function validateShareState(raw: unknown, knownTags: readonly string[]): ShareState {
  if (!isRecord(raw)) fail('This link does not hold tagplay settings.');
  if (!READABLE.includes(raw.version as number)) {
    fail(
      raw.version === undefined
        ? 'This link has no format version, so it was not made by tagplay.'
        : `This link uses format version ${shown(raw.version)}, which this page cannot read ` +
            `(it reads version ${SHARE_VERSION}).`,
    );
  }
  const known = new Set(knownTags);
  // Versions 1 and 2 had no alarm: their runs only marked temptation.
  const settings = runSettings(raw, known, 'the ', raw.version !== 1 && raw.version !== 2);
  const state: ShareState = {
    version: SHARE_VERSION,
    ...settings,
    model: MODEL_DIR,
    backend: null,
    measurement: null,
  };
  if (raw.version === 1) throw new EarlierSamplerError(state);
  if (typeof raw.model !== 'string' || raw.model.length === 0 || raw.model.length > LIMITS.modelNameLength)
    fail(`In this link, the model must be a folder name of at most ${LIMITS.modelNameLength} characters.`);
  if (raw.backend !== null && raw.backend !== 'wasm' && raw.backend !== 'webgpu')
    fail(`In this link, the backend must be wasm, webgpu or null; it is ${shown(raw.backend)}.`);
  const checked: ShareState = {
    ...state,
    model: raw.model,
    backend: raw.backend,
    measurement: raw.version === SHARE_VERSION ? measurement(raw.measurement, known) : null,
  };
  // A fork is optional, in version 4: a link without one has no `fork` key.
  if (raw.version !== SHARE_VERSION || raw.fork === undefined) return checked;
  return { ...checked, fork: fork(raw.fork, known, settings.maxNewTokens) };
}
