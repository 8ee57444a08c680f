import { applyChange, type Policy, type PolicyChange } from '../steering/policy';
import { groupMembersOf, type TagGroup } from '../steering/tags';

/** Applies changes in order, exactly as the engine does. */
export function applyChanges(policy: Policy, changes: PolicyChange[], groups: TagGroup[]): Policy {
  const members = groupMembersOf(groups);
  return changes.reduce((p, change) => applyChange(p, change, members), policy);
}

export const bannedTags = (policy: Policy): string[] =>
  Object.entries(policy)
    .filter(([, rule]) => rule.mode === 'ban')
    .map(([tag]) => tag);
