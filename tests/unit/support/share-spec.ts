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

export function specAccepts(v: unknown, tags: readonly string[]): boolean {
  // Version 2 links came before the alarm, and carry none.
  if (!isObject(v) || (v.version !== 3 && v.version !== 2)) return false;
  if (v.version === 3 && !(isObject(v.alarm) && alarm(v.alarm))) return false;
  if (typeof v.model !== 'string' || v.model.length < 1 || v.model.length > 200) return false;
  if (v.backend !== null && v.backend !== 'wasm' && v.backend !== 'webgpu') return false;
  if (typeof v.prompt !== 'string' || v.prompt.length > 4000) return false;
  if (!num(v.seed, 0, 4294967295, true) || !num(v.maxNewTokens, 1, 1000, true) || !num(v.pace, 0, 1000)) return false;
  const s = v.sampling;
  if (!isObject(s) || !num(s.temperature, 0, 2) || !num(s.topK, 0, 4096, true)) return false;
  if (!(typeof s.topP === 'number' && s.topP > 0 && s.topP <= 1)) return false;
  if (!isObject(v.initialPolicy)) return false;
  if (!Object.entries(v.initialPolicy).every(([tag, r]) => tags.includes(tag) && rule(r))) return false;
  if (!Array.isArray(v.timeline) || v.timeline.length > 10000) return false;
  const max = v.maxNewTokens as number;
  return v.timeline.every(
    (e: unknown, i: number, all: unknown[]) =>
      isObject(e) &&
      num(e.tokenIndex, 0, max, true) &&
      (i === 0 || (e.tokenIndex as number) >= ((all[i - 1] as { tokenIndex: number }).tokenIndex ?? 0)) &&
      change(e.change, tags),
  );
}
