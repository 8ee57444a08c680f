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
  predicted.forEach((p, i) => { if (gold[i].includes(p)) correct++; });
  for (const c of classes) {
    let tp = 0, fp = 0, fn = 0;
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
  return { macroF1: round(f1s.reduce((a, b) => a + b, 0) / f1s.length), accuracy: round(correct / predicted.length), n: predicted.length, perClass };
}

export const round = (x: number, digits = 4): number => Number(x.toFixed(digits));
