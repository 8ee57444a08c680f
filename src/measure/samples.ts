/**
 * Seeded samples through the engine (transformers.js, the logits hook, the seeded sampler: the playground's
 * own generation path), cut at the model's tags, each sentence judged by the tagger. The playground's
 * "Measure" and the model evaluation (`models/recipe/control.ts`) both draw their samples here.
 */
import type { LoadedModel } from '../model/causal-lm';
import { Generation, type Step } from '../steering/engine';
import type { Policy } from '../steering/policy';
import type { SamplingParams } from '../steering/sampler';
import { allTags, sentenceTags } from '../steering/tags';
import type { TimelineEntry } from '../steering/timeline';
import { labelSentence, type Tagger } from '../tagger/index';
import type { Emotion, Genre } from '../tagger/labels';
import { cutAtTags } from '../transcript/cut-at-tags';

export interface GeneratedSentence {
  /** The tag the model put in front of the sentence, and whether it flagged it rude. */
  modelTag: string;
  modelRude: boolean;
  /**
   * Probabilities of the sentence-opening tags, within their group, at the step where the model chose the
   * tag (before any policy): for a banned tag, how much the model was tempted.
   */
  tagProbs: Record<string, number>;
  /** The index of the generated token that opened the sentence (its tag). */
  opener: number;
  text: string;
  label: Emotion;
  rude: boolean;
}

export interface Sample {
  seed: number;
  text: string;
  sentences: GeneratedSentence[];
}

export interface SampleSpec {
  prompt: string;
  policy: Policy;
  /** Changes at token indices, as a run recorded them. */
  timeline?: TimelineEntry[];
  sampling: SamplingParams;
  tokens: number;
}

/** One continuation of `spec.prompt` with `seed`, cut at the model's tags. */
export async function generateSample(
  model: LoadedModel,
  tagger: Tagger,
  spec: SampleSpec,
  seed: number,
): Promise<Sample> {
  const { lm, tokenizer, groups } = model;
  const tags = allTags(groups);
  const nameOf = new Map(tags.map((t) => [t.id, t.name]));
  const marks = sentenceTags(groups);
  const opening = marks.opening.map((name) => [name, tags.findIndex((t) => t.name === name)] as const);
  const promptIds = tokenizer.encode(spec.prompt, { add_special_tokens: false });
  // Each generated sentence is judged alone, by the tagger for the genre the prompt opens.
  const genre: Genre = spec.prompt.startsWith('<comment>') ? 'comment' : 'story';
  // A tag's text is its name, which cutAtTags reads from `tag`; end-of-text decodes to its own marker.
  const textOf = (id: number) => (nameOf.has(id) ? '' : tokenizer.decode([id]));
  const run = new Generation(lm, groups, {
    promptIds: promptIds.length > 0 ? promptIds : [lm.endOfText],
    seed,
    sampling: spec.sampling,
    maxNewTokens: spec.tokens,
    initialPolicy: spec.policy,
    // A sample runs its full length: the alarm pauses or stops a run on the page, not a measurement.
    timeline: spec.timeline?.filter((e) => e.change.kind !== 'alarm'),
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
        opener: s.opener,
        text,
        label: label.emotion,
        rude: label.rude,
      };
    })
    .filter((s): s is GeneratedSentence => s !== null);
  return { seed, text: steps.length ? tokenizer.decode(steps.map((s) => s.token)) : '', sentences };
}
