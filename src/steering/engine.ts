import { strongestTemptation, type Alarm, type AlarmHit } from './alarm';
import { certainCost, controlCost } from './control-cost';
import { applyPolicy } from './hook';
import { applyChange, type Policy, type PolicyChange } from './policy';
import { keyedUniform } from './random';
import { alternatives, sampleToken, type SamplingParams } from './sampler';
import { allTags, groupMembersOf, type TagGroup } from './tags';
import type { TimelineEntry } from './timeline';

/** A causal language model with a KV cache: feeding tokens returns the logits for the next one. */
export interface LanguageModel {
  /** Appends `tokens` to the context and returns the next-token logits. */
  next(tokens: number[]): Promise<Float32Array>;
  /** Forgets the context. */
  reset(): void;
  /** Most positions the model can attend to. */
  readonly maxLength: number;
  readonly endOfText: number;
}

export interface GenerationSettings {
  promptIds: number[];
  seed: number;
  sampling: SamplingParams;
  maxNewTokens: number;
  initialPolicy: Policy;
  /** Changes to replay at their recorded indices (from a share link); live changes are added with `change`. */
  timeline?: TimelineEntry[];
  /** Without one, no step is checked for temptation. */
  alarm?: Alarm;
  /**
   * Tokens already generated, to go on from (a fork): read after the prompt one at a time, exactly as the run
   * that wrote them read them, and counted as its first tokens, so the first new step has index
   * `prefix.length` and draws with that step's keyed randomness. No step is returned for them.
   */
  prefix?: number[];
}

export interface Step {
  index: number;
  token: number;
  /** Tag logits and probabilities before the policy, in `allTags(groups)` order. */
  tagLogits: number[];
  tagProbs: number[];
  /** The `TOP_ALTERNATIVES` most likely tokens after the policy, most likely first. */
  top: { token: number; prob: number }[];
  /** True when a "force now" put the token here rather than the sampler. */
  inserted: boolean;
  /** How many timeline entries were in force for this token. */
  policyVersion: number;
  /**
   * The policy the hook applied for this token (tags banned, forced and boosted): on the first step and
   * whenever it changed since the step before, so a reader never has to replay the timeline.
   */
  applied?: Policy;
  /** Set when the alarm is to pause or stop here: a banned tag passed its threshold before the ban. */
  alarm?: AlarmHit;
  /**
   * The cost of control at this step, KL(q‖p) in nats (`controlCost`): p the model's own next-token
   * distribution, q the one after the policy (for an inserted token, certainty of it), both at temperature 1
   * before top-k and top-p. 0 where the policy changed nothing.
   */
  kl: number;
}

/** How many alternatives each step keeps, for the popover and the export. */
export const TOP_ALTERNATIVES = 5;

/** `alarm`: the alarm, set to stop, went off at the last step. */
export type StopReason = 'end-of-text' | 'max-tokens' | 'context-full' | 'alarm';

/**
 * The engine loop, shared by the browser worker and the Node evaluation: one `step()` runs the
 * model once, records the tags' raw probabilities, applies the newest policy and samples with a
 * seeded generator. Policy changes take effect at the next token and are kept, in order, in `timeline`.
 */
export class Generation {
  readonly timeline: TimelineEntry[] = [];
  readonly tokens: number[] = [];
  policy: Policy;
  alarm: Alarm | null;
  stopped: StopReason | null = null;
  private readonly scheduled: TimelineEntry[];
  /** What the model has still to read, one call each: the prompt, then any prefix token by token, then each pick. */
  private pending: number[][];
  private readonly tagIds: Map<string, number>;
  /** Tag names in the order of a step's `tagProbs`. */
  private readonly tagNames: string[];
  private readonly groupMembers: (tag: string) => string[];
  private lastApplied: Policy | null = null;

