/**
 * What the page says when the model or its worker fails: what happened, what to do, and the buttons
 * that do it. Plain builders; the playground supplies what each button runs.
 */
import type { DeviceChoice, RunErrorKind } from '../worker/api';
import type { LoadFailureKind } from '../worker/load-failure';
import { tokenCount } from './run-words';

export interface FaultAction {
  label: string;
  testId: string;
  run: () => void;
}

/** Something that went wrong with the model or its worker, what to do about it, and the buttons that do it. */
export interface Fault {
  kind: LoadFailureKind | 'load' | 'crash' | RunErrorKind;
  /** What happened. */
  what: string;
  /** What the user can do. */
  todo: string;
  actions: FaultAction[];
}

const LOAD_ADVICE: Record<LoadFailureKind | 'load', string> = {
  missing:
    'The site was put online without its model files, or under another path. ' +
    'Deploy the models/ and ort/ folders of the build next to index.html, then try again.',
  unreachable:
    'The connection to the site failed while the model was loading. ' +
    'Check your connection, or that the site is still up, then try again.',
  damaged:
    'A model file is damaged or cut short, as by an interrupted upload or download. ' +
    'Try again; if it fails again, deploy the models/ folder of the build once more.',
  interrupted:
    'The connection broke off while the model was downloading. Try again. ' +
    'If it keeps breaking off at the same file, the server may be compressing it on the fly without saying ' +
    'its length, which private browser windows refuse: serve it as it is.',
  load: 'Try again; if it keeps failing, reload the page or try another browser.',
};

/** The sentence that tells how much of a failed run is kept. */
const kept = (tokens: number) => `The ${tokenCount(tokens)} written so far are kept below.`;

/** What the buttons of a fault can do. */
export interface Remedies {
  /** Loads the model again on this device. */
  load(device: DeviceChoice): void;
  /** Loads the model on this device and goes on from the failed run's text. */
  resume(device: DeviceChoice): void;
}

/** The last run's buttons that go on from its text: on WebGPU both backends are offered, `preferWasm` first. */
function resumeActions(backend: DeviceChoice, preferWasm: boolean, remedies: Remedies): FaultAction[] {
  const here = { label: 'Resume', testId: 'fault-resume', run: () => remedies.resume(backend) };
  const wasm = { label: 'Resume on WASM', testId: 'fault-resume-wasm', run: () => remedies.resume('wasm') };
  if (backend !== 'webgpu') return [here];
  return preferWasm ? [wasm, { ...here, label: 'Resume on WebGPU' }] : [here, wasm];
}

/** The model did not load; `retry` is what "Try again" does. */
export function loadFault(
  kind: LoadFailureKind | 'load',
  message: string,
  device: DeviceChoice,
  retry: () => void,
  remedies: Remedies,
): Fault {
  const actions: FaultAction[] = [{ label: 'Try again', testId: 'fault-retry', run: retry }];
  if (kind === 'load' && device !== 'wasm')
    actions.push({ label: 'Load on WASM instead', testId: 'fault-wasm', run: () => remedies.load('wasm') });
  return { kind, what: `The model could not be loaded: ${message}`, todo: LOAD_ADVICE[kind], actions };
}

/** A run ended with an error after `tokens` tokens on `backend`. */
export function runFault(
  kind: RunErrorKind,
  error: string | null,
  tokens: number,
  backend: DeviceChoice,
  remedies: Remedies,
): Fault {
  if (kind === 'device-lost')
    return {
      kind,
      what: `The GPU stopped working during generation. ${error ?? ''}`.trim(),
      todo:
        `${kept(tokens)} WASM runs on the processor and needs no GPU: ` +
        'resume on WASM to go on from that text (or try WebGPU again).',
      actions: resumeActions(backend, true, remedies),
    };
  return {
    kind,
    what: `Generation failed: ${error ?? 'an unknown error'}`,
    todo: `${kept(tokens)} Resume restarts the model and goes on from that text.`,
    actions: resumeActions(backend, false, remedies),
  };
}

/** The worker died (`why`); `tokens` is how much of a run it was writing is kept, null when there is none. */
export function crashFault(why: string, tokens: number | null, device: DeviceChoice, remedies: Remedies): Fault {
  if (tokens === null)
    return {
      kind: 'crash',
      what: `The model worker stopped unexpectedly (${why}).`,
      todo: 'It may have run out of memory. Reload the model to go on.',
      actions: [{ label: 'Reload the model', testId: 'fault-retry', run: () => remedies.load(device) }],
    };
  return {
    kind: 'crash',
    what: `The model worker stopped unexpectedly (${why}); it may have run out of memory or crashed.`,
    todo: `${kept(tokens)} Resume restarts the model and goes on from that text.`,
    actions: [
      ...resumeActions(device, false, remedies),
      { label: 'Reload without resuming', testId: 'fault-retry', run: () => remedies.load(device) },
    ],
  };
}
