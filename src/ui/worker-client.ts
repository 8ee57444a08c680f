import * as Comlink from 'comlink';
import type { WorkerApi } from '../worker/api';

export interface ModelWorker {
  api: Comlink.Remote<WorkerApi>;
  terminate(): void;
}

/** Starts the worker; `onCrash` hears of a worker that failed to load or died, which no pending call would report. */
export function startModelWorker(onCrash: (message: string) => void): ModelWorker {
  return connectModelWorker(
    new Worker(new URL('../worker/model.worker.ts', import.meta.url), { type: 'module', name: 'tagplay-model' }),
    onCrash,
  );
}

/** Drives a worker that runs the model worker's module, such as the bench's metered build of it. */
export function connectModelWorker(worker: Worker, onCrash: (message: string) => void): ModelWorker {
  worker.addEventListener('error', (event) => onCrash(event.message || 'The model worker could not be started.'));
  return { api: Comlink.wrap<WorkerApi>(worker), terminate: () => worker.terminate() };
}

/** Wraps a callback so the worker can call it across the thread boundary. */
export const remoteCallback = <T extends (...args: never[]) => void>(callback: T): T => Comlink.proxy(callback);
