/**
 * The typed, narrow surface between the page and the model worker. The page never sees ONNX or
 * transformers.js details: it asks for a device, gets tag names and token texts back, and receives
 * generated steps in batches.
 */
import type { InspectResult } from '../inspect/inspect';
import type { Sample } from '../measure/samples';
import type { MeasureSummary } from '../measure/summary';
import type { Step, StopReason } from '../steering/engine';
import type { Policy, PolicyChange } from '../steering/policy';
import type { TagGroup, VocabularyFile } from '../steering/tags';
import type { TimelineEntry } from '../steering/timeline';
import type { RunSettings, SharedMeasurement } from '../share/state';

export type DeviceChoice = 'auto' | 'webgpu' | 'wasm';
export type Backend = 'webgpu' | 'wasm';

export interface LoadOptions {
  device: DeviceChoice;
  /** Absolute path of the site's base, e.g. `/tagplay/`; the model and runtime files live under it. */
  basePath: string;
  /** Allows `injectFault` and makes `memory` measure the WebAssembly heap; for tests only (the page's `?testhooks`). */
  testHooks?: boolean;
  /** A model the user opened, in place of the site's: its files, and the tag groups set on the page, if any. */
  own?: { files: Record<string, ArrayBuffer>; groups: VocabularyFile | null };
}

export interface LoadResult {
  backend: Backend;
  /** Why this backend, in words for the badge. */
  reason: string;
  /** Whether WebGPU could be picked instead (an adapter exists). */
  webgpuAvailable: boolean;
  /** Whether that adapter is a software one on the processor (SwiftShader), slower than WASM. */
  webgpuSoftware: boolean;
  groups: TagGroup[];
  /**
   * The grouping in force, in `tagplay.json`'s form, and where it came from: the model's `tagplay.json`, the
   * default rule (`defaultVocabulary`), or the page (groups the user set for a model they opened).
   */
  tagVocabulary: VocabularyFile;
  tagVocabularySource: 'file' | 'rule' | 'page';
  /** Each token's text on its own, for showing alternatives. */
  vocabulary: string[];
  /** The model's context: prompt and generated tokens together stop at this many positions. */
  maxLength: number;
}

export interface LoadProgress {
  file: string;
  /** 0…1 once the size is known. */
  fraction: number | null;
}

/** A run as the worker needs it: what a share link holds to replay it, and for a fork the text it goes on from. */
export type RunRequest = RunSettings & {
  /**
   * A fork's start: the forked run's tokens up to and including the one forked at, read after the prompt as that
   * run read them; the fork's first step has index `prefix.length` (see `GenerationSettings.prefix`).
   */
  prefix?: number[];
};

export type RunEnd = StopReason | 'user' | 'error';

/** What went wrong when a run ended with `'error'`: the GPU device was lost, or anything else failed. */
export type RunErrorKind = 'device-lost' | 'generation';

/** Faults a test can inject into a loaded worker (only with `LoadOptions.testHooks`). */
export type InjectedFault =
  /** The next model step throws, as a failing runtime would. */
  | 'step-error'
  /** Destroys the WebGPU device, which the browser then reports as lost, as after a driver reset. */
  | 'destroy-device';

export interface WorkerMemory {
  /** Bytes of WebAssembly memory (onnxruntime's heap); null unless loaded with `testHooks`. */
  wasmBytes: number | null;
}

/** One generated token as the worker sends it: the engine's step and the token's text. */
export interface TokenStep extends Step {
  /** The token's text (tags appear as `<name>`). */
  text: string;
}

/** What the worker pushes to the page, a few steps at a time. */
export interface StepBatch {
  /** Timeline entries recorded since the previous batch, in order: replayed ones and live ones alike. */
  timeline: TimelineEntry[];
  /** How many live `change` calls this run has recorded so far; the page's later ones are still on their way. */
  liveChanges: number;
  /** The policy after every change recorded so far: what the next token will be generated under. */
  policy: Policy;
  steps: TokenStep[];
  /** Whether the loop is waiting for `resume` or `stepOnce`. */
  paused: boolean;
  /** Set on the last batch of a run. */
  ended: RunEnd | null;
  error?: string;
  errorKind?: RunErrorKind;
  promptLength: number;
}

/**
 * A measurement: `samples` under the policy with seeds `run.seed`, `run.seed + 1`, …, as many again free on the same
 * seeds; `threshold`, the pre-ban probability from which a banned tag counts as tempting; `within`, the sentences
 * after a lifted ban in which a comeback counts.
 */
export type MeasureRequest = Omit<SharedMeasurement, 'summary'>;

export interface MeasureProgress {
  /** Samples drawn so far, of `total` (steered and free together). */
  done: number;
  total: number;
  elapsedMs: number;
}

export interface MeasureResult {
  request: MeasureRequest;
  /** The tags that open sentences, in the order the summary reports them. */
  tags: string[];
  summary: MeasureSummary;
  steered: Sample[];
  free: Sample[];
  elapsedMs: number;
}

export type BatchListener = (batch: StepBatch) => void;
export type ProgressListener = (progress: LoadProgress) => void;

export interface WorkerApi {
  load(options: LoadOptions, onProgress: ProgressListener): Promise<LoadResult>;
  /**
   * Starts a run, stopping any current one; its steps go to `onBatch`, which hears nothing of other
   * runs. With `stepping`, it generates one token and waits, as if `stepOnce` had been called.
   */
  start(request: RunRequest, onBatch: BatchListener, stepping: boolean): Promise<void>;
  /**
   * Applies at the next token the current run generates once the change has arrived (see `YIELD_MS` in
   * run-loop.ts), and is recorded there in its timeline.
   */
  change(change: PolicyChange): void;
  pause(): void;
  resume(): void;
  /** Generates one token and pauses. */
  stepOnce(): void;
  stop(): void;
  /** Tokens per second; 0 means as fast as possible. */
  setPace(tokensPerSecond: number): void;
  /** Answers at once: the page's watchdog uses it to notice a worker that died. */
  ping(): boolean;
  /** The current (or last) run's timeline as the worker recorded it, replayed and live changes alike. */
  timeline(): TimelineEntry[];
  memory(): WorkerMemory;
  /**
   * Reads a text the model did not write: the tagger labels it and the model gives, at each sentence start,
   * its probability for each tag before it sees the tagger's. Stops the current run first.
   */
  inspect(text: string): Promise<InspectResult>;
  /**
   * Draws `request.samples` samples under the policy and as many free, at the engine's speed, and sums them
   * up; stops the current run first, and a run started meanwhile waits. Rejects once `cancelMeasure` is called.
   */
  measure(request: MeasureRequest, onProgress: (progress: MeasureProgress) => void): Promise<MeasureResult>;
  cancelMeasure(): void;
  /** Test only: see `InjectedFault`. Refused unless loaded with `testHooks`. */
  injectFault(fault: InjectedFault): Promise<void>;
}
