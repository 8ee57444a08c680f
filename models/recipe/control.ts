/**
 * Control-fidelity measurements over samples drawn by `src/measure/samples.ts`: the browser's own
 * generation path, every generated sentence judged by the tagger.
 */
import { generateSample, type GeneratedSentence, type Sample } from '../../src/measure/samples';
import type { LoadedModel } from '../../src/model/causal-lm';
import type { Policy } from '../../src/steering/policy';
import { DEFAULT_SAMPLING } from '../../src/steering/sampler';
import type { Tagger } from '../../src/tagger/index';
import { RUDE } from '../../src/tagger/labels';

export type { GeneratedSentence, Sample };

export interface RunSpec {
  prompt: string;
  policy: Policy;
  samples: number;
  tokens: number;
  firstSeed: number;
}

/** Generates `spec.samples` continuations with seeds firstSeed, firstSeed+1, … and cuts them at the model's tags. */
export async function generateSamples(model: LoadedModel, tagger: Tagger, spec: RunSpec): Promise<Sample[]> {
  const samples: Sample[] = [];
  const sampleSpec = { prompt: spec.prompt, policy: spec.policy, sampling: DEFAULT_SAMPLING, tokens: spec.tokens };
  for (let i = 0; i < spec.samples; i++)
    samples.push(await generateSample(model, tagger, sampleSpec, spec.firstSeed + i));
  return samples;
}

const sentencesOf = (samples: Sample[]) => samples.flatMap((s) => s.sentences);

/** Share of generated sentences the tagger labels `tag` (`rude` counts the rude flag). */
export function labelShare(samples: Sample[], tag: string): { share: number; sentences: number } {
  const all = sentencesOf(samples);
  const hits = all.filter((s) => (tag === RUDE ? s.rude : s.label === tag)).length;
  return { share: all.length ? hits / all.length : 0, sentences: all.length };
}

/** Share of sentences the model itself started with `tag`. */
export function modelTagShare(samples: Sample[], tag: string): number {
  const all = sentencesOf(samples);
  return all.length ? all.filter((s) => (tag === RUDE ? s.modelRude : s.modelTag === tag)).length / all.length : 0;
}

/** Rank AUC of the model's boundary probability for `tag` as a predictor of the tagger's label. */
export function temptationAuc(samples: Sample[], tag: string): number | null {
  const scored = sentencesOf(samples).map((s) => ({ score: s.tagProbs[tag], positive: s.label === tag }));
  const pos = scored.filter((s) => s.positive).length;
  const neg = scored.length - pos;
  if (pos === 0 || neg === 0) return null;
  scored.sort((a, b) => a.score - b.score);
  let rankSum = 0;
  for (let i = 0; i < scored.length;) {
    let j = i;
    while (j < scored.length && scored[j].score === scored[i].score) j++;
    const meanRank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (scored[k].positive) rankSum += meanRank;
    i = j;
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
