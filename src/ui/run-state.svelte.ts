import { MODEL_DIR } from '../model/model-name';
import { defaultShareState } from '../share/defaults';
import { SHARE_VERSION, type ShareState } from '../share/state';
import type { Alarm, AlarmAction } from '../steering/alarm';
import type { Policy, PolicyChange } from '../steering/policy';
import type { SamplingParams } from '../steering/sampler';
import { allTags, sentenceTags, type TagGroup } from '../steering/tags';
import type { TimelineEntry } from '../steering/timeline';
import { cutAtTags, promptPieces } from '../transcript/cut-at-tags';
import type { Transcript } from '../transcript/types';
import type { Backend, RunEnd, RunErrorKind, RunRequest, StepBatch, TokenStep } from '../worker/api';
import type { ChartView } from './chart-views';
import { FrameQueue } from './frame-queue';
import { applyChanges } from './policy-view';
import { shareHash } from './share-link';
import { summarizeTemptation } from './temptation';
import type { SentChange } from './test-hooks';
import { TokenViews, type TokenView } from './token-view';

/** The controls a run starts from, besides the policy. */
export interface Settings {
  prompt: string;
  seed: number;
  sampling: SamplingParams;
  maxNewTokens: number;
  pace: number;
}

/** One run as the page knows it: what it was started with, and what has come back so far. */
export interface RunView {
  request: RunRequest;
  timeline: TimelineEntry[];
  tokens: TokenView[];
  promptLength: number;
  paused: boolean;
  ended: RunEnd | null;
  error: string | null;
  /** Live policy changes the worker has recorded so far. */
  liveEchoed: number;
  /** The policy after the changes the worker has recorded so far. */
  policy: Policy;
  backend: Backend;
}

export const settingsOf = (state: ShareState): Settings => ({
  prompt: state.prompt,
  seed: state.seed,
  sampling: { ...state.sampling },
  maxNewTokens: state.maxNewTokens,
  pace: state.pace,
});

const stripView = ({ tag: _tag, banned: _banned, ...token }: TokenView): TokenStep => token;

// Tokens reach the page at most this often (about 12 updates a second): reading speed, and each update re-lays
// out the stream.
const STREAM_UPDATE_MS = 80;

/**
 * The controls, the policy as the user sees it, and the runs as they stream in, updated at most once per
 * animation frame. Knows nothing of the worker: the playground sends what `change` lets through and
 * feeds back what the worker answers.
 */
export class RunState {
  settings = $state<Settings>(settingsOf(defaultShareState()));
  threshold = $state(defaultShareState().alarm.threshold);
  alarmAction = $state<AlarmAction>(defaultShareState().alarm.action);
  showTags = $state(true);
  chartView = $state<ChartView>('share');
  run = $state.raw<RunView | null>(null);
  /** The loaded model's tag groups. */
  groups = $state.raw<TagGroup[]>([]);
  /** The loaded model as a share link names it: the site's folder (`MODEL_DIR`), or a model the user opened. */
  model = $state(MODEL_DIR);

  /** The policy between runs; during a run it is what the worker last reported. */
  private idlePolicy = $state.raw<Policy>({});
  /** Live changes sent during the current run, in order; the worker echoes them in its timeline. */
  private live = $state.raw<PolicyChange[]>([]);
  /** Every change sent during the current run, in order; unlike `live`, kept after the run. */
  private sent: SentChange[] = [];
  private views: TokenViews | null = null;
  private readonly queue = new FrameQueue<{ run: RunRequest; batch: StepBatch }>(
    (items) => this.absorb(items),
    STREAM_UPDATE_MS,
  );

  /** `failed` hears of a run that ended with an error. */
  constructor(private readonly failed: (run: RunView, kind: RunErrorKind) => void) {}

  readonly tags = $derived(allTags(this.groups).map((t) => t.name));
  /** The tags that open a sentence and the flag that may follow them, from the model's vocabulary. */
  readonly sentenceTags = $derived(sentenceTags(this.groups));
  readonly running = $derived(this.run !== null && this.run.ended === null);

  /** The policy in force now: as the worker last reported it, then the changes still on their way to it. */
  readonly policy: Policy = $derived.by(() => {
    const run = this.run;
    if (!run || run.ended !== null) return this.idlePolicy;
    return applyChanges(run.policy, this.live.slice(run.liveEchoed), this.groups);
  });

  readonly sentences = $derived.by(() => {
    const run = this.run;
    if (!run) return [];
    const pieces = [
      ...promptPieces(run.request.prompt, this.tags),
      ...run.tokens.map((t) => ({ tag: t.tag, text: t.text, index: t.index })),
    ];
    // Only an end of text finishes the last sentence; a run cut short leaves it unfinished.
    return cutAtTags(pieces, this.sentenceTags, run.ended === 'end-of-text');
  });

  readonly alarm: Alarm = $derived({ action: this.alarmAction, threshold: this.threshold });

  readonly temptation = $derived(summarizeTemptation(this.run?.tokens ?? [], this.threshold));

  /** What a share link of this moment holds: the current run as seen, or the controls when nothing ran yet. */
  readonly shareState: ShareState = $derived.by(() => {
    const run = this.run;
    const pace = this.settings.pace;
    if (!run)
      return {
        version: SHARE_VERSION,
        ...$state.snapshot(this.settings),
        initialPolicy: this.policy,
        timeline: [],
        alarm: this.alarm,
        model: this.model,
        backend: null,
      };
    // A run stopped by hand is shared as far as it went, so the link replays exactly what was seen.
    const maxNewTokens = run.ended === 'user' ? Math.max(1, run.tokens.length) : run.request.maxNewTokens;
    return {
      version: SHARE_VERSION,
      ...run.request,
      maxNewTokens,
      timeline: run.timeline,
      pace,
      model: this.model,
      backend: run.backend,
    };
  });

