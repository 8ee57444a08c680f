/**
 * Evaluates the shipped model in Node through the browser's code path and writes eval.json.
 *
 *   npm run model:eval                  full evaluation (held-out loss, control fidelity, temptation AUC, samples)
 *   npm run model:eval -- --samples 50  fewer samples per condition (--ban-samples / --boost-samples set those alone)
 *   npm run model:eval -- --processes 1 one generation process (default: one per core)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Policy } from '../../src/steering/policy';
import { EMOTIONS, RUDE } from '../../src/tagger/labels';
import { labelShare, modelTagShare, temptationAuc, type Sample } from './control';
import { EvalPool } from './eval-pool';
import { round } from './metrics';
import { INVITING_PROMPTS } from './prompts';
import { BUILD_DIR, MODEL_DIR } from './paths';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const SAMPLES = arg('--samples', 200);
const BAN_SAMPLES = arg('--ban-samples', SAMPLES);
const BOOST_SAMPLES = arg('--boost-samples', SAMPLES);
const TOKENS = arg('--tokens', 120);
const BOOSTS = [-4, 0, 2, 4];


/** Mean nats per token over held-out windows, from the committed ONNX graph. */
async function heldOut(session: ort.InferenceSession, ids: Uint16Array, window: number, layers: number, kvHeads: number, headDim: number) {
  let nats = 0, count = 0;
  for (let s = 0; s + 1 < ids.length; s += window) {
    const chunk = Array.from(ids.subarray(s, Math.min(ids.length, s + window + 1)));
    const input = chunk.slice(0, -1);
    const int64 = (v: number[]) => new ort.Tensor('int64', BigInt64Array.from(v, BigInt), [1, v.length]);
    const feeds: Record<string, ort.Tensor> = { input_ids: int64(input), attention_mask: int64(input.map(() => 1)), position_ids: int64(input.map((_, i) => i)) };
    for (let l = 0; l < layers; l++) for (const k of ['key', 'value']) feeds[`past_key_values.${l}.${k}`] = new ort.Tensor('float32', new Float32Array(0), [1, kvHeads, 0, headDim]);
    const logits = (await session.run(feeds)).logits;
    const vocab = logits.dims[2];
    const data = logits.data as Float32Array;
    for (let t = 0; t < input.length; t++) {
      const row = data.subarray(t * vocab, (t + 1) * vocab);
      let max = -Infinity;
      for (const v of row) max = Math.max(max, v);
      let z = 0;
      for (const v of row) z += Math.exp(v - max);
      nats += max + Math.log(z) - row[chunk[t + 1]];
      count++;
    }
  }
  return { nats, tokens: count };
}

