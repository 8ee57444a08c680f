/**
 * Where a model expects its tags in a text it did not write: one forward pass over the tagged text
 * gives, at every position, the model's distribution for the next token. At a sentence's tag the row
 * before it is the model's forecast *before* it sees the tag; everywhere, the share of the group's tags
 * in that row says how strongly the model expected a sentence to start there. Pure: the model is a function.
 */
import type { TagGroup } from '../steering/tags';

/** Logits for every position of `ids`, row after row (`ids.length` × vocabulary). */
export type ScoreAll = (ids: number[]) => Promise<Float32Array>;

/** One stretch of the text scored in one pass: positions `from` to `end` take their rows from it. */
export interface Window {
  start: number;
  end: number;
  from: number;
}

/**
 * Windows over a text longer than the context: each starts `overlap` tokens before the first position it
 * answers for, so every position but the first window's has at least `overlap` tokens of context.
 */
export function windowsOver(length: number, maxLength: number, overlap: number): Window[] {
  if (overlap >= maxLength) throw new Error('The overlap must be shorter than the context.');
  const windows: Window[] = [];
  let from = 0;
  while (from < length) {
    const start = Math.max(0, from - overlap);
    const end = Math.min(length, start + maxLength);
    windows.push({ start, end, from });
    from = end;
  }
  return windows;
}

/** The model's forecast where a tag of the group stands in the text. */
export interface TagForecast {
  /** Index of the tag token in the text's ids. */
  position: number;
  /** The tag the text has there (the tagger's). */
  actual: string;
  /** Probability of each of the group's tags, within the group, in the group's order. */
  probabilities: number[];
}

export interface TextExpectations {
  /**
   * For every position: the probability that the token there is one of the group's tags, by the row
   * before it (0 at the first).
   */
  startProbability: number[];
  forecasts: TagForecast[];
  windows: number;
}

/** `log Σ exp(row)`, stable. */
function logSumExp(row: Float32Array): number {
  let max = -Infinity;
  for (const v of row) if (v > max) max = v;
  let sum = 0;
  for (const v of row) sum += Math.exp(v - max);
  return max + Math.log(sum);
}

/** Scores `ids` window by window and reads, at every position, what the model expected of `group`. */
export async function expectations(
  ids: number[],
  group: TagGroup,
  score: ScoreAll,
  { maxLength, overlap }: { maxLength: number; overlap: number },
): Promise<TextExpectations> {
  const tagIds = group.tags.map((t) => t.id);
  const nameOf = new Map(group.tags.map((t) => [t.id, t.name]));
  const startProbability = new Array<number>(ids.length).fill(0);
  const forecasts: TagForecast[] = [];
  const windows = windowsOver(ids.length, maxLength, overlap);
  for (const { start, end, from } of windows) {
    const logits = await score(ids.slice(start, end));
    const vocab = logits.length / (end - start);
    // Position p is forecast by the row of p - 1; the first window's first position has no row before it.
    for (let p = Math.max(from, 1); p < end; p++) {
      const row = logits.subarray((p - 1 - start) * vocab, (p - start) * vocab);
      const lse = logSumExp(row);
      const tagLogits = tagIds.map((id) => row[id]);
      startProbability[p] = tagLogits.reduce((sum, l) => sum + Math.exp(l - lse), 0);
      const actual = nameOf.get(ids[p]);
      if (actual === undefined) continue;
      const groupLse = logSumExp(Float32Array.from(tagLogits));
      forecasts.push({ position: p, actual, probabilities: tagLogits.map((l) => Math.exp(l - groupLse)) });
    }
  }
  return { startProbability, forecasts, windows: windows.length };
}
