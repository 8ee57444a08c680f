import { decodeShareState } from '../share/codec';
import { defaultShareState } from '../share/defaults';
import { LIMITS } from '../share/limits';
import { SHARE_VERSION, type ShareState } from '../share/state';
import type { Policy, PolicyChange } from '../steering/policy';
import type { SamplingParams } from '../steering/sampler';
import { allTags, type TagGroup } from '../steering/tags';
import type { TimelineEntry } from '../steering/timeline';
import type { SentenceLabel } from '../tagger';
import type { EmotionWeights } from '../tagger/emotion';
import type { Transcript, TranscriptToken } from '../transcript/types';
import type { Backend, DeviceChoice, LoadProgress, RunEnd, RunErrorKind, RunRequest, StepBatch } from '../worker/api';
import { loadFailureKind, type LoadFailureKind } from '../worker/load-failure';
import { crossCheck, loadTagger, type Verdict } from './cross-check';
import { FrameQueue } from './frame-queue';
import { applyChanges } from './policy-view';
import { promptPieces, taggedSentences } from './sentences';
import { shareHash } from './share-link';
import { summarizeTemptation } from './temptation';
import { measureMemory, type TestHooks } from './test-hooks';
import { TokenViews, type TokenView } from './token-view';
import { remoteCallback, startModelWorker, type ModelWorker } from './worker-client';

export type Phase = 'loading' | 'ready' | 'failed';
export type ChartScale = 'prob' | 'logit';

/** Something that went wrong with the model or its worker, what to do about it, and the buttons that do it. */
export interface Fault {
  kind: LoadFailureKind | 'load' | 'crash' | 'device-lost' | 'generation';
  /** What happened. */
  what: string;
  /** What the user can do. */
  todo: string;
  actions: FaultAction[];
}

export interface FaultAction {
  label: string;
  testId: string;
  run: () => void;
}

/** How often the page asks the worker whether it is alive, and how long it waits for the answer. */
const PING_EVERY_MS = 1_000;
const WORKER_SILENCE_MS = 12_000;

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
  webgpuSoftware: boolean;
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

// Tokens reach the page at most this often (about 12 updates a second): reading speed, and each update re-lays out the stream.
const STREAM_UPDATE_MS = 80;

/** `?testhooks` in the page's address exposes `window.__tagplay` and lets tests inject faults into the worker. */
const testHooksWanted = () => new URLSearchParams(location.search).has('testhooks');

const LOAD_ADVICE: Record<LoadFailureKind | 'load', string> = {
  missing:
    'The site was put online without its model files, or under another path. Deploy the models/ and ort/ folders of the build next to index.html, then try again.',
  unreachable:
    'The connection to the site failed while the model was loading. Check your connection, or that the site is still up, then try again.',
  damaged:
    'A model file is damaged or cut short, as by an interrupted upload or download. Try again; if it fails again, deploy the models/ folder of the build once more.',
  interrupted:
    'The connection broke off while the model was downloading. Try again. If it keeps breaking off at the same file, the server may be compressing it on the fly without saying its length, which private browser windows refuse: serve it as it is.',
  load: 'Try again; if it keeps failing, reload the page or try another browser.',
};

/**
 * The playground's state and actions. The worker does the generating; this keeps the controls, the
 * policy as the user sees it, and the runs as they stream in, updated at most once per animation frame.
 */
export class Playground {
  phase = $state<Phase>('loading');
  failure = $state<string | null>(null);
  /** What went wrong, kept until the next load; the run it hit, if any, stays on the page. */
  fault = $state.raw<Fault | null>(null);
  /** The model's context in tokens, once loaded. */
  maxLength = $state(0);
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
  private watchdog: ReturnType<typeof setInterval> | null = null;
  /** Every change sent to the worker during the current run, in order; unlike `live`, kept after the run. */
  private sent: PolicyChange[] = [];
  /** The device the current worker was asked for. */
  private device: DeviceChoice = 'auto';
  readonly testHooks = testHooksWanted();
  private views: TokenViews | null = null;
  // A cache read while rendering, never a reason to re-render.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly labels = new Map<string, SentenceLabel>();
  private readonly queue = new FrameQueue<{ run: RunRequest; batch: StepBatch }>(
    (items) => this.absorb(items),
    STREAM_UPDATE_MS,
  );

