import { decodeShareState } from '../share/codec';
import { defaultShareState } from '../share/defaults';
import { SHARE_VERSION, type ShareState } from '../share/state';
import type { Policy, PolicyChange } from '../steering/policy';
import type { SamplingParams } from '../steering/sampler';
import { allTags, type TagGroup } from '../steering/tags';
import type { TimelineEntry } from '../steering/timeline';
import type { SentenceLabel } from '../tagger';
import type { EmotionWeights } from '../tagger/emotion';
import type { Transcript, TranscriptToken } from '../transcript/types';
import type { Backend, DeviceChoice, LoadProgress, RunEnd, RunRequest, StepBatch } from '../worker/api';
import { crossCheck, loadTagger, type Verdict } from './cross-check';
import { FrameQueue } from './frame-queue';
import { applyChanges } from './policy-view';
import { promptPieces, taggedSentences } from './sentences';
import { shareHash } from './share-link';
import { summarizeTemptation } from './temptation';
import { TokenViews, type TokenView } from './token-view';
import { remoteCallback, startModelWorker, type ModelWorker } from './worker-client';

export type Phase = 'loading' | 'ready' | 'failed';
export type ChartScale = 'prob' | 'logit';

/** The controls a run starts from, besides the policy. */
export interface Settings {
  prompt: string;
  seed: number;
  sampling: SamplingParams;
  maxNewTokens: number;
  pace: number;
}

export interface BackendInfo {
  backend: Backend;
  reason: string;
  webgpuAvailable: boolean;
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
  backend: Backend;
}

const settingsOf = (state: ShareState): Settings => ({
  prompt: state.prompt,
  seed: state.seed,
  sampling: { ...state.sampling },
  maxNewTokens: state.maxNewTokens,
  pace: state.pace,
});

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Where the site lives, e.g. `/tagplay/`: the build uses relative URLs, so the page's own address decides. */
const basePath = () => new URL(import.meta.env.BASE_URL, document.baseURI).pathname;

const stripView = ({ tag: _tag, banned: _banned, ...token }: TokenView): TranscriptToken => token;

/**
 * The playground's state and actions. The worker does the generating; this keeps the controls, the
 * policy as the user sees it, and the runs as they stream in, updated at most once per animation frame.
 */
export class Playground {
  phase = $state<Phase>('loading');
  failure = $state<string | null>(null);
  progress = $state<LoadProgress | null>(null);
  backend = $state.raw<BackendInfo | null>(null);
  groups = $state.raw<TagGroup[]>([]);
  vocabulary = $state.raw<string[]>([]);
  /** A message about the share link the page was opened with. */
  notice = $state<string | null>(null);
  taggerError = $state<string | null>(null);

  settings = $state<Settings>(settingsOf(defaultShareState()));
  threshold = $state(0.2);
  showTags = $state(true);
  scale = $state<ChartScale>('prob');
  run = $state.raw<RunView | null>(null);

  /** The policy between runs; during a run it is derived from the run's timeline. */
  private idlePolicy = $state.raw<Policy>({});
  /** Live changes sent during the current run, in order; the worker echoes them in its timeline. */
  private live = $state.raw<PolicyChange[]>([]);
  private tagger = $state.raw<EmotionWeights | null>(null);
  private worker: ModelWorker | null = null;
  private views: TokenViews | null = null;
  private readonly labels = new Map<string, SentenceLabel>();
  private readonly queue = new FrameQueue<{ run: RunRequest; batch: StepBatch }>((items) => this.absorb(items));

  readonly tags = $derived(allTags(this.groups).map((t) => t.name));
  readonly running = $derived(this.run !== null && this.run.ended === null);

  /** The policy in force now: the run's initial policy, its recorded timeline, then the changes still on their way. */
  readonly policy: Policy = $derived.by(() => {
    const run = this.run;
    if (!run || run.ended !== null) return this.idlePolicy;
    return applyChanges(run.request.initialPolicy, [...run.timeline.map((e) => e.change), ...this.live.slice(run.liveEchoed)], this.groups);
  });

  readonly sentences = $derived.by(() => {
    const run = this.run;
    if (!run) return [];
    const pieces = [...promptPieces(run.request.prompt, this.tags), ...run.tokens.map((t) => ({ tag: t.tag, text: t.text, index: t.index }))];
    // Only an end of text finishes the last sentence; a run cut short leaves it unfinished.
    return taggedSentences(pieces, run.ended === 'end-of-text');
  });

  readonly verdicts: Verdict[] = $derived(this.tagger ? crossCheck(this.sentences, this.tagger, this.labels) : []);
  readonly temptation = $derived(summarizeTemptation(this.run?.tokens ?? [], this.threshold));

  /** What a share link of this moment holds: the current run as seen, or the controls when nothing ran yet. */
  readonly shareState: ShareState = $derived.by(() => {
    const run = this.run;
    const pace = this.settings.pace;
    if (!run) return { version: SHARE_VERSION, ...$state.snapshot(this.settings), initialPolicy: this.policy, timeline: [] };
    // A run stopped by hand is shared as far as it went, so the link replays exactly what was seen.
    const maxNewTokens = run.ended === 'user' ? Math.max(1, run.tokens.length) : run.request.maxNewTokens;
    return { version: SHARE_VERSION, ...run.request, maxNewTokens, timeline: run.timeline, pace };
  });

