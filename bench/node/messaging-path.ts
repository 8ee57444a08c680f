import type { LanguageModel } from '../../src/steering/engine';
import type { TagGroup } from '../../src/steering/tags';
import type { StepBatch } from '../../src/worker/api';
import { RunLoop } from '../../src/worker/run-loop';
import { TokenTexts } from '../../src/worker/token-text';
import { benchGeneration } from '../core/tagplay-path';
import { TokenClock, type Meters, type TimedRun } from '../core/timing';

/**
 * Path (d) in Node: path (c) driven by the app worker's own `RunLoop` (per-token transcript records
 * with text, batching, a yield to events every 16 ms), its batches posted through a `MessageChannel` as
 * the worker posts them to the page. Both ends live on this one thread, so the structured clone is paid
 * twice here where the browser splits it over two threads: an upper bound on the messaging cost.
 */
export async function messagingDecode(
  lm: LanguageModel,
  groups: TagGroup[],
  decode: (ids: number[]) => string,
  vocabulary: readonly string[],
  promptIds: number[],
  newTokens: number,
  meters: Meters,
): Promise<TimedRun> {
  const channel = new MessageChannel();
  const clock = new TokenClock(meters);
  const ended = new Promise<void>((resolve) => {
    channel.port2.onmessage = (event: MessageEvent<StepBatch>) => {
      if (event.data.steps.length > 0) clock.tick(event.data.steps.length);
      if (event.data.ended) resolve();
    };
  });
  const texts = new TokenTexts(decode, vocabulary);
  const loop = new RunLoop(
    benchGeneration(lm, groups, promptIds, newTokens),
    (step) => ({ ...step, text: texts.next(step.token) }),
    (batch) => channel.port1.postMessage(batch),
    promptIds.length,
    0,
  );
  await loop.run();
  await ended;
  channel.port1.close();
  channel.port2.close();
  return clock.run();
}