  constructor(
    private readonly model: LanguageModel,
    private readonly groups: TagGroup[],
    private readonly settings: GenerationSettings,
  ) {
    this.policy = settings.initialPolicy;
    this.alarm = settings.alarm ?? null;
    this.scheduled = [...(settings.timeline ?? [])].sort((a, b) => a.tokenIndex - b.tokenIndex);
    const prefix = settings.prefix ?? [];
    this.tokens.push(...prefix);
    this.pending = [[...settings.promptIds], ...prefix.map((token) => [token])];
    this.tagIds = new Map(allTags(groups).map((t) => [t.name, t.id]));
    this.tagNames = allTags(groups).map((t) => t.name);
    this.groupMembers = groupMembersOf(groups);
    model.reset();
  }

  /** Records a change; it applies from the next generated token. */
  change(change: PolicyChange): void {
    this.timeline.push({ tokenIndex: this.tokens.length, change });
    if (change.kind === 'alarm') this.alarm = { action: change.action, threshold: change.threshold };
    else if (change.kind !== 'insert') this.policy = applyChange(this.policy, change, this.groupMembers);
  }

  /**
   * Reads one more token of a prefix; false once only the last read is left, which the next `step` makes. A
   * caller that must stay responsive reads a long prefix this way between its messages; `step` reads whatever
   * is left itself.
   */
  async readAhead(): Promise<boolean> {
    if (this.pending.length <= 1 || this.stopped) return false;
    await this.model.next(this.pending.shift()!);
    return true;
  }

  async step(): Promise<Step | null> {
    if (this.stopped) return null;
    while (this.scheduled.length > 0 && this.scheduled[0].tokenIndex <= this.tokens.length)
      this.change(this.scheduled.shift()!.change);
    const contextLength = this.settings.promptIds.length + this.tokens.length;
    if (this.tokens.length >= this.settings.maxNewTokens) return this.stop('max-tokens');
    if (contextLength >= this.model.maxLength) return this.stop('context-full');
    while (await this.readAhead());
    const raw = await this.model.next(this.pending.shift()!);
    const previous =
      this.tokens.length > 0 ? this.tokens[this.tokens.length - 1] : (this.settings.promptIds.at(-1) ?? null);
    const hooked = applyPolicy(raw, this.groups, this.policy, previous);
    const insertAt = this.timeline.findLast((e) => e.tokenIndex === this.tokens.length && e.change.kind === 'insert');
    const insertedTag = insertAt?.change.kind === 'insert' ? this.tagIds.get(insertAt.change.tag) : undefined;
    const index = this.tokens.length;
    const token =
      insertedTag ??
      sampleToken(hooked.logits, this.settings.sampling, (id) => keyedUniform(this.settings.seed, index, id));
    const step: Step = {
      index: this.tokens.length,
      token,
      tagLogits: hooked.tagLogits,
      tagProbs: hooked.tagProbs,
      top: alternatives(hooked.logits, TOP_ALTERNATIVES),
      inserted: insertedTag !== undefined,
      policyVersion: this.timeline.length,
      kl:
        insertedTag !== undefined
          ? certainCost(raw, insertedTag, hooked.rawLogZ)
          : controlCost(raw, hooked.logits, hooked.rawLogZ),
    };
    if (this.policy !== this.lastApplied) step.applied = this.lastApplied = this.policy;
    const alarm = this.alarm;
    const tempted =
      alarm && alarm.action !== 'mark'
        ? strongestTemptation(hooked.tagProbs, this.tagNames, this.policy, alarm.threshold)
        : null;
    if (alarm && tempted) step.alarm = { ...tempted, ...alarm };
    this.tokens.push(token);
    this.pending = [[token]];
    if (token === this.model.endOfText && !step.inserted) this.stopped = 'end-of-text';
    else if (step.alarm?.action === 'stop') this.stopped = 'alarm';
    return step;
  }

  private stop(reason: StopReason): null {
    this.stopped = reason;
    return null;
  }
}