  /** The controls as a share link sets them, with no run on the page. */
  restore(state: ShareState): void {
    this.settings = settingsOf(state);
    this.threshold = state.alarm.threshold;
    this.alarmAction = state.alarm.action;
    this.idlePolicy = state.initialPolicy;
    this.run = null;
  }

  /**
   * Another model is loaded: the run on the page and the tag controls (whose tags it may lack) are cleared,
   * and the prompt starts over from `prompt`.
   */
  switchModel(model: string, groups: TagGroup[], prompt: string): void {
    this.queue.clear();
    this.run = null;
    this.live = [];
    this.idlePolicy = {};
    this.model = model;
    this.groups = groups;
    this.settings.prompt = prompt;
  }

  /** What a run started now asks for: a shared state as it is, or the controls with the current policy. */
  request(replay?: ShareState): RunRequest {
    if (!replay)
      return { ...$state.snapshot(this.settings), initialPolicy: this.policy, timeline: [], alarm: this.alarm };
    const { version: _version, model: _model, backend: _backend, ...request } = replay;
    return request;
  }

  /** A new run on the page; returns where the worker's batches for it go. */
  begin(request: RunRequest, backend: Backend, stepping: boolean): (batch: StepBatch) => void {
    this.queue.clear();
    this.idlePolicy = request.initialPolicy;
    this.live = [];
    this.sent = [];
    // Built once per run and never changed.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const tagIds = new Map(allTags(this.groups).map((t) => [t.id, t.name]));
    this.views = new TokenViews(this.tags, tagIds);
    this.run = {
      request,
      timeline: [],
      tokens: [],
      promptLength: 0,
      paused: stepping,
      ended: null,
      error: null,
      liveEchoed: 0,
      policy: request.initialPolicy,
      backend,
    };
    return (batch) => this.queue.push({ run: request, batch });
  }

  /** Records a change; true when a run is going and the worker must be sent it. */
  change(change: PolicyChange): boolean {
    if (this.running) {
      this.live = [...this.live, change];
      this.sent.push({ change, tokensShown: this.run?.tokens.length ?? 0 });
      return true;
    }
    if (change.kind !== 'insert') this.idlePolicy = applyChanges(this.idlePolicy, [change], this.groups);
    return false;
  }

  /** The prompt plus the text generated before token `index`. */
  textBefore(index: number): string | null {
    const run = this.run;
    if (!run) return null;
    return (
      run.request.prompt +
      run.tokens
        .slice(0, index)
        .map((t) => t.text)
        .join('')
    );
  }

  transcript(): Transcript | null {
    const run = this.run;
    if (!run) return null;
    return {
      state: this.shareState,
      tags: this.tags,
      tokens: run.tokens.map(stripView),
      backend: run.backend,
      stopped: run.ended,
    };
  }

  sentChanges(): SentChange[] {
    return this.sent.map((sent) => ({ ...sent, change: { ...sent.change } }));
  }

  /** The run `request` failed to start. */
  failStart(request: RunRequest, error: string): void {
    const run = this.run;
    if (!run || run.request !== request || run.ended !== null) return;
    this.finish(run);
    this.run = { ...run, ended: 'error', error };
    this.failed(this.run, 'generation');
  }

  /** Ends the run on the page as it stands, with what has arrived so far, if it is still going. */
  settle(ended: RunEnd, error: string | null = null): void {
    this.queue.drain();
    const run = this.run;
    if (!run || run.ended !== null) return;
    this.finish(run);
    this.run = { ...run, ended, error, paused: false };
  }

  /** The policy the last run reached, for going on from it. */
  get lastPolicy(): Policy {
    return this.idlePolicy;
  }

  /** Folds the batches that arrived since the last frame into one new run view. */
  private absorb(items: { run: RunRequest; batch: StepBatch }[]): void {
    const run = this.run;
    const views = this.views;
    if (!run || !views) return;
    const timeline = [...run.timeline];
    const tokens = [...run.tokens];
    let next: RunView = run;
    let errorKind: RunErrorKind = 'generation';
    for (const { run: owner, batch } of items) {
      // Batches of a run that has since been replaced are dropped.
      if (owner !== run.request) continue;
      timeline.push(...batch.timeline);
      for (const step of batch.steps) tokens.push(views.view(step));
      next = {
        ...next,
        timeline,
        tokens,
        paused: batch.paused,
        liveEchoed: batch.liveChanges,
        policy: batch.policy,
        promptLength: batch.promptLength,
      };
      if (batch.ended) {
        next = { ...next, ended: batch.ended, error: batch.error ?? null };
        errorKind = batch.errorKind ?? 'generation';
      }
    }
    if (next === run) return;
    if (next.ended !== null) this.finish(next);
    this.run = next;
    if (next.ended === 'error') this.failed(next, errorKind);
  }

  /** The run is over: its final policy, plus changes the worker got too late, becomes the controls' policy. */
  private finish(run: RunView): void {
    const pending = this.live.slice(run.liveEchoed);
    // A replayed timeline may change the alarm: the controls end where the run did, unless changed since.
    const alarm = run.timeline.findLast((e) => e.change.kind === 'alarm')?.change;
    if (alarm?.kind === 'alarm' && !pending.some((c) => c.kind === 'alarm')) {
      this.alarmAction = alarm.action;
      this.threshold = alarm.threshold;
    }
    this.idlePolicy = applyChanges(run.policy, pending, this.groups);
    this.live = [];
    queueMicrotask(() => history.replaceState(null, '', shareHash($state.snapshot(this.shareState))));
  }
}
