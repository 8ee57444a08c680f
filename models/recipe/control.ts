/**
 * Control-fidelity measurements: generate through the engine (transformers.js + the logits hook +
 * the seeded sampler, the browser's own path) and judge every generated sentence with the tagger.
 */
import type { LoadedModel } from '../../src/model/causal-lm';
import { Generation, type Step } from '../../src/steering/engine';
import type { Policy } from '../../src/steering/policy';
import { DEFAULT_SAMPLING } from '../../src/steering/sampler';
import { allTags, sentenceTags } from '../../src/steering/tags';
import { cutAtTags } from '../../src/transcript/cut-at-tags';
import { labelSentence, type Tagger } from '../../src/tagger/index';
import { RUDE, type Emotion, type Genre } from '../../src/tagger/labels';

export interface GeneratedSentence {
  /** The tag the model put in front of the sentence, and whether it flagged it rude. */
  modelTag: string;
  modelRude: boolean;
  /** Probabilities of the sentence-opening tags, within their group, at the step where the model chose the tag (before any policy). */
  tagProbs: Record<string, number>;
  text: string;
  label: Emotion;
  rude: boolean;
}

export interface Sample {
  text: string;
  sentences: GeneratedSentence[];
}

export interface RunSpec {
  prompt: string;
  policy: Policy;
  samples: number;
  tokens: number;
  firstSeed: number;
}

/** Generates `spec.samples` continuations with seeds firstSeed, firstSeed+1, … and cuts them at the model's tags. */
export async function generateSamples(model: LoadedModel, tagger: Tagger, spec: RunSpec): Promise<Sample[]> {
  const { lm, tokenizer, groups } = model;
  const tags = allTags(groups);
  const nameOf = new Map(tags.map((t) => [t.id, t.name]));
  const marks = sentenceTags(groups);
  const opening = marks.opening.map((name) => [name, tags.findIndex((t) => t.name === name)] as const);
  const promptIds = tokenizer.encode(spec.prompt);
  // Each generated sentence is judged alone, by the tagger for the genre the prompt opens.
  const genre: Genre = spec.prompt.startsWith('<comment>') ? 'comment' : 'story';
  const samples: Sample[] = [];
  // A tag's text is its name, which cutAtTags reads from `tag`; end-of-text decodes to its own marker.
  const textOf = (id: number) => (nameOf.has(id) ? '' : tokenizer.decode([id]));
  for (let i = 0; i < spec.samples; i++) {
    const run = new Generation(lm, groups, {
      promptIds,
      seed: spec.firstSeed + i,
      sampling: DEFAULT_SAMPLING,
      maxNewTokens: spec.tokens,
      initialPolicy: spec.policy,
    });
    const steps: Step[] = [];
    for (let step = await run.step(); step; step = await run.step()) steps.push(step);
    const pieces = steps.map((s) => ({ tag: nameOf.get(s.token) ?? null, text: textOf(s.token), index: s.index }));
    const sentences = cutAtTags(pieces, marks, run.stopped === 'end-of-text')
      .filter((s) => s.complete)
      .map((s): GeneratedSentence | null => {
        const text = tokenizer.decode(s.indices.map((k) => steps[k].token)).trim();
        if (!text) return null;
        const probs = steps[s.opener].tagProbs;
        const total = opening.reduce((sum, [, column]) => sum + probs[column], 0);
        const label = labelSentence(tagger, text, genre);
        return {
          modelTag: s.tag,
          modelRude: s.flagged,
          tagProbs: Object.fromEntries(opening.map(([name, column]) => [name, probs[column] / total])),
          text,
          label: label.emotion,
          rude: label.rude,
        };
      })
      .filter((s): s is GeneratedSentence => s !== null);
    samples.push({ text: steps.length ? tokenizer.decode(steps.map((s) => s.token)) : '', sentences });
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
