import * as Comlink from 'comlink';
import type { WorkerApi } from '../worker/api';

export interface ModelWorker {
  api: Comlink.Remote<WorkerApi>;
  terminate(): void;
}

export function startModelWorker(): ModelWorker {
  const worker = new Worker(new URL('../worker/model.worker.ts', import.meta.url), { type: 'module', name: 'tagplay-model' });
  return { api: Comlink.wrap<WorkerApi>(worker), terminate: () => worker.terminate() };
}

/** Wraps a callback so the worker can call it across the thread boundary. */
export const remoteCallback = <T extends (...args: never[]) => void>(callback: T): T => Comlink.proxy(callback);
