/**
 * Runs generation conditions on several processes, one model on one thread each: a model this small
 * decodes one token at a time with little to share between threads, so separate processes use the
 * cores better. Every condition draws from its own fixed seeds, so the result does not depend on the
 * order in which conditions finish.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { RunSpec, Sample } from './control';
import type { Job } from './eval-worker';

type Reply = { ready: true } | { id: number; samples: Sample[] };

export class EvalPool {
  private queue: { job: Job; done: (s: Sample[]) => void }[] = [];
  private idle: ChildProcess[] = [];
  private pending = new Map<number, (s: Sample[]) => void>();
  private children: ChildProcess[];
  private nextId = 0;

  constructor(size: number) {
    this.children = Array.from({ length: size }, () => {
      const child = fork(new URL('./eval-worker.ts', import.meta.url), { execArgv: ['--import', 'tsx'] });
      child.on('message', (reply: Reply) => {
        if ('id' in reply) {
          this.pending.get(reply.id)!(reply.samples);
          this.pending.delete(reply.id);
        }
        this.idle.push(child);
        this.dispatch();
      });
      child.on('exit', (code) => {
        if (code !== 0 && code !== null) throw new Error(`an evaluation process exited with code ${code}`);
      });
      return child;
    });
  }

  run(spec: RunSpec): Promise<Sample[]> {
    return new Promise((done) => {
      this.queue.push({ job: { id: this.nextId++, spec }, done });
      this.dispatch();
    });
  }

  close(): void {
    for (const child of this.children) child.kill();
  }

  private dispatch(): void {
    while (this.idle.length && this.queue.length) {
      const { job, done } = this.queue.shift()!;
      this.pending.set(job.id, done);
      this.idle.shift()!.send(job);
    }
  }
}
