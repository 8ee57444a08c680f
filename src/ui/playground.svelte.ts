import { errorText } from '../error-text';
import { MODEL_DIR, MODEL_NAME } from '../model/model-name';
import { ownModel, type OwnModel } from '../model/own-model';
import type { InspectResult } from '../inspect/inspect';
import type { MeasureProgress, MeasureRequest, MeasureResult } from '../worker/api';
import { keepForOffline, startOffline } from '../offline/offline';
import { defaultShareState } from '../share/defaults';
import type { ShareFork } from '../share/fork';
import { LIMITS } from '../share/limits';
import { SHARE_VERSION, type ShareState } from '../share/state';
import type { AlarmAction } from '../steering/alarm';
import type { PolicyChange } from '../steering/policy';
import type { TagGroup, VocabularyFile } from '../steering/tags';
import type { Backend, DeviceChoice, LoadOptions, LoadProgress, LoadResult, RunErrorKind } from '../worker/api';
import { loadFailureKind } from '../worker/load-failure';
import type { Verdict } from './cross-check';
import { crashFault, loadFault, runFault, type Fault, type Remedies } from './faults';
import { LinkReplay } from './link-replay.svelte';
import { ModelExtras } from './model-extras.svelte';
import { ModelOpener } from './model-opener.svelte';
import { RunState, type RunView } from './run-state.svelte';
import { useTagColours } from './tag-style';
import { measureMemory, type TestHooks } from './test-hooks';
import { shareHash } from './share-link';
import { remoteCallback } from './worker-client';
import { WorkerSession } from './worker-session';

export type Phase = 'loading' | 'ready' | 'failed';

/** What the run controls' buttons do. */
export interface RunActions {
  start(): void;
  pause(): void;
  resume(): void;
  stepOnce(): void;
  stop(): void;
  setPace(tokensPerSecond: number): void;
}

/** The tag groups in force, in `tagplay.json`'s form, and where they came from (`LoadResult`). */
export interface TagVocabularyView {
  file: VocabularyFile;
  source: LoadResult['tagVocabularySource'];
}

/** A prompt to start a model with: its first document tag and first sentence tag, e.g. `<poem><calm>`. */
function startingPrompt(groups: TagGroup[]): string {
  const first = (opens: string) => groups.find((g) => g.opens === opens)?.tags[0]?.name;
  return [first('document'), first('sentence')]
    .filter((t) => t !== undefined)
    .map((t) => `<${t}>`)
    .join('');
}

export interface BackendInfo {
  backend: Backend;
  reason: string;
  webgpuAvailable: boolean;
  webgpuSoftware: boolean;
}

/** Where the site lives, e.g. `/tagplay/`: the build uses relative URLs, so the page's own address decides. */
const basePath = () => new URL(import.meta.env.BASE_URL, document.baseURI).pathname;

/** The site's base as an address, which paths typed on the page are relative to. */
const siteBase = () => new URL(basePath(), location.origin);

/** The site's own model folder, as a URL ending in `/`. */
const modelFolder = () => `${basePath()}models/${MODEL_DIR}/`;

/** `?testhooks` in the page's address exposes `window.__tagplay` and lets tests inject faults into the worker. */
const testHooksWanted = () => new URLSearchParams(location.search).has('testhooks');

/**
 * The playground: the model behind its worker, the runs (`runs`), the faults, share links (`links`), the model
 * folder's tagger and measurements (`extras`) and models the user opens (`opener`). The worker does the
 * generating; this starts it, loads the model and passes the controls' actions on.
 */
export class Playground {
  phase = $state<Phase>('loading');
  /** What went wrong, kept until the next load; the run it hit, if any, stays on the page. */
  fault = $state.raw<Fault | null>(null);
  /** The model's context in tokens, once loaded. */
  maxLength = $state(0);
  progress = $state<LoadProgress | null>(null);
  backend = $state.raw<BackendInfo | null>(null);
  /** Each token's text on its own, by id. */
  vocabulary = $state.raw<string[]>([]);
  /** The model the user opened, which the page runs in place of the site's; null for the site's own. */
  own = $state.raw<OwnModel | null>(null);
  /** The tag groups in force and where they came from. */
  tagVocabulary = $state.raw<TagVocabularyView | null>(null);
  readonly runs = new RunState(
    (run, kind) => this.runFailed(run, kind),
    (run) => this.links.runEnded(run),
  );
  readonly testHooks = testHooksWanted();
  /** Share links opened on the page, and what the page says about them. */
  readonly links = new LinkReplay({
    runs: this.runs,
    modelId: () => this.modelId,
    modelName: () => this.modelName,
    backend: () => this.backend?.backend,
    start: (state) => this.start(state),
    stop: () => this.stop(),
    forkAt: (at, fork) => this.forkAt(at, fork),
    setPace: (tokensPerSecond) => this.setPace(tokensPerSecond),
  });
  /** Models the user opens from their own files. */
  readonly opener = new ModelOpener(
    { loadOptions: (model) => this.loadOptions(this.device, model), adopt: (...args) => this.adoptOpened(...args) },
    siteBase,
  );

