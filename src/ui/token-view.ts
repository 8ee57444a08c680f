import type { Policy } from '../steering/policy';
import type { TokenStep } from '../worker/api';
import { bannedTags } from './policy-view';

/** A generated token as the stream and chart show it. */
export interface TokenView extends TokenStep {
  /** The tag's name when this token is a control tag. */
  tag: string | null;
  /** Every tag banned when this token was drawn, with the probability the model gave it before the ban. */
  banned: { tag: string; prob: number }[];
}

/**
 * Follows a run's policy token by token: each step says what the hook applied whenever that changed,
 * so the policy here is exactly the one the engine used.
 */
export class TokenViews {
  private policy: Policy = {};

  constructor(
    private readonly tags: string[],
    private readonly tagOfToken: Map<number, string>,
  ) {}

  view(step: TokenStep): TokenView {
    if (step.applied) this.policy = step.applied;
    const banned = bannedTags(this.policy)
      .map((tag) => ({ tag, prob: step.tagProbs[this.tags.indexOf(tag)] }))
      .filter((b) => b.prob !== undefined);
    return { ...step, tag: this.tagOfToken.get(step.token) ?? null, banned };
  }
}
