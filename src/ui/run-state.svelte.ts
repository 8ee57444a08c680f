import { MODEL_DIR } from '../model/model-name';
import { defaultShareState } from '../share/defaults';
import type { ShareFork } from '../share/fork';
import { SHARE_VERSION, type SharedMeasurement, type ShareState } from '../share/state';
import type { Alarm, AlarmAction } from '../steering/alarm';
import type { Policy, PolicyChange } from '../steering/policy';
import type { SamplingParams } from '../steering/sampler';
import { allTags, sentenceTags, type TagGroup } from '../steering/tags';
import type { TimelineEntry } from '../steering/timeline';
import { cutAtTags, promptPieces } from '../transcript/cut-at-tags';
import { alarmAt, partPoint, policyAt, runningSum } from '../transcript/fork';
import type { ForkTranscript, Transcript } from '../transcript/types';
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

/**
 * A fork of the run on the page: it goes on from the run's prompt and tokens 0…`at` with the run's seed, sampling
 * and step numbering, under a policy of its own, which the tag controls set while it is open.
 */
export interface ForkView {
  /** The index of the run's token it goes on after. */
  at: number;
  /** Tokens in all, the shared ones counted: the run's own budget as shared. */
  maxNewTokens: number;
  /** The alarm controls as they were before the fork opened, put back when it closes. */
  alarmBefore: Alarm;
  /** Its run, once started (its tokens are its own, from index `at + 1`); null while it is being set up. */
  run: RunView | null;
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
  /** The fork of `run`, if one is open: the tag controls act on it. */
  fork = $state.raw<ForkView | null>(null);
  /** The last "Measure" result, or the one a share link brought; shared with the run while `shareMeasurement`. */
  measurement = $state.raw<SharedMeasurement | null>(null);
  shareMeasurement = $state(true);

  /** The policy between runs; during a run it is what the worker last reported. */
  private idlePolicy = $state.raw<Policy>({});
  /** Live changes sent during the current run, in order; the worker echoes them in its timeline. */
  private live = $state.raw<PolicyChange[]>([]);
  /** Every change sent during the current run, in order; unlike `live`, kept after the run. */
  private sent: SentChange[] = [];
  /** The policy a fork starts from, while it is set up and after it ran. */
  private forkPolicy = $state.raw<Policy>({});
  private views: TokenViews | null = null;
  private forkViews: TokenViews | null = null;
  private readonly queue = new FrameQueue<{ run: RunRequest; batch: StepBatch }>(
    (items) => this.absorb(items),
    STREAM_UPDATE_MS,
  );

  /** `failed` hears of a run (or fork) that ended with an error, `ended` of one that ended any way. */
  constructor(
    private readonly failed: (run: RunView, kind: RunErrorKind) => void,
    private readonly ended: (run: RunView) => void = () => {},
  ) {}

  readonly tags = $derived(allTags(this.groups).map((t) => t.name));
  /** The tags that open a sentence and the flag that may follow them, from the model's vocabulary. */
  readonly sentenceTags = $derived(sentenceTags(this.groups));
  readonly running = $derived(this.run !== null && this.run.ended === null);
  readonly forkRunning = $derived(this.fork?.run != null && this.fork.run.ended === null);
  /** Whether the worker is generating for the page: the run, or its fork. */
  readonly busy = $derived(this.running || this.forkRunning);
  /** The run the tag controls act on (the fork while one is open), if it is going: changes then apply live. */
  readonly controlledRunning = $derived(this.fork ? this.forkRunning : this.running);
  /** The run the worker is generating, or else the run on the page. */
  readonly active: RunView | null = $derived(this.forkRunning ? this.fork!.run : this.run);

  /**
   * The policy in force now, of the fork while one is open, else of the run: as the worker last reported it, then
   * the changes still on their way to it.
   */
  readonly policy: Policy = $derived.by(() => {
    const fork = this.fork;
    const run = fork ? fork.run : this.run;
    if (!run || run.ended !== null) return fork ? this.forkPolicy : this.idlePolicy;
    return applyChanges(run.policy, this.live.slice(run.liveEchoed), this.groups);
  });

  /** The run's own policy, whatever the fork's: the chart of the run shows it. */
  readonly runPolicy: Policy = $derived(this.fork ? this.idlePolicy : this.policy);

