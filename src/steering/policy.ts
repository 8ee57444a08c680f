import type { AlarmAction } from './alarm';

/** What the user asks of one tag: allowed, banned or forced, plus a boost in logits. */
export type TagMode = 'allow' | 'ban' | 'force';

export interface TagRule {
  mode: TagMode;
  /** Added to the tag's logit before the group is rescaled; −10…+10. */
  boost: number;
}

export type Policy = Record<string, TagRule>;

export const BOOST_LIMIT = 10;
export const NEUTRAL_RULE: TagRule = { mode: 'allow', boost: 0 };

/** One edit of the policy, as recorded in the timeline and carried in share links. */
export type PolicyChange =
  | { kind: 'mode'; tag: string; mode: TagMode }
  | { kind: 'boost'; tag: string; boost: number }
  | { kind: 'reset' }
  /** "Force now": put the tag in as the very next token. Leaves the policy as it is. */
  | { kind: 'insert'; tag: string }
  /** The alarm's action and threshold from here on. Leaves the policy as it is. */
  | { kind: 'alarm'; action: AlarmAction; threshold: number };

export const ruleOf = (policy: Policy, tag: string): TagRule => policy[tag] ?? NEUTRAL_RULE;

export const clampBoost = (boost: number): number => Math.max(-BOOST_LIMIT, Math.min(BOOST_LIMIT, boost));

/**
 * Applies one change. Forcing a tag releases any other forced tag of the same group, since a group
 * can only be forced to one tag at a time.
 */
export function applyChange(
  policy: Policy,
  change: PolicyChange,
  groupOf: (tag: string) => string[] = () => [],
): Policy {
  if (change.kind === 'reset') return {};
  if (change.kind === 'insert' || change.kind === 'alarm') return policy;
  const next: Policy = { ...policy };
  const current = ruleOf(policy, change.tag);
  if (change.kind === 'boost') {
    next[change.tag] = { ...current, boost: clampBoost(change.boost) };
  } else {
    if (change.mode === 'force') {
      for (const other of groupOf(change.tag)) {
        if (other !== change.tag && ruleOf(next, other).mode === 'force')
          next[other] = { ...ruleOf(next, other), mode: 'allow' };
      }
    }
    next[change.tag] = { ...current, mode: change.mode };
  }
  for (const [tag, rule] of Object.entries(next)) if (rule.mode === 'allow' && rule.boost === 0) delete next[tag];
  return next;
}
