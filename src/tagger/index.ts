import { cueEmotion } from './cues';
import { emotionProbabilities, type EmotionWeights } from './emotion';
import { EpisodeTracker, type EpisodeSettings } from './episodes';
import { RUDE, tagToken, type Emotion, type Genre } from './labels';
import { isRude } from './rude';
import { splitSentences } from './sentences';

export interface SentenceLabel {
  emotion: Emotion;
  rude: boolean;
}

/** Everything the tagger needs, as stored in the model folder's `tagger.json`. */
export interface Tagger {
  /** The linear classifier trained on Reddit comments. */
  classifier: EmotionWeights;
  /** Stories: the classifier's least probability for each emotion before it overrules "neutral", and the episodes. */
  story: EpisodeSettings & { minProbability: Partial<Record<Emotion, number>> };
}

/** A sentence's emotion from its own words alone: its cues, else the classifier (held to thresholds in stories). */
function localEmotion(tagger: Tagger, sentence: string, genre: Genre): Emotion {
  const cued = cueEmotion(sentence);
  if (cued) return cued;
  const p = emotionProbabilities(tagger.classifier, sentence);
  const labels = tagger.classifier.labels;
  if (genre !== 'story') return labels[p.indexOf(Math.max(...p))];
  let best: Emotion = 'neutral';
  let bestP = 0;
  labels.forEach((label, k) => {
    const min = tagger.story.minProbability[label];
    if (label !== 'neutral' && min !== undefined && p[k] >= min && p[k] > bestP) [best, bestP] = [label, p[k]];
  });
  return best;
}

/**
 * The sentence-local tagger: one sentence labelled alone, with no state from the sentences before it. The model's
 * own output is judged with this, so that the tagger's memory of a prompt cannot meet a target for the model.
 */
export function labelSentence(tagger: Tagger, sentence: string, genre: Genre = 'story'): SentenceLabel {
  return { emotion: localEmotion(tagger, sentence, genre), rude: isRude(sentence) };
}

/**
 * The tagger that labels the training corpus: in stories, a sentence's emotion also comes from the episode the
 * sentences before it opened (forward only, so it can label a sentence the moment it ends).
 */
export function labelSentences(tagger: Tagger, sentences: string[], genre: Genre): SentenceLabel[] {
  if (genre !== 'story') return sentences.map((s) => labelSentence(tagger, s, genre));
  const episodes = new EpisodeTracker(tagger.story, (s) => localEmotion(tagger, s, genre));
  return sentences.map((s) => ({ emotion: episodes.next(s), rude: isRude(s) }));
}

export function labelText(tagger: Tagger, text: string, genre: Genre): { sentence: string; label: SentenceLabel }[] {
  const sentences = splitSentences(text);
  const labels = labelSentences(tagger, sentences, genre);
  return sentences.map((sentence, i) => ({ sentence, label: labels[i] }));
}

/** A sentence with its tags in front, exactly as it appears in the training corpus. */
export function taggedSentence(label: SentenceLabel, sentence: string): string {
  return tagToken(label.emotion) + (label.rude ? tagToken(RUDE) : '') + sentence;
}

export { splitSentences };
