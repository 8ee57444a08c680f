import { EMOTIONS, type Emotion } from '../../src/tagger/labels';

export interface F1Report {
  macroF1: number;
  accuracy: number;
  n: number;
  perClass: Partial<Record<Emotion, { f1: number; support: number }>>;
}

/**
 * F1 of single predictions against gold label sets: a prediction is right when it is one of the gold
 * labels. Classes without gold support in the set are left out of the macro average.
 */
export function f1Report(gold: Emotion[][], predicted: Emotion[], classes: readonly Emotion[] = EMOTIONS): F1Report {
  const perClass: F1Report['perClass'] = {};
  const f1s: number[] = [];
  let correct = 0;
  predicted.forEach((p, i) => {
    if (gold[i].includes(p)) correct++;
  });
  for (const c of classes) {
    let tp = 0,
      fp = 0,
      fn = 0;
    predicted.forEach((p, i) => {
      const isGold = gold[i].includes(c);
      if (p === c && isGold) tp++;
      else if (p === c) fp++;
      else if (isGold) fn++;
    });
    const support = tp + fn;
    if (support === 0) continue;
    const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
    perClass[c] = { f1: round(f1), support };
    f1s.push(f1);
  }
  return {
    macroF1: round(f1s.reduce((a, b) => a + b, 0) / f1s.length),
    accuracy: round(correct / predicted.length),
    n: predicted.length,
    perClass,
  };
}

export const round = (x: number, digits = 4): number => Number(x.toFixed(digits));

/** The 95% Wilson score interval of a proportion k/n. */
export function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const z = 1.96;
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return [round(Math.max(0, centre - half)), round(Math.min(1, centre + half))];
}

export interface ClassFigures {
  precision: number | null;
  precisionCI: [number, number];
  recall: number | null;
  recallCI: [number, number];
  f1: number;
  support: number;
  predicted: number;
}

/** Precision and recall of each class with their intervals, and macro-F1 over the classes with support. */
export function precisionRecall(gold: Emotion[], predicted: Emotion[], classes: readonly Emotion[] = EMOTIONS) {
  const perClass: Partial<Record<Emotion, ClassFigures>> = {};
  const f1s: number[] = [];
  for (const c of classes) {
    const tp = predicted.filter((p, i) => p === c && gold[i] === c).length;
    const predictedN = predicted.filter((p) => p === c).length;
    const support = gold.filter((g) => g === c).length;
    if (support === 0 && predictedN === 0) continue;
    const f1 = tp === 0 ? 0 : (2 * tp) / (predictedN + support);
    if (support > 0) f1s.push(f1);
    perClass[c] = {
      precision: predictedN ? round(tp / predictedN) : null,
      precisionCI: wilson(tp, predictedN),
      recall: support ? round(tp / support) : null,
      recallCI: wilson(tp, support),
      f1: round(f1),
      support,
      predicted: predictedN,
    };
  }
  return { macroF1: round(f1s.reduce((a, b) => a + b, 0) / f1s.length), perClass };
}
