import { logSumExp } from './control-cost';
import { ruleOf, type Policy } from './policy';
import { allTags, type TagGroup } from './tags';

export interface HookResult {
  /** The logits to sample from, after the policy. */
  logits: Float32Array;
  /** Every tag's raw logit and probability before the policy touched them, in `allTags(groups)` order. */
  tagLogits: number[];
  tagProbs: number[];
  /** log Σ exp(raw logits): the model's own normaliser, which the cost of control reuses. */
  rawLogZ: number;
}

/**
 * The logits hook. Records each tag's raw logit and probability, then applies the policy inside each
 * tag group so that the group's total probability at this step is unchanged: ban sets a tag's logit to
 * −∞, boost adds to it, force bans the group's other tags, and the group is rescaled to its original
 * total. Only when every tag of a group is banned does its mass go to the other tokens. A plain logit
 * bias would instead trade mass between tags and ordinary words, making the model emit a tag
 * mid-sentence (boost) or start a sentence with no tag at all (ban).
 *
 * A group with `slotAfter` has no rivals of its own: at the step right after a tag of that group, its
 * one alternative is "no flag", so there boost adds to its logit and force makes it certain; a ban
 * holds at every step.
 */
export function applyPolicy(
  raw: Float32Array,
  groups: TagGroup[],
  policy: Policy,
  previousToken: number | null,
): HookResult {
  // slice() is a plain copy; Float32Array.from would walk the array through the iterator protocol.
  const logits = raw.slice();
  const logZ = logSumExp(raw);
  const tags = allTags(groups);
  const tagLogits = tags.map((t) => raw[t.id]);
  const tagProbs = tagLogits.map((l) => Math.exp(l - logZ));
  const probOf = new Map(tags.map((t, i) => [t.id, tagProbs[i]]));
  const previousGroup = groups.find((g) => g.tags.some((t) => t.id === previousToken))?.name;
  let certain: number | null = null;

  for (const group of groups) {
    const rules = group.tags.map((t) => ruleOf(policy, t.name));
    if (group.slotAfter !== undefined) {
      const atSlot = previousGroup === group.slotAfter;
      group.tags.forEach((t, i) => {
        if (rules[i].mode === 'ban') logits[t.id] = -Infinity;
        else if (atSlot && rules[i].mode === 'force') certain = t.id;
        else if (atSlot) logits[t.id] += rules[i].boost;
      });
      continue;
    }
    const anyForced = rules.some((r) => r.mode === 'force');
    if (!anyForced && rules.every((r) => r.mode === 'allow' && r.boost === 0)) continue;
    const adjusted = group.tags.map((t, i) =>
      rules[i].mode === 'ban' || (anyForced && rules[i].mode !== 'force') ? -Infinity : raw[t.id] + rules[i].boost,
    );
    const adjustedZ = logSumExp(adjusted);
    const total = group.tags.reduce((sum, t) => sum + (probOf.get(t.id) ?? 0), 0);
    group.tags.forEach((t, i) => {
      // p_i = total · softmax(adjusted)_i, written as a logit against the unchanged normaliser Z.
      logits[t.id] = adjustedZ === -Infinity ? -Infinity : adjusted[i] - adjustedZ + Math.log(total) + logZ;
    });
  }
  if (certain !== null) {
    logits.fill(-Infinity);
    logits[certain] = 0;
  }
  return { logits, tagLogits, tagProbs, rawLogZ: logZ };
}
