import type { LanguageModel } from '../steering/engine';
import { EventYield } from './run-loop';

/**
 * Runs the model on throwaway tokens right after it loads, while the page waits for the person. The
 * first few hundred steps are what makes V8 compile onnxruntime's hot functions to optimized code, on
 * background threads that take seconds of CPU; done here, that work no longer competes with the page's
 * drawing during the first run. A run stops the warm-up after the step under way: between steps the
 * warm-up returns to the event loop, since onnxruntime's steps resolve without one and would otherwise
 * hold back the run's start message until the last step.
 */
export class WarmUp {
  private stopped = false;
  private readonly done: Promise<void>;

  constructor(lm: LanguageModel, steps: number) {
    this.done = this.run(lm, Math.min(steps, lm.maxLength));
  }

  /** Stops after the step under way; resolves once the model is reset and free for a run. */
  stop(): Promise<void> {
    this.stopped = true;
    return this.done;
  }

  private async run(lm: LanguageModel, steps: number): Promise<void> {
    const yields = new EventYield();
    try {
      // One token per step on a growing cache, as a run decodes.
      for (let i = 0; i < steps && !this.stopped; i++) {
        await lm.next([lm.endOfText]);
        await yields.next();
      }
    } catch {
      // Nothing to report here: a step that fails now fails the first run too, and that run says why.
    } finally {
      yields.close();
      lm.reset();
    }
  }
}
