import { startModelWorker, type ModelWorker } from './worker-client';

/** How often the page asks the worker whether it is alive, and how long it waits for the answer. */
const PING_EVERY_MS = 1_000;
const WORKER_SILENCE_MS = 12_000;

/**
 * One model worker as the page holds it: started, watched, and ended. `onCrash` hears once of a worker
 * that died (an error event) or stopped answering the watchdog's pings (a terminated worker tells nobody).
 */
export class WorkerSession {
  readonly worker: ModelWorker;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private ended = false;

  constructor(private readonly onCrash: (why: string) => void) {
    this.worker = startModelWorker((why) => this.crash(why));
  }

  get api(): ModelWorker['api'] {
    return this.worker.api;
  }

  /** Starts pinging the worker; called once it has loaded, since loading may block it for a while. */
  watch(): void {
    this.stopWatching();
    let waitingSince: number | null = null;
    this.watchdog = setInterval(() => {
      if (waitingSince !== null) {
        if (performance.now() - waitingSince > WORKER_SILENCE_MS)
          this.crash(`it did not answer for ${WORKER_SILENCE_MS / 1000} s`);
        return;
      }
      const sentAt = performance.now();
      waitingSince = sentAt;
      void this.worker.api.ping().then(() => {
        if (waitingSince === sentAt) waitingSince = null;
      });
    }, PING_EVERY_MS);
  }

  /** Ends the worker; it reports nothing after this. */
  end(): void {
    this.ended = true;
    this.stopWatching();
    this.worker.terminate();
  }

  private crash(why: string): void {
    if (this.ended) return;
    this.end();
    this.onCrash(why);
  }

  private stopWatching(): void {
    if (this.watchdog !== null) clearInterval(this.watchdog);
    this.watchdog = null;
  }
}