  /** Starts the worker and loads the model; a second call swaps the backend. */
  async load(device: DeviceChoice = 'auto'): Promise<boolean> {
    this.worker?.terminate();
    this.queue.clear();
    this.run = null;
    this.phase = 'loading';
    this.failure = null;
    this.progress = null;
    const worker = startModelWorker((message) => {
      if (this.worker !== worker) return;
      this.phase = 'failed';
      this.failure = message;
    });
    this.worker = worker;
    this.loadTaggerOnce();
    try {
      const result = await worker.api.load({ device, basePath: basePath() }, remoteCallback((progress: LoadProgress) => (this.progress = progress)));
      if (this.worker !== worker) return false;
      this.backend = { backend: result.backend, reason: result.reason, webgpuAvailable: result.webgpuAvailable };
      this.groups = result.groups;
      this.vocabulary = result.vocabulary;
      this.phase = 'ready';
      return true;
    } catch (error) {
      if (this.worker !== worker) return false;
      this.phase = 'failed';
      this.failure = errorText(error);
      return false;
    }
  }

  /** Restores the controls from a share link's text and replays it; a bad link leaves defaults and a message. */
  openLink(text: string): void {
    const result = decodeShareState(text, this.tags);
    if (this.running) this.stop();
    this.settings = settingsOf(result.state);
    this.idlePolicy = result.state.initialPolicy;
    this.run = null;
    if (!result.ok) {
      this.notice = `${result.error} The playground opened with its default settings instead.`;
      return;
    }
    this.notice = null;
    this.start(result.state);
  }

  /**
   * Starts a run from the controls, or replays a shared state with its timeline. With `stepping`, the
   * run generates a single token and waits.
   */
  start(replay?: ShareState, stepping = false): void {
    const worker = this.worker;
    if (!worker || this.phase !== 'ready' || !this.backend) return;
    const request: RunRequest = replay
      ? { prompt: replay.prompt, seed: replay.seed, sampling: replay.sampling, maxNewTokens: replay.maxNewTokens, initialPolicy: replay.initialPolicy, timeline: replay.timeline, pace: replay.pace }
      : { ...$state.snapshot(this.settings), initialPolicy: this.policy, timeline: [] };
    this.queue.clear();
    this.idlePolicy = request.initialPolicy;
    this.live = [];
    const tagIds = new Map(allTags(this.groups).map((t) => [t.id, t.name]));
    this.views = new TokenViews(request.initialPolicy, this.groups, this.tags, tagIds);
    this.run = { request, timeline: [], tokens: [], promptLength: 0, paused: stepping, ended: null, error: null, liveEchoed: 0, backend: this.backend.backend };
    const receive = (batch: StepBatch) => this.queue.push({ run: request, batch });
    worker.api.start(request, remoteCallback(receive), stepping).catch((error: unknown) => this.fail(request, errorText(error)));
  }

  /** Starts again with the prompt plus the text generated before token `index`, same settings, fresh timeline. */
  regenerateFrom(index: number): void {
    const run = this.run;
    if (!run) return;
    this.settings.prompt = run.request.prompt + run.tokens.slice(0, index).map((t) => t.text).join('');
    this.start();
  }

  change(change: PolicyChange): void {
    if (this.running) {
      this.live = [...this.live, change];
      void this.worker?.api.change(change);
    } else if (change.kind !== 'insert') {
      this.idlePolicy = applyChanges(this.idlePolicy, [change], this.groups);
    }
  }

  pause = () => void this.worker?.api.pause();
  resume = () => void this.worker?.api.resume();
  stop = () => void this.worker?.api.stop();

  stepOnce(): void {
    if (this.running) void this.worker?.api.stepOnce();
    else this.start(undefined, true);
  }

  setPace(tokensPerSecond: number): void {
    this.settings.pace = tokensPerSecond;
    if (this.running) void this.worker?.api.setPace(tokensPerSecond);
  }

  transcript(): Transcript | null {
    const run = this.run;
    if (!run) return null;
    return { state: this.shareState, tags: this.tags, tokens: run.tokens.map(stripView), backend: run.backend, stopped: run.ended };
  }

  /** Folds the batches that arrived since the last frame into one new run view. */
  private absorb(items: { run: RunRequest; batch: StepBatch }[]): void {
    const run = this.run;
    const views = this.views;
    if (!run || !views) return;
    const timeline = [...run.timeline];
    const tokens = [...run.tokens];
    let next: RunView = run;
    for (const { run: owner, batch } of items) {
      // Batches of a run that has since been replaced are dropped.
      if (owner !== run.request) continue;
      timeline.push(...batch.timeline);
      for (const step of batch.steps) tokens.push(views.view(step, timeline));
      next = { ...next, timeline, tokens, paused: batch.paused, liveEchoed: batch.liveChanges, promptLength: batch.promptLength };
      if (batch.ended) next = { ...next, ended: batch.ended, error: batch.error ?? null };
    }
    if (next === run) return;
    if (next.ended !== null) this.finish(next);
    this.run = next;
  }

  /** The run is over: its final policy, plus changes the worker got too late, becomes the controls' policy. */
  private finish(run: RunView): void {
    this.idlePolicy = applyChanges(run.request.initialPolicy, [...run.timeline.map((e) => e.change), ...this.live.slice(run.liveEchoed)], this.groups);
    this.live = [];
    queueMicrotask(() => history.replaceState(null, '', shareHash($state.snapshot(this.shareState))));
  }

  private fail(request: RunRequest, error: string): void {
    const run = this.run;
    if (!run || run.request !== request) return;
    this.finish(run);
    this.run = { ...run, ended: 'error', error };
  }

  private loadTaggerOnce(): void {
    if (this.tagger) return;
    loadTagger(`${basePath()}models/tagplay-3m/tagger.json`)
      .then((weights) => (this.tagger = weights))
      .catch((error: unknown) => (this.taggerError = errorText(error)));
  }
}
