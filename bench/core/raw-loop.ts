import { pastNames, type ModelShape } from './model-shape';
import { TokenClock, type Meters, type TimedRun } from './timing';

/** The little of an onnxruntime tensor the loop touches; onnxruntime-node and onnxruntime-web both fit it. */
export interface RawTensor {
  readonly dims: readonly number[];
  readonly data: unknown;
  readonly location: string;
  dispose(): void;
}

/** An onnxruntime flavour reduced to what the raw loop needs, so Node and the browser share one loop. */
export interface RawRuntime {
  int64(data: BigInt64Array, dims: number[]): RawTensor;
  float32(data: Float32Array, dims: number[]): RawTensor;
  run(feeds: Record<string, RawTensor>): Promise<Record<string, RawTensor>>;
}

function argmax(logits: Float32Array, from: number, to: number): number {
  let best = from;
  for (let i = from + 1; i < to; i++) if (logits[i] > logits[best]) best = i;
  return best - from;
}

/**
 * Path (a), the floor: one `InferenceSession.run` per token, `present.*` fed back as
 * `past_key_values.*`, greedy argmax over the last row in JS, end-of-text ignored so exactly
 * `newTokens` come out. Nothing else happens between two runs.
 */
export async function rawDecode(
  runtime: RawRuntime,
  shape: ModelShape,
  promptIds: number[],
  newTokens: number,
  meters: Meters,
): Promise<TimedRun> {
  const names = pastNames(shape);
  let past: Record<string, RawTensor> = Object.fromEntries(
    names.map((n) => [n, runtime.float32(new Float32Array(0), [1, shape.kvHeads, 0, shape.headDim])]),
  );
  let ids = promptIds;
  let length = 0;
  const clock = new TokenClock(meters);
  for (let produced = 0; produced < newTokens; produced++) {
    const total = length + ids.length;
    const feeds: Record<string, RawTensor> = {
      input_ids: runtime.int64(BigInt64Array.from(ids, BigInt), [1, ids.length]),
      attention_mask: runtime.int64(new BigInt64Array(total).fill(1n), [1, total]),
      position_ids: runtime.int64(
        BigInt64Array.from(ids, (_, i) => BigInt(length + i)),
        [1, ids.length],
      ),
      ...past,
    };
    const out = await runtime.run(feeds);
    const logits = out.logits.data as Float32Array;
    const token = argmax(logits, (ids.length - 1) * shape.vocab, ids.length * shape.vocab);
    clock.tick();
    // On WebGPU the cache stays in GPU buffers, which are freed by hand once replaced.
    for (const t of Object.values(past)) if (t.location === 'gpu-buffer') t.dispose();
    past = Object.fromEntries(names.map((n) => [n, out[n.replace('past_key_values.', 'present.')]]));
    length = total;
    ids = [token];
  }
  for (const t of Object.values(past)) if (t.location === 'gpu-buffer') t.dispose();
  return clock.run();
}
