/**
 * Evaluates the shipped model in Node through the browser's code path and writes eval.json. Every generated sentence
 * is judged by the sentence-local tagger (each sentence alone, nothing carried from the prompt or the sentences before
 * it), so that the tagger's memory cannot meet a target for the model.
 *
 *   npm run model:eval                  full evaluation (held-out loss, control fidelity, temptation AUC, samples)
 *   npm run model:eval -- --samples 50  fewer samples per condition (--ban-samples / --boost-samples set those alone)
 *   npm run model:eval -- --processes 1 one generation process (default: one per core)
 *   npm run model:eval -- --corpus DIR  the encoded corpus the model was trained on (default models/build/corpus)
 *   npm run model:eval -- --example-only  measure only the playground's angry example, into the existing eval.json
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Policy } from '../../src/steering/policy';
import { EMOTIONS, RUDE, type Emotion } from '../../src/tagger/labels';
import { labelShare, modelTagShare, temptationAuc, type Sample } from './control';
import { EvalPool } from './eval-pool';
import { round } from './metrics';
import { ANGRY_EXAMPLE, OPENINGS } from './prompts';
import { BUILD_DIR, MODEL_DIR } from './paths';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const corpusIndex = process.argv.indexOf('--corpus');
const CORPUS = corpusIndex >= 0 ? process.argv[corpusIndex + 1] : join(BUILD_DIR, 'corpus');
const SAMPLES = arg('--samples', 200);
const BAN_SAMPLES = arg('--ban-samples', SAMPLES);
const BOOST_SAMPLES = arg('--boost-samples', SAMPLES);
const TOKENS = arg('--tokens', 120);
const BOOSTS = [-4, 0, 2, 4];
/** The playground's default temptation threshold. */
const THRESHOLD = 0.2;
const CUED = EMOTIONS.filter((e): e is Exclude<Emotion, 'neutral'> => e !== 'neutral');

