/**
 * Faults that end-to-end tests inject into the worker, loaded only when the page asks for test hooks
 * (`?testhooks`): a model step that throws, and a real loss of the WebGPU device. Loading it also starts
 * measuring the worker's WebAssembly memory.
 */
import type { LanguageModel } from '../steering/engine';
import type { Backend, InjectedFault } from './api';
import { webGpuDevice } from './gpu-device';
import { trackWasmMemory } from './wasm-memory';

export class TestFaults {
  /** Set by the `step-error` fault: the next model step throws. */
  private failNextStep = false;

  constructor() {
    trackWasmMemory();
  }

  /** The model as the engine sees it; the `step-error` fault makes its next step throw. */
  wrap(lm: LanguageModel): LanguageModel {
    return {
      maxLength: lm.maxLength,
      endOfText: lm.endOfText,
      reset: () => lm.reset(),
      next: async (tokens) => {
        if (this.failNextStep) {
          this.failNextStep = false;
          throw new Error('Injected fault: the model step failed (test hook).');
        }
        return lm.next(tokens);
      },
    };
  }

  async inject(fault: InjectedFault, backend: Backend | null): Promise<void> {
    if (fault === 'step-error') {
      this.failNextStep = true;
      return;
    }
    const device = backend === 'webgpu' ? await webGpuDevice() : null;
    if (!device) throw new Error('There is no WebGPU device to destroy: the model runs on WASM.');
    device.destroy();
  }
}
