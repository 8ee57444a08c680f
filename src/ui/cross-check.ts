import { labelSentence, type SentenceLabel } from '../tagger';
import type { EmotionWeights } from '../tagger/emotion';
import { parseEmotionWeights } from '../tagger/weights-file';
import type { TaggedSentence } from '../transcript/cut-at-tags';

export interface Verdict {
  sentence: TaggedSentence;
  label: SentenceLabel;
  /** The model's emotion tag and rude flag match the tagger's label. */
  agrees: boolean;
}

export async function loadTagger(url: string): Promise<EmotionWeights> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`tagger.json: ${response.status} ${response.statusText}`);
  return parseEmotionWeights(await response.json());
}

/**
 * Labels each finished sentence with the tagger that labelled the training data. Labels are cached by
 * text, since the stream re-checks its sentences every frame while it grows.
 */
export function crossCheck(
  sentences: TaggedSentence[],
  weights: EmotionWeights,
  cache: Map<string, SentenceLabel>,
): Verdict[] {
  return sentences
    .filter((s) => s.complete)
    .map((sentence) => {
      const text = sentence.text.trim();
      let label = cache.get(text);
      if (!label) {
        label = labelSentence(weights, text);
        cache.set(text, label);
      }
      return { sentence, label, agrees: label.emotion === sentence.tag && label.rude === sentence.flagged };
    });
}
