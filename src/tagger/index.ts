import { cueEmotion } from './cues';
import { classifyEmotion, type EmotionWeights } from './emotion';
import { RUDE, tagToken, type Emotion } from './labels';
import { isRude } from './rude';
import { splitSentences } from './sentences';

export interface SentenceLabel {
  emotion: Emotion;
  rude: boolean;
}

/** The tagger used both to label the training corpus and to cross-check the model's live output. */
export function labelSentence(weights: EmotionWeights, sentence: string): SentenceLabel {
  return { emotion: cueEmotion(sentence) ?? classifyEmotion(weights, sentence), rude: isRude(sentence) };
}

export function labelText(weights: EmotionWeights, text: string): { sentence: string; label: SentenceLabel }[] {
  return splitSentences(text).map((sentence) => ({ sentence, label: labelSentence(weights, sentence) }));
}

/** A sentence with its tags in front, exactly as it appears in the training corpus. */
export function taggedSentence(label: SentenceLabel, sentence: string): string {
  return tagToken(label.emotion) + (label.rude ? tagToken(RUDE) : '') + sentence;
}

export { splitSentences };