  private session: WorkerSession | null = null;
  /** Counts calls of `load`, so that one overtaken while it waited gives way. */
  private loadAttempts = 0;
  /** The device the current worker was asked for. */
  private device: DeviceChoice = 'auto';
  private readonly remedies: Remedies = {
    load: (device) => void this.load(device),
    resume: (device) => void this.resumeAfterFault(device),
  };

  readonly actions: RunActions = {
    start: () => this.start(),
    pause: () => this.pause(),
    resume: () => this.resume(),
    stepOnce: () => this.stepOnce(),
    stop: () => this.stop(),
    setPace: (tokensPerSecond) => this.setPace(tokensPerSecond),
  };

  /** The model's tagger and measurements. */
  readonly extras = new ModelExtras();
  readonly verdicts: Verdict[] = $derived(this.extras.verdicts(this.runs.sentences));

  /** The loaded model as a share link names it: the site's folder name, or `name@hash` for a model the user opened. */
  get modelId(): string {
    return this.own?.id ?? MODEL_DIR;
  }

  get modelName(): string {
    return this.own?.name ?? MODEL_NAME;
  }

  /**
   * Starts a new worker and loads the model; a second call swaps the backend. The run on the page stays
   * there (a run still going is stopped where it is). `retry` is what "Try again" does if this fails.
   */
  async load(device: DeviceChoice = 'auto', retry: () => unknown = () => this.load(device)): Promise<boolean> {
    this.discardWorker();
    this.opener.cancel();
    this.runs.settle('user');
    this.phase = 'loading';
    this.fault = null;
    this.progress = null;
    this.device = device;
    // The first visit waits for the service worker, so that the model's files pass through it.
    const attempt = ++this.loadAttempts;
    await startOffline();
    if (attempt !== this.loadAttempts) return false;
    const session = new WorkerSession((why) => this.crashed(session, why));
    this.session = session;
    const own = this.own;
    this.extras.load(own?.id ?? MODEL_DIR, own, modelFolder());
    try {
      const result = await session.api.load(
        this.loadOptions(device, own),
        remoteCallback((progress: LoadProgress) => (this.progress = progress)),
      );
      if (this.session !== session) return false;
      this.adopt(session, result, own);
      return true;
    } catch (error) {
      if (this.session !== session) return false;
      this.discardWorker();
      const kind = loadFailureKind(error) ?? 'load';
      this.failed(loadFault(kind, errorText(error), device, () => void retry(), this.remedies));
      return false;
    }
  }

  private loadOptions(device: DeviceChoice, own: OwnModel | null): LoadOptions {
    const options: LoadOptions = { device, basePath: basePath(), testHooks: this.testHooks };
    // Copied to the worker (structured clone): the page keeps its own, for the next worker.
    if (own) options.own = { files: own.files, groups: own.groups };
    return options;
  }

  /** A worker has loaded `own` (null: the site's model): the page runs it from now on. */
  private adopt(session: WorkerSession, result: LoadResult, own: OwnModel | null): void {
    const { backend, reason, webgpuAvailable, webgpuSoftware } = result;
    this.backend = { backend, reason, webgpuAvailable, webgpuSoftware };
    const id = own?.id ?? MODEL_DIR;
    if (this.runs.model === id) this.runs.groups = result.groups;
    else {
      // Groups changed on the page keep the prompt; another model starts from its own tags.
      const sameFiles = own !== null && this.own?.filesHash === own.filesHash && this.runs.model !== MODEL_DIR;
      const prompt = sameFiles
        ? this.runs.settings.prompt
        : own
          ? startingPrompt(result.groups)
          : defaultShareState().prompt;
      this.runs.switchModel(id, result.groups, prompt);
    }
    this.own = own;
    useTagColours(result.groups);
    this.vocabulary = result.vocabulary;
    this.maxLength = result.maxLength;
    this.tagVocabulary = { file: result.tagVocabulary, source: result.tagVocabularySource };
    this.phase = 'ready';
    session.watch();
    // A model the user opened is theirs alone: the service worker keeps nothing of it.
    if (!own) keepForOffline();
    this.links.modelLoaded();
  }

