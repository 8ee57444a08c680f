export interface SamplingParams {
  /** 0 means greedy. */
  temperature: number;
  /** Keep the k most likely tokens; 0 keeps all. */
  topK: number;
  /** Keep the smallest set whose probability reaches p; 1 keeps all. */
  topP: number;
}

export const DEFAULT_SAMPLING: SamplingParams = { temperature: 0.8, topK: 40, topP: 0.95 };

/** Token ids by descending logit (ties: lower id first), keeping at most `k` (0 = all finite ones). */
export function topTokens(logits: Float32Array, k: number): number[] {
  if (k <= 0 || k >= logits.length) {
    const ids: number[] = [];
    for (let i = 0; i < logits.length; i++) if (logits[i] > -Infinity) ids.push(i);
    return ids.sort((a, b) => logits[b] - logits[a] || a - b);
  }
  // Insertion into a short sorted list: O(V) in practice, far cheaper than sorting the vocabulary per token.
  const best: number[] = [];
  for (let i = 0; i < logits.length; i++) {
    const l = logits[i];
    if (l === -Infinity || (best.length === k && l <= logits[best[k - 1]])) continue;
    let j = best.length === k ? k - 1 : best.length;
    while (j > 0 && logits[best[j - 1]] < l) {
      best[j] = best[j - 1];
      j--;
    }
    best[j] = i;
  }
  return best;
}

/** Draws the next token with temperature, top-k and top-p, using `random` for the one draw it needs. */
export function sampleToken(logits: Float32Array, params: SamplingParams, random: () => number): number {
  if (params.temperature <= 0) return topTokens(logits, 1)[0];
  const ids = topTokens(logits, params.topK);
  const max = logits[ids[0]];
  const weights = ids.map((id) => Math.exp((logits[id] - max) / params.temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let keep = ids.length;
  if (params.topP < 1) {
    let cumulative = 0;
    for (let i = 0; i < ids.length; i++) {
      cumulative += weights[i] / total;
      if (cumulative >= params.topP) {
        keep = i + 1;
        break;
      }
    }
  }
  const kept = weights.slice(0, keep).reduce((a, b) => a + b, 0);
  let r = random() * kept;
  for (let i = 0; i < keep; i++) {
    r -= weights[i];
    if (r < 0) return ids[i];
  }
  return ids[keep - 1];
}

/** The n most likely tokens and their probabilities (temperature 1). */
export function alternatives(logits: Float32Array, n: number): { token: number; prob: number }[] {
  const ids = topTokens(logits, n);
  if (ids.length === 0) return [];
  const max = logits[ids[0]];
  let z = 0;
  for (let i = 0; i < logits.length; i++) if (logits[i] > -Infinity) z += Math.exp(logits[i] - max);
  return ids.map((token) => ({ token, prob: Math.exp(logits[token] - max) / z }));
}
