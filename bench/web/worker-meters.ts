import { readAll, type MeterReadings, type Meters } from '../core/timing';

/** Readings of a worker's meters cross on this channel: the model worker's comlink API has no room for them. */
const CHANNEL = 'tagplay-bench-meters';

/** In a worker: answers every read request with the meters' current totals. */
export function answerMeterReads(meters: Meters): void {
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = () => channel.postMessage(readAll(meters));
}

/** On the page: the totals of the one worker that answers (the metered model worker), which move only while it generates. */
export function readWorkerMeters(): Promise<MeterReadings> {
  const channel = new BroadcastChannel(CHANNEL);
  return new Promise<MeterReadings>((resolve) => {
    channel.onmessage = (event: MessageEvent<MeterReadings>) => resolve(event.data);
    channel.postMessage('read');
  }).finally(() => channel.close());
}