/** Distinct-2: distinct word bigrams over all bigrams of the samples' text, a sign of repetitive output when low. */
function distinct2(samples: Sample[]): number {
  const bigrams: string[] = [];
  for (const s of samples)
    for (const sentence of s.sentences) {
      const words = sentence.text.toLowerCase().match(/[a-z']+/g) ?? [];
      for (let i = 0; i + 1 < words.length; i++) bigrams.push(`${words[i]} ${words[i + 1]}`);
    }
  return bigrams.length ? new Set(bigrams).size / bigrams.length : 0;
}

/** Mean nats per token over held-out windows, from the committed ONNX graph. */
async function heldOut(
  session: ort.InferenceSession,
  ids: Uint16Array,
  window: number,
  layers: number,
  kvHeads: number,
  headDim: number,
) {
  let nats = 0,
    count = 0;
  for (let s = 0; s + 1 < ids.length; s += window) {
    const chunk = Array.from(ids.subarray(s, Math.min(ids.length, s + window + 1)));
    const input = chunk.slice(0, -1);
    const int64 = (v: number[]) => new ort.Tensor('int64', BigInt64Array.from(v, BigInt), [1, v.length]);
    const feeds: Record<string, ort.Tensor> = {
      input_ids: int64(input),
      attention_mask: int64(input.map(() => 1)),
      position_ids: int64(input.map((_, i) => i)),
    };
    for (let l = 0; l < layers; l++)
      for (const k of ['key', 'value'])
        feeds[`past_key_values.${l}.${k}`] = new ort.Tensor('float32', new Float32Array(0), [1, kvHeads, 0, headDim]);
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

/** How often banning `<angry>` in the playground's example tempts the model and changes the text, seed by seed. */
function angryExampleFigures(free: Sample[], banned: Sample[]) {
  const tempted = banned.filter((s) => s.sentences.some((x) => x.tagProbs.angry > THRESHOLD)).length;
  const changed = banned.filter((s, k) => s.text !== free[k].text).length;
  return {
    prompt: ANGRY_EXAMPLE,
    note: `seeds whose run with <angry> banned had a sentence start where <angry>'s pre-ban probability passed ${THRESHOLD}, and whose text differs from the free run`,
    tempted: round(tempted / banned.length),
    textChanged: round(changed / banned.length),
    freeAngryShare: round(labelShare(free, 'angry').share),
    bannedAngryShare: round(labelShare(banned, 'angry').share),
  };
}

/** Re-measures only the angry example, with the same seeds and settings, into the existing eval.json. */
async function exampleOnly() {
  const file = join(MODEL_DIR, 'eval.json');
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const pool = new EvalPool(arg('--processes', availableParallelism()));
  const spec = {
    prompt: ANGRY_EXAMPLE,
    samples: report.settings.samples.openings,
    tokens: report.settings.tokensPerSample,
    firstSeed: 1,
  };
  const [free, banned] = await Promise.all(
    [{}, { angry: { mode: 'ban', boost: 0 } } as Policy].map((policy) => pool.run({ ...spec, policy })),
  );
  pool.close();
  report.angryExample = angryExampleFigures(free, banned);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  console.log(report.angryExample);
}

async function main() {
  const t0 = Date.now();
  const config = JSON.parse(readFileSync(join(MODEL_DIR, 'config.json'), 'utf8'));
  const session = await ort.InferenceSession.create(join(MODEL_DIR, 'onnx/model.onnx'));
  const loss: Record<string, unknown> = {};
  const genres = readdirSync(CORPUS)
    .filter((f) => /^valid-.*\.bin$/.test(f))
    .map((f) => f.slice(6, -4));
  for (const genre of genres) {
    const ids = new Uint16Array(readFileSync(join(CORPUS, `valid-${genre}.bin`)).buffer.slice(0));
    const bytes = Number(readFileSync(join(CORPUS, `valid-${genre}.bytes`), 'utf8'));
    const { nats, tokens } = await heldOut(
      session,
      ids,
      config.max_position_embeddings,
      config.num_hidden_layers,
      config.num_key_value_heads,
      config.head_dim,
    );
    loss[genre] = {
      tokens,
      untaggedBytes: bytes,
      lossNatsPerToken: round(nats / tokens),
      bitsPerByte: round(nats / Math.LN2 / bytes),
    };
    console.log(genre, loss[genre]);
  }

  const processes = arg('--processes', availableParallelism());
  const pool = new EvalPool(processes);
  let queued = 0,
    finished = 0;
  const run = async (prompt: string, policy: Policy, samples = SAMPLES): Promise<Sample[]> => {
    // Every condition draws from the same fixed seed list, so conditions differ only by their policy and prompt.
    queued++;
    const out = await pool.run({ prompt, policy, samples, tokens: TOKENS, firstSeed: 1 });
    console.log(
      `[${++finished}/${queued}] ${prompt.slice(0, 40)} ${JSON.stringify(policy)}: ${out.length} samples, ${((Date.now() - t0) / 60000).toFixed(1)} min`,
    );
    return out;
  };
  const ban = (tag: string): Policy => ({ [tag]: { mode: 'ban', boost: 0 } });
  const force = (tag: string): Policy => ({ [tag]: { mode: 'force', boost: 0 } });

  // Every condition is queued first so that the processes stay busy; results are read in a fixed order.
  const freeRun = run('<story>', {});
  const forcedRuns = EMOTIONS.map((tag) => run('<story>', force(tag)));
  const freeCommentRun = run('<comment>', {});
  const rudeRun = run('<comment>', force(RUDE));
  const openingRuns = CUED.map((tag) => [{}, ban(tag)].map((policy) => run(OPENINGS[tag], policy, BAN_SAMPLES)));
  const boostRuns = EMOTIONS.map((tag) =>
    BOOSTS.map((b) => (b === 0 ? null : run('<story>', { [tag]: { mode: 'allow', boost: b } }, BOOST_SAMPLES))),
  );
  const exampleRuns = [{}, ban('angry')].map((policy) => run(ANGRY_EXAMPLE, policy, BAN_SAMPLES));

  const free = await freeRun;
  const base = Object.fromEntries(
    [...EMOTIONS, RUDE].map((t) => [
      t,
      { taggerShare: round(labelShare(free, t).share), modelTagShare: round(modelTagShare(free, t)) },
    ]),
  );
  const freeDistinct2 = distinct2(free);
  const forced: Record<string, unknown> = {};
  const forcedSamples: Record<string, Sample[]> = {};
  for (const [i, tag] of EMOTIONS.entries()) {
    forcedSamples[tag] = await forcedRuns[i];
    const { share, sentences } = labelShare(forcedSamples[tag], tag);
    const d2 = distinct2(forcedSamples[tag]);
    forced[tag] = {
      share: round(share),
      baseRate: base[tag].taggerShare,
      sentences,
      distinct2: round(d2),
      distinct2VsFree: round(d2 / freeDistinct2),
    };
  }
  const freeComment = await freeCommentRun;
  const rude = await rudeRun;
  const rudeUnderComment = {
    note: 'under <comment>: share of sentences the tagger flags rude, forced and free',
    forced: round(labelShare(rude, RUDE).share),
    free: round(labelShare(freeComment, RUDE).share),
    sentences: labelShare(rude, RUDE).sentences,
  };
  const openings: Record<string, unknown> = {};
  const unbanned: Sample[] = [...free];
  for (const [i, tag] of CUED.entries()) {
    const [freeSamples, bannedSamples] = await Promise.all(openingRuns[i]);
    unbanned.push(...freeSamples);
    const freeShare = labelShare(freeSamples, tag).share;
    const bannedShare = labelShare(bannedSamples, tag).share;
    openings[tag] = {
      free: round(freeShare),
      banned: round(bannedShare),
      ratio: bannedShare > 0 ? round(freeShare / bannedShare, 2) : null,
    };
  }
  const boost: Record<string, Record<string, number>> = {};
  for (const [i, tag] of EMOTIONS.entries()) {
    boost[tag] = {};
    for (const [j, b] of BOOSTS.entries()) {
      const boosted = boostRuns[i][j];
      boost[tag][String(b)] = boosted ? round(labelShare(await boosted, tag).share) : base[tag].taggerShare;
    }
  }
  // Temptation AUC over free generation and the unbanned openings, so that every emotion has positives.
  const auc = Object.fromEntries(
    EMOTIONS.map((t) => {
      const a = temptationAuc(unbanned, t);
      return [t, a === null ? null : round(a)];
    }),
  );
  const [exampleFree, exampleBanned] = await Promise.all(exampleRuns);
  const angryExample = angryExampleFigures(exampleFree, exampleBanned);
  const examples = [
    { policy: 'free', text: free[0].text },
    { policy: 'free', text: free[1].text },
    ...EMOTIONS.filter((t) => t !== 'neutral').map((t) => ({ policy: `force <${t}>`, text: forcedSamples[t][0].text })),
    { policy: 'force <rude> under <comment>', text: rude[0].text },
    { policy: 'ban <angry> after an angry opening', text: (await openingRuns[CUED.indexOf('angry')][1])[0].text },
  ];
  pool.close();
  const report = {
    command: 'npm run model:eval',
    model: { parameters: config.parameters, trainingSteps: config.training_steps },
    settings: {
      samples: { freeAndForced: SAMPLES, openings: BAN_SAMPLES, boost: BOOST_SAMPLES },
      tokensPerSample: TOKENS,
      seeds: 'seeds 1, 2, … in every condition',
      sampling: 'temperature 0.8, top-k 40, top-p 0.95',
      processes,
      judge: 'the sentence-local tagger (labelSentence): each generated sentence alone',
    },
    heldOut: loss,
    freeGeneration: { ...base, distinct2: round(freeDistinct2) },
    forcedFidelity: forced,
    rudeUnderComment,
    openings,
    boostResponse: boost,
    temptationAuc: auc,
    angryExample,
    examples,
    seconds: round((Date.now() - t0) / 1000, 1),
  };
  writeFileSync(join(MODEL_DIR, 'eval.json'), JSON.stringify(report, null, 2) + '\n');
  console.log(JSON.stringify(report, null, 2));
}

await (process.argv.includes('--example-only') ? exampleOnly() : main());
