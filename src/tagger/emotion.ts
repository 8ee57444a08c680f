import type { Emotion } from './labels';
import { features } from './features';

/** The linear classifier's weights (stored packed in the model folder's `tagger.json`, see weights-file.ts). */
export interface EmotionWeights {
  labels: Emotion[];
  bias: number[];
  /** feature -> one weight per label */
  weights: Record<string, number[]>;
}

/** Softmax probabilities of each label, in `model.labels` order. */
export function emotionProbabilities(model: EmotionWeights, text: string): number[] {
  const z = [...model.bias];
  for (const f of features(text)) {
    const w = model.weights[f];
    if (w) for (let k = 0; k < z.length; k++) z[k] += w[k];
  }
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

export function classifyEmotion(model: EmotionWeights, text: string): Emotion {
  const p = emotionProbabilities(model, text);
  return model.labels[p.indexOf(Math.max(...p))];
}