async function main() {
  const t0 = Date.now();
  const config = JSON.parse(readFileSync(join(MODEL_DIR, 'config.json'), 'utf8'));
  const session = await ort.InferenceSession.create(join(MODEL_DIR, 'onnx/model.onnx'));
  const loss: Record<string, unknown> = {};
  for (const genre of ['story', 'comment']) {
    const file = join(BUILD_DIR, `corpus/valid-${genre}.bin`);
    const ids = new Uint16Array(readFileSync(file).buffer.slice(0));
    const bytes = Number(readFileSync(join(BUILD_DIR, `corpus/valid-${genre}.bytes`), 'utf8'));
    const { nats, tokens } = await heldOut(session, ids, config.max_position_embeddings, config.num_hidden_layers, config.num_key_value_heads, config.head_dim);
    loss[genre] = { tokens, untaggedBytes: bytes, lossNatsPerToken: round(nats / tokens), bitsPerByte: round(nats / Math.LN2 / bytes) };
    console.log(genre, loss[genre]);
  }

  const processes = arg('--processes', availableParallelism());
  const pool = new EvalPool(processes);
  let queued = 0, finished = 0;
  const run = async (prompt: string, policy: Policy, samples = SAMPLES): Promise<Sample[]> => {
    // Every condition draws from the same fixed seed list, so conditions differ only by their policy and prompt.
    queued++;
    const out = await pool.run({ prompt, policy, samples, tokens: TOKENS, firstSeed: 1 });
    console.log(`[${++finished}/${queued}] ${prompt.slice(0, 40)} ${JSON.stringify(policy)}: ${out.length} samples, ${((Date.now() - t0) / 60000).toFixed(1)} min`);
    return out;
  };

  // Every condition is queued first so that the processes stay busy; results are read in a fixed order.
  const tags = [...EMOTIONS, RUDE];
  const freeRun = run('<story>', {});
  const forcedRuns = tags.map((tag) => run('<story>', { [tag]: { mode: 'force', boost: 0 } }));
  const banRuns = EMOTIONS.map((tag) => [{}, { [tag]: { mode: 'ban', boost: 0 } } as Policy].map((policy) => run(INVITING_PROMPTS[tag], policy, BAN_SAMPLES)));
  const boostRuns = EMOTIONS.map((tag) => BOOSTS.map((b) => (b === 0 ? null : run('<story>', { [tag]: { mode: 'allow', boost: b } }, BOOST_SAMPLES))));
  const exampleBan = run(INVITING_PROMPTS.angry, { angry: { mode: 'ban', boost: 0 } }, 1);

  const free = await freeRun;
  const base = Object.fromEntries(tags.map((t) => [t, { taggerShare: round(labelShare(free, t).share), modelTagShare: round(modelTagShare(free, t)) }]));
  const forced: Record<string, unknown> = {};
  const forcedSamples: Record<string, Sample[]> = {};
  for (const [i, tag] of tags.entries()) {
    forcedSamples[tag] = await forcedRuns[i];
    const { share, sentences } = labelShare(forcedSamples[tag], tag);
    forced[tag] = { share: round(share), baseRate: base[tag].taggerShare, sentences };
  }
  const ban: Record<string, unknown> = {};
  const boost: Record<string, Record<string, number>> = {};
  for (const [i, tag] of EMOTIONS.entries()) {
    const [freeShare, bannedShare] = (await Promise.all(banRuns[i])).map((samples) => labelShare(samples, tag).share);
    ban[tag] = { free: round(freeShare), banned: round(bannedShare), ratio: bannedShare > 0 ? round(freeShare / bannedShare, 2) : null };
    boost[tag] = {};
    for (const [j, b] of BOOSTS.entries()) {
      const boosted = boostRuns[i][j];
      boost[tag][String(b)] = boosted ? round(labelShare(await boosted, tag).share) : base[tag].taggerShare;
    }
  }
  const auc = Object.fromEntries(EMOTIONS.map((t) => { const a = temptationAuc(free, t); return [t, a === null ? null : round(a)]; }));
  const examples = [
    { policy: 'free', text: free[0].text },
    { policy: 'force <happy>', text: forcedSamples.happy[0].text },
    { policy: 'force <scared>', text: forcedSamples.scared[0].text },
    { policy: 'force <rude>', text: forcedSamples[RUDE][0].text },
    { policy: 'ban <angry> after an angry opening', text: (await exampleBan)[0].text },
  ];
  pool.close();
  const report = {
    command: 'npm run model:eval',
    model: { parameters: config.parameters, trainingSteps: config.training_steps },
    settings: {
      samples: { freeAndForced: SAMPLES, ban: BAN_SAMPLES, boost: BOOST_SAMPLES }, tokensPerSample: TOKENS,
      seeds: 'seeds 1, 2, … in every condition', sampling: 'temperature 0.8, top-k 40, top-p 0.95', processes,
    },
    heldOut: loss,
    freeGeneration: base,
    forcedFidelity: forced,
    banEfficacy: ban,
    boostResponse: boost,
    temptationAuc: auc,
    examples,
    seconds: round((Date.now() - t0) / 1000, 1),
  };
  writeFileSync(join(MODEL_DIR, 'eval.json'), JSON.stringify(report, null, 2) + '\n');
  console.log(JSON.stringify(report, null, 2));
}

await main();
