/**
 * How well the model's own forecast of each sentence's tag agrees with the tagger that labelled its
 * training text: agreement, a confusion matrix, per-tag precision/recall/F1 and calibration. Pure.
 */
import type { TagForecast } from './expectations';

export interface TagScore {
  tag: string;
  /** Sentences the tagger gave this tag. */
  support: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export interface CalibrationBin {
  /** Confidence range [from, to) of the model's top tag. */
  from: number;
  to: number;
  count: number;
  /** Mean confidence of the model's top tag in the bin, and how often that tag was the tagger's. */
  confidence: number | null;
  accuracy: number | null;
}

export interface Agreement {
  tags: string[];
  sentences: number;
  /** Share of sentences where the model's most probable tag is the tagger's. */
  agreement: number | null;
  /** `confusion[i][j]`: sentences the tagger gave `tags[i]` and the model forecast `tags[j]` for. */
  confusion: number[][];
  perTag: TagScore[];
  calibration: CalibrationBin[];
  /** Expected calibration error: the bins' |accuracy − confidence|, weighted by their counts. */
  ece: number | null;
}

/** The model's most probable tag and its probability. */
export function topTag(forecast: TagForecast, tags: string[]): { tag: string; probability: number } {
  let best = 0;
  forecast.probabilities.forEach((p, i) => {
    if (p > forecast.probabilities[best]) best = i;
  });
  return { tag: tags[best], probability: forecast.probabilities[best] };
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

export function agreementOf(forecasts: TagForecast[], tags: string[], bins = 10): Agreement {
  const index = new Map(tags.map((t, i) => [t, i]));
  const confusion = tags.map(() => tags.map(() => 0));
  const binned = Array.from({ length: bins }, () => ({ count: 0, confidence: 0, correct: 0 }));
  let agree = 0;
  for (const forecast of forecasts) {
    const top = topTag(forecast, tags);
    confusion[index.get(forecast.actual)!][index.get(top.tag)!]++;
    const hit = top.tag === forecast.actual;
    if (hit) agree++;
    const bin = binned[Math.min(bins - 1, Math.floor(top.probability * bins))];
    bin.count++;
    bin.confidence += top.probability;
    if (hit) bin.correct++;
  }
  const perTag = tags.map((tag, i) => {
    const truePositive = confusion[i][i];
    const predicted = confusion.reduce((sum, row) => sum + row[i], 0);
    const support = confusion[i].reduce((a, b) => a + b, 0);
    const precision = ratio(truePositive, predicted);
    const recall = ratio(truePositive, support);
    const f1 =
      precision === null || recall === null || precision + recall === 0
        ? null
        : (2 * precision * recall) / (precision + recall);
    return { tag, support, precision, recall, f1 };
  });
  const calibration = binned.map((b, k) => ({
    from: k / bins,
    to: (k + 1) / bins,
    count: b.count,
    confidence: ratio(b.confidence, b.count),
    accuracy: ratio(b.correct, b.count),
  }));
  const n = forecasts.length;
  const ece =
    n === 0
      ? null
      : calibration.reduce(
          (sum, b) => sum + (b.count === 0 ? 0 : (b.count / n) * Math.abs(b.accuracy! - b.confidence!)),
          0,
        );
  return { tags, sentences: n, agreement: ratio(agree, n), confusion, perTag, calibration, ece };
}
