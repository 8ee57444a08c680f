import { MODEL_DIR } from '../model/model-name';
import { isOwnModelId } from '../model/own-model';
import { decodeShareState } from '../share/codec';
import type { ShareFork } from '../share/fork';
import type { ShareState } from '../share/state';
import type { Backend } from '../worker/api';
import { linkModel } from './link-model';
import type { RunState, RunView } from './run-state.svelte';

/** What replaying a link needs of the playground. */
export interface ReplayHost {
  readonly runs: RunState;
  /** The loaded model as a share link names it, and as the page names it. */
  modelId(): string;
  modelName(): string;
  /** The backend the model runs on, once loaded. */
  backend(): Backend | undefined;
  start(state: ShareState): void;
  stop(): void;
  forkAt(at: number, fork: ShareFork): boolean;
  setPace(tokensPerSecond: number): void;
}

/**
 * Share links opened on the page: restores their settings and replays their run, then their fork; a link made with
 * a model the page can load waits for it; anything else is said in `notice`.
 */
export class LinkReplay {
  /** A message about the share link the page was opened with. */
  notice = $state<string | null>(null);
  /** What the notice offers: the built-in model its link was made with. */
  noticeOffersBuiltIn = $state(false);

  /** A share link that waits for the model it was made with. */
  private pending: string | null = null;
  /** The fork a shared link carries, to replay once its run has: the link replays the run, then the fork. */
  private fork: ShareFork | null = null;
  /** The request of the run that replays a shared link (a run's request stays one object all run). */
  private replaying = $state.raw<RunView['request'] | null>(null);

  constructor(private readonly host: ReplayHost) {}

  /** Restores the controls from a share link's text and replays it; a bad link leaves defaults and a message. */
  open(text: string): void {
    const { host } = this;
    const { runs } = host;
    this.pending = null;
    this.noticeOffersBuiltIn = false;
    const needed = linkModel(text);
    // A model the page can load (one the user opens, or the site's own): the link waits for it.
    if (needed !== null && needed !== host.modelId() && (isOwnModelId(needed) || needed === MODEL_DIR)) {
      if (runs.busy) host.stop();
      this.fork = null;
      this.pending = text;
      this.noticeOffersBuiltIn = needed === MODEL_DIR;
      this.notice = isOwnModelId(needed)
        ? `This link was made with a model opened from its maker's own files, ${needed.split('@')[0]} ` +
          `(${needed}: its name and a hash of its files), which this page has not loaded. Open that model's ` +
          'folder with "Open a model…" and the link replays.'
        : `This link was made with this site's built-in model (${MODEL_DIR}), and this page runs ` +
          `${host.modelName()}. Use the built-in model and the link replays.`;
      return;
    }
    const result = decodeShareState(text, runs.tags);
    if (runs.busy) host.stop();
    this.fork = null;
    runs.restore(result.state);
    if (!result.ok) {
      this.notice =
        result.state === null
          ? result.error
          : `${result.error} The playground opened with its default settings instead.`;
      return;
    }
    if (result.state.model !== host.modelId()) {
      this.notice =
        `This link was made with another model (${result.state.model}) than this page runs (${host.modelId()}), ` +
        'so replaying it would write other text: its settings are restored, and Generate writes with them.';
      return;
    }
    const backend = host.backend();
    this.notice =
      result.state.backend !== null && backend !== undefined && result.state.backend !== backend
        ? `This link was made on ${result.state.backend === 'webgpu' ? 'WebGPU' : 'WASM'} and replays here on ` +
          `${backend === 'webgpu' ? 'WebGPU' : 'WASM'}, whose arithmetic differs in the last digits: ` +
          'a token may come out otherwise.'
        : null;
    host.start(result.state);
    this.replaying = runs.run?.request ?? null;
    this.fork = result.state.fork ?? null;
  }

  /** A model has loaded: a share link that waited for it replays. */
  modelLoaded(): void {
    const text = this.pending;
    if (text === null || linkModel(text) !== this.host.modelId()) return;
    this.pending = null;
    this.notice = null;
    this.noticeOffersBuiltIn = false;
    this.open(text);
  }

  /** A run or fork ended: a shared run that carries a fork goes on to replay it. */
  runEnded(run: RunView): void {
    const fork = this.fork;
    if (!fork || run.request !== this.replaying) return;
    this.fork = null;
    if (run.ended === 'error') return;
    if (run.tokens.length <= fork.at) {
      this.notice =
        `This link's fork goes on after token ${fork.at}, but its run wrote only ${run.tokens.length} ` +
        'tokens here, so the fork was not replayed.';
      return;
    }
    if (this.host.forkAt(fork.at, fork)) this.replaying = this.host.runs.fork?.run?.request ?? null;
  }

  /** Whether a shared link (its run, or then its fork) is replaying at its recorded pace, which the page says. */
  get replayingLink(): boolean {
    if (this.replaying === null) return false;
    const run = this.host.runs.run;
    const fork = this.host.runs.fork?.run;
    if (run?.request === this.replaying) return run.ended === null || this.fork !== null;
    return fork?.request === this.replaying && fork.ended === null;
  }

  /** "Skip to the end" of a shared run: the same tokens, as fast as the model goes. */
  skip = () => this.host.setPace(0);
}
