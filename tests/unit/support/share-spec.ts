/**
 * What a share link may hold, written out again from the README's rules with literal bounds, apart
 * from `src/share/validate.ts` and its `LIMITS`: the fuzz tests' oracle, so that a wrong bound in the
 * validator shows up as a disagreement instead of agreeing with itself.
 */
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown, min: number, max: number, whole = false) =>
  typeof v === 'number' && v >= min && v <= max && (!whole || Number.isInteger(v));
const alarm = (v: Record<string, unknown>) =>
  ['mark', 'pause', 'stop'].includes(v.action as string) && num(v.threshold, 0, 1);
const rule = (v: unknown) =>
  isObject(v) && ['allow', 'ban', 'force'].includes(v.mode as string) && num(v.boost, -10, 10);

function change(v: unknown, tags: readonly string[]): boolean {
  if (!isObject(v)) return false;
  const tag = typeof v.tag === 'string' && tags.includes(v.tag);
  if (v.kind === 'reset') return true;
  if (v.kind === 'insert') return tag;
  if (v.kind === 'mode') return tag && ['allow', 'ban', 'force'].includes(v.mode as string);
  if (v.kind === 'boost') return tag && num(v.boost, -10, 10);
  if (v.kind === 'alarm') return alarm(v);
  return false;
}

/** Timeline entries: at most 10,000, each at a whole token from `min` to `max`, in order, each change known. */
const timelineAccepts = (list: unknown, tags: readonly string[], min: number, max: number) =>
  Array.isArray(list) &&
  list.length <= 10000 &&
  list.every(
    (e: unknown, i: number, all: unknown[]) =>
      isObject(e) &&
      num(e.tokenIndex, min, max, true) &&
      (i === 0 || (e.tokenIndex as number) >= ((all[i - 1] as { tokenIndex: number }).tokenIndex ?? 0)) &&
      change(e.change, tags),
  );

const policyAccepts = (v: unknown, tags: readonly string[]) =>
  isObject(v) && Object.entries(v).every(([tag, r]) => tags.includes(tag) && rule(r));

/**
 * A fork of a run of `runTokens` tokens: after one of them (`at`), at most 1,000 tokens in all and at least one of
 * its own, a starting policy and alarm, and changes only after its start.
 */
function forkAccepts(f: unknown, tags: readonly string[], runTokens: number): boolean {
  if (!isObject(f) || !num(f.at, 0, runTokens - 1, true)) return false;
  const at = f.at as number;
  if (!num(f.maxNewTokens, at + 1, 1000, true) || !isObject(f.alarm) || !alarm(f.alarm)) return false;
  return policyAccepts(f.initialPolicy, tags) && timelineAccepts(f.timeline, tags, at + 1, f.maxNewTokens as number);
}

/** A run's settings: prompt, seed, tokens, pace, sampling, starting policy, timeline and, from version 3, the alarm. */
function runAccepts(v: Record<string, unknown>, tags: readonly string[], withAlarm: boolean): boolean {
  if (withAlarm && !(isObject(v.alarm) && alarm(v.alarm))) return false;
  if (typeof v.prompt !== 'string' || v.prompt.length > 4000) return false;
  if (!num(v.seed, 0, 4294967295, true) || !num(v.maxNewTokens, 1, 1000, true) || !num(v.pace, 0, 1000)) return false;
  const s = v.sampling;
  if (!isObject(s) || !num(s.temperature, 0, 2) || !num(s.topK, 0, 4096, true)) return false;
  if (!(typeof s.topP === 'number' && s.topP > 0 && s.topP <= 1)) return false;
  return policyAccepts(v.initialPolicy, tags) && timelineAccepts(v.timeline, tags, 0, v.maxNewTokens as number);
}

const share = (v: unknown) => v === null || num(v, 0, 1);
const count = (v: unknown, max = 2 ** 53 - 1) => num(v, 0, max, true);

/** A measurement's settings and summary: counts whole, shares from 0 to 1 or null, 10 histogram bins. */
function measurementAccepts(m: unknown, tags: readonly string[]): boolean {
  if (m === null) return true;
  if (!isObject(m) || !isObject(m.run) || !runAccepts(m.run, tags, true)) return false;
  if (!num(m.samples, 1, 500, true) || !num(m.threshold, 0, 1) || !num(m.within, 1, 20, true)) return false;
  const s = m.summary;
  if (!isObject(s)) return false;
  const perTag = (list: unknown, ok: (e: Record<string, unknown>) => boolean) =>
    Array.isArray(list) &&
    list.length <= tags.length &&
    list.every((e) => isObject(e) && typeof e.tag === 'string' && tags.includes(e.tag) && ok(e));
  const tokens = m.run.maxNewTokens as number;
  return (
    count(s.samples, 500) &&
    count(s.sentences) &&
    count(s.freeSentences) &&
    share(s.distinct2) &&
    share(s.freeDistinct2) &&
    perTag(s.shares, (e) => share(e.tagger) && share(e.model) && share(e.freeTagger) && share(e.freeModel)) &&
    perTag(
      s.temptation,
      (e) =>
        count(e.sentences) &&
        count(e.tempted, e.sentences as number) &&
        Array.isArray(e.histogram) &&
        e.histogram.length === 10 &&
        e.histogram.every((n) => count(n, e.sentences as number)),
    ) &&
    perTag(
      s.comeback,
      (e) =>
        count(e.liftedAt, tokens) &&
        count(e.samples, 500) &&
        count(e.cameBack, e.samples as number) &&
        count(e.within, 20),
    )
  );
}

export function specAccepts(v: unknown, tags: readonly string[]): boolean {
  // Version 2 links came before the alarm, and carry none; only version 4 carries a measurement, and maybe a fork.
  if (!isObject(v) || ![4, 3, 2].includes(v.version as number)) return false;
  if (typeof v.model !== 'string' || v.model.length < 1 || v.model.length > 200) return false;
  if (v.backend !== null && v.backend !== 'wasm' && v.backend !== 'webgpu') return false;
  if (v.version === 4 && !measurementAccepts(v.measurement, tags)) return false;
  if (!runAccepts(v, tags, v.version !== 2)) return false;
  return v.version !== 4 || v.fork === undefined || forkAccepts(v.fork, tags, v.maxNewTokens as number);
}
