import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { loadNodeModel } from '../../models/recipe/load-node';
import { MODEL_DIR } from '../../models/recipe/paths';

interface Case {
  ids: number[];
  split: number;
  stride: number;
  logits: number[][];
  cachedLogits: number[][];
}
const fixture: { cases: Case[] } = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../models/recipe/fixtures/onnx-logits.json'), 'utf8'),
);
const config = JSON.parse(readFileSync(join(MODEL_DIR, 'config.json'), 'utf8'));
const TOLERANCE = 1e-4;

const int64 = (values: number[]) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);

/** One call of the committed ONNX graph, feeding `past` (or an empty cache) as transformers.js does. */
async function run(session: ort.InferenceSession, ids: number[], past: Record<string, ort.Tensor> | null) {
  const pastLength = past ? past['past_key_values.0.key'].dims[2] : 0;
  const feeds: Record<string, ort.Tensor> = {
    input_ids: int64(ids),
    attention_mask: int64(new Array(pastLength + ids.length).fill(1)),
    position_ids: int64(ids.map((_, i) => pastLength + i)),
  };
  for (let layer = 0; layer < config.num_hidden_layers; layer++) {
    for (const kind of ['key', 'value']) {
      const name = `past_key_values.${layer}.${kind}`;
      feeds[name] =
        past?.[name] ??
        new ort.Tensor('float32', new Float32Array(0), [1, config.num_key_value_heads, 0, config.head_dim]);
    }
  }
  const out = await session.run(feeds);
  const present: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(out))
    if (name.startsWith('present.')) present[name.replace('present.', 'past_key_values.')] = t;
  return { logits: out.logits, present };
}

/** Largest absolute difference between the strided ONNX logits and PyTorch's. */
function maxDiff(logits: ort.Tensor, expected: number[][], stride: number): number {
  const [, rows, vocab] = logits.dims;
  const data = logits.data as Float32Array;
  expect(rows).toBe(expected.length);
  let worst = 0;
  expected.forEach((row, r) =>
    row.forEach((v, j) => {
      worst = Math.max(worst, Math.abs(data[r * vocab + j * stride] - v));
    }),
  );
  return worst;
}

describe('ONNX parity: onnxruntime-node on the committed model vs PyTorch', () => {
  it('agrees within 1e-4 without and with past key values', async () => {
    const session = await ort.InferenceSession.create(join(MODEL_DIR, 'onnx/model.onnx'));
    expect(fixture.cases.length).toBeGreaterThan(0);
    for (const c of fixture.cases) {
      const full = await run(session, c.ids, null);
      expect(maxDiff(full.logits, c.logits, c.stride)).toBeLessThan(TOLERANCE);
      const prefix = await run(session, c.ids.slice(0, c.split), null);
      const cached = await run(session, c.ids.slice(c.split), prefix.present);
      expect(maxDiff(cached.logits, c.cachedLogits, c.stride)).toBeLessThan(TOLERANCE);
    }
  });

  it('gives the same next-token logits through transformers.js and the KV cache, chunk by chunk', async () => {
    const { lm } = await loadNodeModel();
    for (const c of fixture.cases) {
      lm.reset();
      await lm.next(c.ids.slice(0, c.split));
      let last: Float32Array = new Float32Array(0);
      for (const id of c.ids.slice(c.split)) last = await lm.next([id]);
      const expected = c.cachedLogits[c.cachedLogits.length - 1];
      const worst = Math.max(...expected.map((v, j) => Math.abs(last[j * c.stride] - v)));
      expect(worst).toBeLessThan(TOLERANCE);
    }
  });
});

describe('the 8-bit weights', () => {
  it('are stored as int8 and widened to float32 once, when onnxruntime loads the model', async () => {
    const stored = join(MODEL_DIR, 'onnx/model.onnx');
    const optimized = join(mkdtempSync(join(tmpdir(), 'tagplay-')), 'optimized.onnx');
    await ort.InferenceSession.create(stored, { optimizedModelFilePath: optimized, logSeverityLevel: 3 });
    // A NodeProto's op_type is field 4 (tag 0x22): a Cast left in the graph would run at every step.
    const castNode = Buffer.from([0x22, 0x04, ...Buffer.from('Cast')]);
    expect(readFileSync(stored).includes(castNode)).toBe(true);
    expect(readFileSync(optimized).includes(castNode)).toBe(false);
    expect(statSync(optimized).size).toBeGreaterThan(3.5 * statSync(stored).size);
  });
});
