import { labelSentences, type SentenceLabel, type Tagger } from '../tagger';
import { parseTagger } from '../tagger/weights-file';
import type { TaggedSentence } from '../transcript/cut-at-tags';

export interface Verdict {
  sentence: TaggedSentence;
  label: SentenceLabel;
  /** The model's emotion tag and rude flag match the tagger's label. */
  agrees: boolean;
}

export async function loadTagger(url: string): Promise<Tagger> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`tagger.json: ${response.status} ${response.statusText}`);
  return parseTagger(await response.json());
}

/**
 * Labels each finished sentence with the tagger that labelled the training data, reading the story as it did: a
 * sentence's label also depends on the sentences before it. Labels are cached by the text up to and including the
 * sentence, since the stream re-checks its sentences every frame while it grows.
 */
export function crossCheck(sentences: TaggedSentence[], tagger: Tagger, cache: Map<string, SentenceLabel>): Verdict[] {
  const complete = sentences.filter((s) => s.complete);
  const texts = complete.map((s) => s.text.trim());
  const contextKey = (i: number) => texts.slice(0, i + 1).join('\n');
  let labels = texts.map((_, i) => cache.get(contextKey(i)));
  if (labels.some((l) => !l)) {
    const fresh = labelSentences(tagger, texts, 'story');
    fresh.forEach((l, i) => cache.set(contextKey(i), l));
    labels = fresh;
  }
  return complete.map((sentence, i) => {
    const label = labels[i]!;
    return { sentence, label, agrees: label.emotion === sentence.tag && label.rude === sentence.flagged };
  });
}
