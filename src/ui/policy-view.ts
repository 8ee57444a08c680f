import { applyChange, type Policy, type PolicyChange } from '../steering/policy';
import type { TagGroup } from '../steering/tags';

/** The names of the tags that share a group with `tag`, which a force releases. */
export const groupMembersOf =
  (groups: TagGroup[]) =>
  (tag: string): string[] =>
    groups.find((g) => g.tags.some((t) => t.name === tag))?.tags.map((t) => t.name) ?? [];

/** Applies changes in order, exactly as the engine does. */
export function applyChanges(policy: Policy, changes: PolicyChange[], groups: TagGroup[]): Policy {
  const members = groupMembersOf(groups);
  return changes.reduce((p, change) => applyChange(p, change, members), policy);
}

export const bannedTags = (policy: Policy): string[] =>
  Object.entries(policy)
    .filter(([, rule]) => rule.mode === 'ban')
    .map(([tag]) => tag);
