import type { Policy } from '../steering/policy';
import type { TagGroup } from '../steering/tags';
import type { TimelineEntry } from '../steering/timeline';
import type { TokenStep } from '../worker/api';
import { applyChanges, bannedTags } from './policy-view';

/** A generated token as the stream and chart show it. */
export interface TokenView extends TokenStep {
  /** The tag's name when this token is a control tag. */
  tag: string | null;
  /** Every tag banned when this token was drawn, with the probability the model gave it before the ban. */
  banned: { tag: string; prob: number }[];
}

/**
 * Follows a run's policy token by token. `policyVersion` says how many timeline entries were in force
 * for a step, so the policy here is exactly the one the engine used.
 */
export class TokenViews {
  private policy: Policy;
  private applied = 0;

  constructor(
    initialPolicy: Policy,
    private readonly groups: TagGroup[],
    private readonly tags: string[],
    private readonly tagOfToken: Map<number, string>,
  ) {
    this.policy = initialPolicy;
  }

  view(step: TokenStep, timeline: TimelineEntry[]): TokenView {
    if (step.policyVersion > this.applied) {
      this.policy = applyChanges(
        this.policy,
        timeline.slice(this.applied, step.policyVersion).map((e) => e.change),
        this.groups,
      );
      this.applied = step.policyVersion;
    }
    const banned = bannedTags(this.policy)
      .map((tag) => ({ tag, prob: step.tagProbs[this.tags.indexOf(tag)] }))
      .filter((b) => b.prob !== undefined);
    return { ...step, tag: this.tagOfToken.get(step.token) ?? null, banned };
  }
}
