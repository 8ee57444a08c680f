import { cueEmotion } from './cues';
import { classifyEmotion, type EmotionWeights } from './emotion';
import type { Emotion } from './labels';
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

export { splitSentences };