  /** A worker has loaded a model the user opened: the page runs it from now on, and hears of the worker's crash. */
  private adoptOpened(worker: WorkerSession, result: LoadResult, model: OwnModel): (why: string) => void {
    this.discardWorker();
    this.runs.settle('user');
    // A load of the previous model still waiting gives way.
    this.loadAttempts++;
    this.session = worker;
    this.fault = null;
    this.progress = null;
    this.extras.load(model.id, model, modelFolder());
    this.adopt(worker, result, model);
    return (why) => this.crashed(worker, why);
  }

  /** Loads the model the user opened again with other tag groups (null: its `tagplay.json` or the default rule). */
  async regroup(groups: VocabularyFile | null): Promise<boolean> {
    const own = this.own;
    if (!own) return false;
    return this.opener.open(await ownModel(own.name, own.origin, own.files, groups, own.filesHash));
  }

  /** Back to the site's own model. */
  useBuiltIn(): void {
    this.opener.cancel();
    this.own = null;
    this.opener.error = null;
    this.links.noticeOffersBuiltIn = false;
    void this.load(this.device);
  }

  /**
   * After a fault: starts a new worker on `device`, loads the model, and goes on writing from the text
   * the failed run had made so far (its prompt plus its tokens), with the policy it had reached.
   */
  async resumeAfterFault(device: DeviceChoice): Promise<void> {
    const kept = this.runs.run;
    const fork = this.runs.fork;
    if (!(await this.load(device, () => this.resumeAfterFault(device)))) return;
    // A fork that failed runs again from its start, as it was shared; else the run goes on from its text.
    if (fork?.run && this.runs.fork === fork && fork.run.ended === 'error') {
      const shared = this.runs.shareState.fork;
      if (shared) this.forkAt(fork.at, { ...shared, maxNewTokens: fork.maxNewTokens });
    } else if (kept && this.runs.run === kept) this.continueFrom(kept);
  }

  /**
   * Starts a run from the controls, or replays a shared state with its timeline. With `stepping`, the
   * run generates a single token and waits.
   */
  start(replay?: ShareState, stepping = false): void {
    const session = this.session;
    if (!session || this.phase !== 'ready' || !this.backend || this.measuring) return;
    // A new run from the controls: they act on the run again, and its fork closes.
    if (!replay) this.closeFork();
    const request = this.runs.request(replay);
    const receive = this.runs.begin(request, this.backend.backend, stepping);
    session.api
      .start(request, remoteCallback(receive), stepping)
      .catch((error: unknown) => this.runs.failStart(request, errorText(error)));
  }

  /**
   * Opens a fork after token `index` of the run on the page, which must have ended; the tag controls then act on
   * it. With `shared` (a link's fork) it runs at once with that fork's policy, alarm and timeline.
   */
  forkAt(index: number, shared?: ShareFork): boolean {
    if (this.phase !== 'ready' || this.measuring || this.runs.running) return false;
    if (this.runs.forkRunning) void this.session?.api.stop();
    if (!this.runs.openFork(index, shared?.initialPolicy, shared?.alarm)) return false;
    if (shared) this.runFork(shared);
    return true;
  }

  /** Runs the open fork from its start with the policy and alarm the controls hold (or a shared fork's). */
  runFork(shared?: ShareFork): void {
    const session = this.session;
    if (!session || this.phase !== 'ready' || !this.backend || this.measuring || this.runs.running) return;
    const request = this.runs.forkRequest(shared);
    if (!request) return;
    const receive = this.runs.beginFork(request, this.backend.backend);
    if (!receive) return;
    session.api
      .start(request, remoteCallback(receive), false)
      .catch((error: unknown) => this.runs.failStart(request, errorText(error)));
  }

  /** Closes the fork (stopping it if it runs): the tag controls act on the run again. */
  closeFork(): void {
    const fork = this.runs.fork;
    if (!fork) return;
    if (this.runs.forkRunning) void this.session?.api.stop();
    this.runs.closeFork();
    // The address bar's link, which a reload replays, no longer carries it.
    if (fork.run && this.runs.run?.ended != null)
      history.replaceState(null, '', shareHash($state.snapshot(this.runs.shareState)));
  }

  /** Starts again with the prompt plus the text generated before token `index`, same settings, fresh timeline. */
  regenerateFrom(index: number): void {
    const text = this.runs.textBefore(index);
    if (text === null) return;
    this.runs.settings.prompt = text;
    this.start();
  }

  change(change: PolicyChange): void {
    if (this.runs.change(change)) void this.session?.api.change(change);
  }

  /** Sets what temptation past the threshold does; a run going on records the change in its timeline. */
  setAlarm(action: AlarmAction): void {
    this.runs.alarmAction = action;
    this.alarmChanged();
  }

  /** The alarm as the controls now hold it applies to the run from its next token. */
  alarmChanged(): void {
    this.change({ kind: 'alarm', ...this.runs.alarm });
  }

  pause = () => void this.session?.api.pause();
  resume = () => void this.session?.api.resume();
  stop = () => void this.session?.api.stop();

