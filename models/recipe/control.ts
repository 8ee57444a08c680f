/**
 * Control-fidelity measurements: generate through the engine (transformers.js + the logits hook +
 * the seeded sampler, the browser's own path) and judge every generated sentence with the tagger.
 */
import type { LoadedModel } from '../../src/model/causal-lm';
import { Generation } from '../../src/steering/engine';
import type { Policy } from '../../src/steering/policy';
import { DEFAULT_SAMPLING } from '../../src/steering/sampler';
import { allTags } from '../../src/steering/tags';
import { labelSentence, type Tagger } from '../../src/tagger/index';
import { EMOTIONS, RUDE, type Emotion } from '../../src/tagger/labels';

export interface GeneratedSentence {
  /** The emotion tag the model put in front of the sentence, and whether it flagged it rude. */
  modelTag: Emotion;
  modelRude: boolean;
  /** Emotion-group probabilities at the step where the model chose the tag (before any policy). */
  tagProbs: Record<Emotion, number>;
  text: string;
  label: Emotion;
  rude: boolean;
}

export interface Sample { text: string; sentences: GeneratedSentence[] }

export interface RunSpec { prompt: string; policy: Policy; samples: number; tokens: number; firstSeed: number }

/** Generates `spec.samples` continuations with seeds firstSeed, firstSeed+1, … and splits them at the model's tags. */
export async function generateSamples(model: LoadedModel, tagger: Tagger, spec: RunSpec): Promise<Sample[]> {
  const { lm, tokenizer, groups } = model;
  const tags = allTags(groups);
  const nameOf = new Map(tags.map((t) => [t.id, t.name]));
  const promptIds = tokenizer.encode(spec.prompt);
  const samples: Sample[] = [];
  for (let i = 0; i < spec.samples; i++) {
    const run = new Generation(lm, groups, {
      promptIds, seed: spec.firstSeed + i, sampling: DEFAULT_SAMPLING, maxNewTokens: spec.tokens, initialPolicy: spec.policy,
    });
    const sentences: GeneratedSentence[] = [];
    let open: { tag: Emotion; rude: boolean; probs: Record<Emotion, number>; ids: number[] } | null = null;
    const close = (complete: boolean) => {
      if (open && complete && open.ids.length > 0) {
        const text = tokenizer.decode(open.ids).trim();
        if (text) {
          const label = labelSentence(tagger, text, 'story');
          sentences.push({ modelTag: open.tag, modelRude: open.rude, tagProbs: open.probs, text, label: label.emotion, rude: label.rude });
        }
      }
      open = null;
    };
    const all: number[] = [];
    for (let step = await run.step(); step; step = await run.step()) {
      all.push(step.token);
      const name = nameOf.get(step.token);
      if (name && (EMOTIONS as readonly string[]).includes(name)) {
        close(true);
        const groupTotal = EMOTIONS.reduce((s, e) => s + step.tagProbs[tags.findIndex((t) => t.name === e)], 0);
        const probs = Object.fromEntries(EMOTIONS.map((e) => [e, step.tagProbs[tags.findIndex((t) => t.name === e)] / groupTotal])) as Record<Emotion, number>;
        open = { tag: name as Emotion, rude: false, probs, ids: [] };
      } else if (name === RUDE && open) {
        open.rude = true;
      } else if (step.token === lm.endOfText) {
        close(true);
      } else if (!name && open) {
        open.ids.push(step.token);
      }
    }
    close(run.stopped === 'end-of-text');
    samples.push({ text: all.length ? tokenizer.decode(all) : '', sentences });
  }
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
export function temptationAuc(samples: Sample[], tag: Emotion): number | null {
  const scored = sentencesOf(samples).map((s) => ({ score: s.tagProbs[tag], positive: s.label === tag }));
  const pos = scored.filter((s) => s.positive).length;
  const neg = scored.length - pos;
  if (pos === 0 || neg === 0) return null;
  scored.sort((a, b) => a.score - b.score);
  let rankSum = 0;
  for (let i = 0; i < scored.length; ) {
    let j = i;
    while (j < scored.length && scored[j].score === scored[i].score) j++;
    const meanRank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (scored[k].positive) rankSum += meanRank;
    i = j;
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