  readonly tags = $derived(allTags(this.groups).map((t) => t.name));
  readonly running = $derived(this.run !== null && this.run.ended === null);

  /** The policy in force now: the run's initial policy, its recorded timeline, then the changes still on their way. */
  readonly policy: Policy = $derived.by(() => {
    const run = this.run;
    if (!run || run.ended !== null) return this.idlePolicy;
    return applyChanges(
      run.request.initialPolicy,
      [...run.timeline.map((e) => e.change), ...this.live.slice(run.liveEchoed)],
      this.groups,
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
    return taggedSentences(pieces, run.ended === 'end-of-text');
  });

  readonly verdicts: Verdict[] = $derived(this.tagger ? crossCheck(this.sentences, this.tagger, this.labels) : []);
  readonly temptation = $derived(summarizeTemptation(this.run?.tokens ?? [], this.threshold));

  /** What a share link of this moment holds: the current run as seen, or the controls when nothing ran yet. */
  readonly shareState: ShareState = $derived.by(() => {
    const run = this.run;
    const pace = this.settings.pace;
    if (!run)
      return { version: SHARE_VERSION, ...$state.snapshot(this.settings), initialPolicy: this.policy, timeline: [] };
    // A run stopped by hand is shared as far as it went, so the link replays exactly what was seen.
    const maxNewTokens = run.ended === 'user' ? Math.max(1, run.tokens.length) : run.request.maxNewTokens;
    return { version: SHARE_VERSION, ...run.request, maxNewTokens, timeline: run.timeline, pace };
  });

  /**
   * Starts a new worker and loads the model; a second call swaps the backend. The run on the page stays
   * there (a run still going is stopped where it is). `retry` is what "Try again" does if this fails.
   */
  async load(device: DeviceChoice = 'auto', retry: () => unknown = () => this.load(device)): Promise<boolean> {
    this.discardWorker();
    this.settle('user');
    this.phase = 'loading';
    this.failure = null;
    this.fault = null;
    this.progress = null;
    this.device = device;
    const worker = startModelWorker((message) => this.crashed(worker, message));
    this.worker = worker;
    this.loadTaggerOnce();
    try {
      const options = { device, basePath: basePath(), testHooks: this.testHooks };
      const result = await worker.api.load(
        options,
        remoteCallback((progress: LoadProgress) => (this.progress = progress)),
      );
      if (this.worker !== worker) return false;
      const { backend, reason, webgpuAvailable, webgpuSoftware } = result;
      this.backend = { backend, reason, webgpuAvailable, webgpuSoftware };
      this.groups = result.groups;
      this.vocabulary = result.vocabulary;
      this.maxLength = result.maxLength;
      this.phase = 'ready';
      this.watch(worker);
      return true;
    } catch (error) {
      if (this.worker !== worker) return false;
      this.discardWorker();
      const kind = loadFailureKind(error) ?? 'load';
      const actions: FaultAction[] = [{ label: 'Try again', testId: 'fault-retry', run: () => void retry() }];
      if (kind === 'load' && device !== 'wasm')
        actions.push({ label: 'Load on WASM instead', testId: 'fault-wasm', run: () => void this.load('wasm') });
      this.failed({
        kind,
        what: `The model could not be loaded: ${errorText(error)}`,
        todo: LOAD_ADVICE[kind],
        actions,
      });
      return false;
    }
  }

  /**
   * After a fault: starts a new worker on `device`, loads the model, and goes on writing from the text
   * the failed run had made so far (its prompt plus its tokens), with the policy it had reached.
   */
  async resumeAfterFault(device: DeviceChoice): Promise<void> {
    const kept = this.run;
    if (!(await this.load(device, () => this.resumeAfterFault(device)))) return;
    if (kept && this.run === kept) this.continueFrom(kept);
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
      ? {
          prompt: replay.prompt,
          seed: replay.seed,
          sampling: replay.sampling,
          maxNewTokens: replay.maxNewTokens,
          initialPolicy: replay.initialPolicy,
          timeline: replay.timeline,
          pace: replay.pace,
        }
      : { ...$state.snapshot(this.settings), initialPolicy: this.policy, timeline: [] };
    this.queue.clear();
    this.idlePolicy = request.initialPolicy;
    this.live = [];
    this.sent = [];
    // Built once per run and never changed.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const tagIds = new Map(allTags(this.groups).map((t) => [t.id, t.name]));
    this.views = new TokenViews(request.initialPolicy, this.groups, this.tags, tagIds);
    this.run = {
      request,
      timeline: [],
      tokens: [],
      promptLength: 0,
      paused: stepping,
      ended: null,
      error: null,
      liveEchoed: 0,
      backend: this.backend.backend,
    };
    const receive = (batch: StepBatch) => this.queue.push({ run: request, batch });
    worker.api
      .start(request, remoteCallback(receive), stepping)
      .catch((error: unknown) => this.fail(request, errorText(error)));
  }

  /** Starts again with the prompt plus the text generated before token `index`, same settings, fresh timeline. */
  regenerateFrom(index: number): void {
    const run = this.run;
    if (!run) return;
    this.settings.prompt =
      run.request.prompt +
      run.tokens
        .slice(0, index)
        .map((t) => t.text)
        .join('');
    this.start();
  }

  change(change: PolicyChange): void {
    if (this.running) {
      this.live = [...this.live, change];
      this.sent.push(change);
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
    return {
      state: this.shareState,
      tags: this.tags,
      tokens: run.tokens.map(stripView),
      backend: run.backend,
      stopped: run.ended,
    };
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
      for (const step of batch.steps) tokens.push(views.view(step, timeline));
      next = {
        ...next,
        timeline,
        tokens,
        paused: batch.paused,
        liveEchoed: batch.liveChanges,
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
    if (next.ended === 'error') this.runFailed(next, errorKind);
  }

  /** The run is over: its final policy, plus changes the worker got too late, becomes the controls' policy. */
  private finish(run: RunView): void {
    this.idlePolicy = applyChanges(
      run.request.initialPolicy,
      [...run.timeline.map((e) => e.change), ...this.live.slice(run.liveEchoed)],
      this.groups,
    );
    this.live = [];
    queueMicrotask(() => history.replaceState(null, '', shareHash($state.snapshot(this.shareState))));
  }

  private fail(request: RunRequest, error: string): void {
    const run = this.run;
    if (!run || run.request !== request || run.ended !== null) return;
    this.finish(run);
    this.run = { ...run, ended: 'error', error };
    this.runFailed(this.run, 'generation');
  }

  /** Ends the run on the page as it stands, with what has arrived so far, if it is still going. */
  private settle(ended: RunEnd, error: string | null = null): void {
    this.queue.drain();
    const run = this.run;
    if (!run || run.ended !== null) return;
    this.finish(run);
    this.run = { ...run, ended, error, paused: false };
  }

  /** The last run with its text and the buttons that go on from it. */
  private resumeActions(backend: Backend | undefined, preferWasm: boolean): FaultAction[] {
    const here: FaultAction = {
      label: 'Resume',
      testId: 'fault-resume',
      run: () => void this.resumeAfterFault(backend ?? 'auto'),
    };
    const wasm: FaultAction = {
      label: 'Resume on WASM',
      testId: 'fault-resume-wasm',
      run: () => void this.resumeAfterFault('wasm'),
    };
    if (backend !== 'webgpu') return [here];
    return preferWasm ? [wasm, { ...here, label: 'Resume on WebGPU' }] : [here, wasm];
  }

  /**
   * A run ended with an error. The worker is replaced either way: after a failed step onnxruntime's
   * session may be unusable, and after a lost device it certainly is.
   */
  private runFailed(run: RunView, kind: RunErrorKind): void {
    this.discardWorker();
    const kept = `The ${run.tokens.length} token${run.tokens.length === 1 ? '' : 's'} written so far are kept below.`;
    if (kind === 'device-lost') {
      this.failed({
        kind,
        what: `The GPU stopped working during generation. ${run.error ?? ''}`.trim(),
        todo: `${kept} WASM runs on the processor and needs no GPU: resume on WASM to go on from that text (or try WebGPU again).`,
        actions: this.resumeActions(run.backend, true),
      });
      return;
    }
    this.failed({
      kind,
      what: `Generation failed: ${run.error ?? 'an unknown error'}`,
      todo: `${kept} Resume restarts the model and goes on from that text.`,
      actions: this.resumeActions(run.backend, false),
    });
  }

  /** The worker died (an error event) or stopped answering the watchdog. */
  private crashed(worker: ModelWorker, why: string): void {
    if (this.worker !== worker) return;
    this.discardWorker();
    const loading = this.phase === 'loading';
    this.settle('error', `The model worker stopped (${why}).`);
    const run = this.run;
    const backend = this.backend?.backend;
    if (loading || !run) {
      const device = this.device;
      this.failed({
        kind: 'crash',
        what: `The model worker stopped unexpectedly (${why}).`,
        todo: 'It may have run out of memory. Reload the model to go on.',
        actions: [{ label: 'Reload the model', testId: 'fault-retry', run: () => void this.load(device) }],
      });
      return;
    }
    this.failed({
      kind: 'crash',
      what: `The model worker stopped unexpectedly (${why}); it may have run out of memory or crashed.`,
      todo: `The ${run.tokens.length} token${run.tokens.length === 1 ? '' : 's'} written so far are kept below. Resume restarts the model and goes on from that text.`,
      actions: [
        ...this.resumeActions(backend, false),
        { label: 'Reload without resuming', testId: 'fault-retry', run: () => void this.load(backend ?? 'auto') },
      ],
    });
  }

  private failed(fault: Fault): void {
    this.phase = 'failed';
    this.failure = fault.what;
    this.fault = fault;
  }

  /** Starts a run from the kept run's prompt and text, with the rest of its token budget and its last policy. */
  private continueFrom(kept: RunView): void {
    const text = kept.request.prompt + kept.tokens.map((t) => t.text).join('');
    // A share link holds at most this much prompt; the model's context is far shorter anyway.
    this.settings.prompt = text.slice(-LIMITS.promptLength);
    const maxNewTokens = Math.max(1, kept.request.maxNewTokens - kept.tokens.length);
    this.start({
      version: SHARE_VERSION,
      ...kept.request,
      prompt: this.settings.prompt,
      maxNewTokens,
      initialPolicy: this.idlePolicy,
      timeline: [],
      pace: this.settings.pace,
    });
  }

  /** Pings the worker while it is the page's; one that stops answering has died (a terminated worker tells nobody). */
  private watch(worker: ModelWorker): void {
    this.stopWatching();
    let waitingSince: number | null = null;
    this.watchdog = setInterval(() => {
      if (waitingSince !== null) {
        if (performance.now() - waitingSince > WORKER_SILENCE_MS)
          this.crashed(worker, `it did not answer for ${WORKER_SILENCE_MS / 1000} s`);
        return;
      }
      const sentAt = performance.now();
      waitingSince = sentAt;
      void worker.api.ping().then(() => {
        if (waitingSince === sentAt) waitingSince = null;
      });
    }, PING_EVERY_MS);
  }

  private stopWatching(): void {
    if (this.watchdog !== null) clearInterval(this.watchdog);
    this.watchdog = null;
  }

  private discardWorker(): void {
    this.stopWatching();
    this.worker?.terminate();
    this.worker = null;
  }

  /** What `window.__tagplay` offers tests (with `?testhooks`): faults, and what the page and the worker recorded. */
  testApi(): TestHooks {
    const worker = () => {
      if (!this.worker) throw new Error('No model worker is running.');
      return this.worker;
    };
    return {
      terminateWorker: () => worker().terminate(),
      injectFault: (fault) => worker().api.injectFault(fault),
      sentChanges: () => this.sent.map((change) => ({ ...change })),
      workerTimeline: () => worker().api.timeline(),
      memory: async () => ({ ...(await measureMemory()), workerWasmBytes: (await worker().api.memory()).wasmBytes }),
    };
  }

  private loadTaggerOnce(): void {
    if (this.tagger) return;
    loadTagger(`${basePath()}models/tagplay-3m/tagger.json`)
      .then((weights) => (this.tagger = weights))
      .catch((error: unknown) => (this.taggerError = errorText(error)));
  }
}