  stepOnce(): void {
    if (this.runs.running) void this.session?.api.stepOnce();
    else this.start(undefined, true);
  }

  /** Whether "Measure" is drawing samples: Generate waits until it is done. */
  measuring = $state(false);

  /**
   * Measures the current settings and policy over `samples` seeds from the seed (or the last run's starting
   * policy and timeline, `withTimeline`), or exactly a given request (a shared measurement's); see
   * `WorkerApi.measure`. The result is shared with the run from then on.
   */
  async measure(
    what: { samples: number; within: number; withTimeline: boolean } | MeasureRequest,
    onProgress: (progress: MeasureProgress) => void,
  ): Promise<MeasureResult> {
    if (!this.session || this.phase !== 'ready') throw new Error('The model is not loaded yet.');
    let request: MeasureRequest;
    if ('run' in what) request = what;
    else {
      const {
        version: _,
        model: _model,
        backend: _backend,
        measurement: _m,
        fork: _fork,
        ...last
      } = $state.snapshot(this.runs.shareState);
      const run = what.withTimeline ? last : this.runs.request();
      request = { run, samples: what.samples, threshold: this.runs.threshold, within: what.within };
    }
    this.measuring = true;
    try {
      const result = await this.session.api.measure(request, remoteCallback(onProgress));
      this.runs.measurement = { ...result.request, summary: result.summary };
      return result;
    } finally {
      this.measuring = false;
    }
  }

  cancelMeasure = () => void this.session?.api.cancelMeasure();

  /** Inspects a text with the loaded model (stopping a run that is going); see `WorkerApi.inspect`. */
  async inspect(text: string): Promise<InspectResult> {
    if (!this.session || this.phase !== 'ready') throw new Error('The model is not loaded yet.');
    return this.session.api.inspect(text);
  }

  setPace(tokensPerSecond: number): void {
    this.runs.settings.pace = tokensPerSecond;
    if (this.runs.busy) void this.session?.api.setPace(tokensPerSecond);
  }

  /**
   * A run ended with an error. The worker is replaced either way: after a failed step onnxruntime's
   * session may be unusable, and after a lost device it certainly is.
   */
  private runFailed(run: RunView, kind: RunErrorKind): void {
    this.discardWorker();
    // A fork's tokens are counted from its start, which "Resume" goes back to (`resumeAfterFault`).
    const written = run === this.runs.fork?.run ? 0 : run.tokens.length;
    this.failed(runFault(kind, run.error, written, run.backend, this.remedies));
  }

  /** The worker died (an error event) or stopped answering the watchdog. */
  private crashed(session: WorkerSession, why: string): void {
    if (this.session !== session) return;
    this.session = null;
    const loading = this.phase === 'loading';
    this.runs.settle('error', `The model worker stopped (${why}).`);
    const run = this.runs.run;
    if (loading || !run) this.failed(crashFault(why, null, this.device, this.remedies));
    else this.failed(crashFault(why, run.tokens.length, this.backend?.backend ?? 'auto', this.remedies));
  }

  private failed(fault: Fault): void {
    this.phase = 'failed';
    this.fault = fault;
  }

  /** Starts a run from the kept run's prompt and text, with the rest of its token budget and its last policy. */
  private continueFrom(kept: RunView): void {
    const text = kept.request.prompt + kept.tokens.map((t) => t.text).join('');
    const settings = this.runs.settings;
    // A share link holds at most this much prompt; the model's context is far shorter anyway.
    settings.prompt = text.slice(-LIMITS.promptLength);
    const maxNewTokens = Math.max(1, kept.request.maxNewTokens - kept.tokens.length);
    this.start({
      version: SHARE_VERSION,
      model: this.modelId,
      backend: kept.backend,
      measurement: null,
      ...kept.request,
      prompt: settings.prompt,
      maxNewTokens,
      initialPolicy: this.runs.lastPolicy,
      timeline: [],
      pace: settings.pace,
    });
  }

  private discardWorker(): void {
    this.session?.end();
    this.session = null;
  }

  /** What `window.__tagplay` offers tests (with `?testhooks`): faults, and what the page and the worker recorded. */
  testApi(): TestHooks {
    const worker = () => {
      if (!this.session) throw new Error('No model worker is running.');
      return this.session.worker;
    };
    return {
      // The raw worker's end: the page is not told, and its watchdog must notice.
      terminateWorker: () => worker().terminate(),
      injectFault: (fault) => worker().api.injectFault(fault),
      sentChanges: () => this.runs.sentChanges(),
      workerTimeline: () => worker().api.timeline(),
      memory: async () => ({ ...(await measureMemory()), workerWasmBytes: (await worker().api.memory()).wasmBytes }),
    };
  }
}