  /** Where the fork parts from the run: the first token index at which they differ (see `partPoint`). */
  readonly partAt: number | null = $derived.by(() => {
    const run = this.run;
    const fork = this.fork;
    if (!run || !fork?.run) return null;
    return partPoint(
      { tokens: run.tokens, ended: run.ended !== null },
      { tokens: fork.run.tokens, ended: fork.run.ended !== null },
      fork.at,
    );
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

  private readonly sharedMeasurement = $derived(this.shareMeasurement ? this.measurement : null);

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
        measurement: this.sharedMeasurement,
      };
    // A run stopped by hand is shared as far as it went, so the link replays exactly what was seen.
    const maxNewTokens = run.ended === 'user' ? Math.max(1, run.tokens.length) : run.request.maxNewTokens;
    const { prefix: _prefix, ...request } = run.request;
    const fork = this.sharedFork;
    return {
      version: SHARE_VERSION,
      ...request,
      maxNewTokens,
      timeline: run.timeline,
      pace,
      model: this.model,
      backend: run.backend,
      measurement: this.sharedMeasurement,
      ...(fork ? { fork } : {}),
    };
  });

  /** The fork as a link carries it, once it has run: as far as it went, like the run. */
  private get sharedFork(): ShareFork | null {
    const fork = this.fork;
    const run = fork?.run;
    if (!fork || !run) return null;
    const made = fork.at + 1 + run.tokens.length;
    return {
      at: fork.at,
      maxNewTokens: run.ended === 'user' ? made : run.request.maxNewTokens,
      initialPolicy: run.request.initialPolicy,
      alarm: run.request.alarm,
      timeline: run.timeline,
    };
  }

  /** The controls as a share link sets them, with no run on the page. */
  restore(state: ShareState): void {
    this.settings = settingsOf(state);
    this.threshold = state.alarm.threshold;
    this.alarmAction = state.alarm.action;
    this.idlePolicy = state.initialPolicy;
    this.measurement = state.measurement;
    this.run = null;
    this.fork = null;
  }

  /**
   * Another model is loaded: the run on the page and the tag controls (whose tags it may lack) are cleared,
   * and the prompt starts over from `prompt`.
   */
  switchModel(model: string, groups: TagGroup[], prompt: string): void {
    this.queue.clear();
    this.run = null;
    this.fork = null;
    this.measurement = null;
    this.live = [];
    this.idlePolicy = {};
    this.forkPolicy = {};
    this.model = model;
    this.groups = groups;
    this.settings.prompt = prompt;
  }

  /** What a run started now asks for: a shared state as it is, or the controls with the current policy. */
  request(replay?: ShareState): RunRequest {
    if (!replay)
      return { ...$state.snapshot(this.settings), initialPolicy: this.policy, timeline: [], alarm: this.alarm };
    const {
      version: _version,
      model: _model,
      backend: _backend,
      measurement: _measurement,
      fork: _fork,
      ...request
    } = replay;
    return request;
  }

  /** A new run on the page, which closes any fork; returns where the worker's batches for it go. */
  begin(request: RunRequest, backend: Backend, stepping: boolean): (batch: StepBatch) => void {
    this.queue.clear();
    if (this.fork) this.closeFork();
    this.idlePolicy = request.initialPolicy;
    this.live = [];
    this.sent = [];
    this.views = this.tokenViews();
    this.run = this.newRun(request, backend, stepping);
    return (batch) => this.queue.push({ run: request, batch });
  }

  /**
   * Opens a fork after token `at` of the run, which has ended: the tag controls now set its policy, starting from
   * the one that token was drawn under, and the alarm controls its alarm, starting from the one then in force.
   */
  openFork(at: number, policy?: Policy, alarm?: Alarm): boolean {
    const run = this.run;
    if (!run || run.ended === null || at < 0 || at >= run.tokens.length) return false;
    const before = this.fork?.alarmBefore ?? this.alarm;
    this.queue.clear();
    this.live = [];
    const shared = this.shareState;
    const start = alarm ?? alarmAt(run.request.alarm, run.timeline, at);
    this.threshold = start.threshold;
    this.alarmAction = start.action;
    this.forkPolicy = policy ?? policyAt(run.tokens, at);
    this.fork = { at, maxNewTokens: shared.maxNewTokens, alarmBefore: before, run: null };
    return true;
  }

  /** Closes the fork: the controls act on the run again, with the alarm they had before. */
  closeFork(): void {
    const fork = this.fork;
    if (!fork) return;
    this.fork = null;
    this.forkViews = null;
    this.live = [];
    this.threshold = fork.alarmBefore.threshold;
    this.alarmAction = fork.alarmBefore.action;
  }

  /**
   * What running the open fork asks of the worker: the run's prompt, seed and sampling, its tokens up to the fork
   * as the prefix, and the fork's policy and alarm as the controls hold them (or a shared fork's, with its timeline).
   */
  forkRequest(shared?: ShareFork): RunRequest | null {
    const run = this.run;
    const fork = this.fork;
    if (!run || !fork) return null;
    const { prompt, seed, sampling } = run.request;
    return {
      prompt,
      seed,
      sampling: { ...sampling },
      maxNewTokens: shared?.maxNewTokens ?? fork.maxNewTokens,
      initialPolicy: shared?.initialPolicy ?? this.forkPolicy,
      timeline: shared?.timeline ?? [],
      alarm: shared?.alarm ?? this.alarm,
      pace: this.settings.pace,
      prefix: run.tokens.slice(0, fork.at + 1).map((t) => t.token),
    };
  }

  /** The open fork starts running; returns where the worker's batches for it go. */
  beginFork(request: RunRequest, backend: Backend): ((batch: StepBatch) => void) | null {
    const fork = this.fork;
    if (!fork) return null;
    this.queue.clear();
    this.forkPolicy = request.initialPolicy;
    this.live = [];
    this.sent = [];
    this.forkViews = this.tokenViews();
    this.fork = { ...fork, run: this.newRun(request, backend, false) };
    return (batch) => this.queue.push({ run: request, batch });
  }

  private tokenViews(): TokenViews {
    // Built once per run and never changed.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const tagIds = new Map(allTags(this.groups).map((t) => [t.id, t.name]));
    return new TokenViews(this.tags, tagIds);
  }

  private newRun(request: RunRequest, backend: Backend, stepping: boolean): RunView {
    return {
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
  }

  /**
   * Records a change, to the fork while one is open, else to the run; true when that one is going and the worker
   * must be sent it.
   */
  change(change: PolicyChange): boolean {
    const fork = this.fork;
    const target = fork ? fork.run : this.run;
    if (target && target.ended === null) {
      this.live = [...this.live, change];
      this.sent.push({ change, tokensShown: target.tokens.length });
      return true;
    }
    if (change.kind === 'insert') return false;
    if (fork) this.forkPolicy = applyChanges(this.forkPolicy, [change], this.groups);
    else this.idlePolicy = applyChanges(this.idlePolicy, [change], this.groups);
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
    const transcript: Transcript = {
      state: this.shareState,
      tags: this.tags,
      tokens: run.tokens.map(stripView),
      backend: run.backend,
      stopped: run.ended,
    };
    const fork = this.forkTranscript();
    return fork ? { ...transcript, fork } : transcript;
  }

  private forkTranscript(): ForkTranscript | null {
    const shared = this.sharedFork;
    const run = this.fork?.run;
    if (!shared || !run) return null;
    const sums = runningSum(run.tokens.map((t) => t.kl));
    return {
      ...shared,
      partAt: this.partAt,
      stopped: run.ended,
      klSum: sums.at(-1) ?? 0,
      tokens: run.tokens.map(stripView),
    };
  }

  sentChanges(): SentChange[] {
    return this.sent.map((sent) => ({ ...sent, change: { ...sent.change } }));
  }

  /** The run (or fork) `request` failed to start. */
  failStart(request: RunRequest, error: string): void {
    const fork = this.fork;
    if (fork?.run && fork.run.request === request && fork.run.ended === null) {
      this.finishFork(fork.run);
      this.fork = { ...fork, run: { ...fork.run, ended: 'error', error } };
      this.failed(this.fork.run!, 'generation');
      return;
    }
    const run = this.run;
    if (!run || run.request !== request || run.ended !== null) return;
    this.finish(run);
    this.run = { ...run, ended: 'error', error };
    this.failed(this.run, 'generation');
  }

  /** Ends the run and its fork on the page as they stand, with what has arrived so far, if still going. */
  settle(ended: RunEnd, error: string | null = null): void {
    this.queue.drain();
    const fork = this.fork;
    if (fork?.run && fork.run.ended === null) {
      this.finishFork(fork.run);
      this.fork = { ...fork, run: { ...fork.run, ended, error, paused: false } };
    }
    const run = this.run;
    if (!run || run.ended !== null) return;
    this.finish(run);
    this.run = { ...run, ended, error, paused: false };
  }

  /** The policy the last run reached, for going on from it. */
  get lastPolicy(): Policy {
    return this.idlePolicy;
  }

  /** Folds the batches that arrived since the last frame into one new view of the run, or of its fork. */
  private absorb(items: { run: RunRequest; batch: StepBatch }[]): void {
    const fork = this.fork;
    if (fork?.run && this.forkViews) {
      const folded = this.fold(fork.run, this.forkViews, items);
      if (folded) {
        if (folded.run.ended !== null) this.finishFork(folded.run);
        this.fork = { ...fork, run: folded.run };
        if (folded.run.ended !== null) queueMicrotask(() => this.ended(folded.run));
        if (folded.run.ended === 'error') this.failed(folded.run, folded.errorKind);
      }
    }
    const run = this.run;
    if (!run || !this.views) return;
    const folded = this.fold(run, this.views, items);
    if (!folded) return;
    const next = folded.run;
    if (next.ended !== null) this.finish(next);
    this.run = next;
    if (next.ended !== null) queueMicrotask(() => this.ended(next));
    if (next.ended === 'error') this.failed(next, folded.errorKind);
  }

  /** `run` with the batches of its own among `items` folded in; null when none was its. */
  private fold(
    run: RunView,
    views: TokenViews,
    items: { run: RunRequest; batch: StepBatch }[],
  ): { run: RunView; errorKind: RunErrorKind } | null {
    const timeline = [...run.timeline];
    const tokens = [...run.tokens];
    let next: RunView = run;
    let errorKind: RunErrorKind = 'generation';
    for (const { run: owner, batch } of items) {
      // Batches of another run, or of one that has since been replaced, are not this one's.
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
    return next === run ? null : { run: next, errorKind };
  }

  /** The fork is over: its final policy, plus changes the worker got too late, is where its next run starts. */
  private finishFork(run: RunView): void {
    this.forkPolicy = applyChanges(run.policy, this.live.slice(run.liveEchoed), this.groups);
    this.live = [];
    queueMicrotask(() => history.replaceState(null, '', shareHash($state.snapshot(this.shareState))));
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
