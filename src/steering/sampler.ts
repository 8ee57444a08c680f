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

/**
 * The tokens a draw chooses from, most likely first: the top k, then the smallest prefix whose tempered
 * probability reaches p. Empty at temperature 0, which takes the argmax.
 */
export function candidates(logits: Float32Array, params: SamplingParams): number[] {
  const ids = topTokens(logits, params.topK);
  if (params.topP >= 1) return ids;
  const max = logits[ids[0]];
  const weights = ids.map((id) => Math.exp((logits[id] - max) / params.temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  for (let i = 0; i < ids.length; i++) {
    cumulative += weights[i] / total;
    if (cumulative >= params.topP) return ids.slice(0, i + 1);
  }
  return ids;
}

/**
 * Draws the next token with temperature, top-k and top-p by the Gumbel-max trick: the candidate with the
 * largest tempered logit plus Gumbel noise `−log(−log u)`, where `noise(token)` gives each token's own
 * uniform `u` (from the seed and the step: `keyedUniform`). That is a draw from the softmax over the
 * candidates, and a token that would not have been picked can be removed or made less likely without
 * changing the pick; so a ban changes the text only where the banned tag would have been chosen.
 */
export function sampleToken(logits: Float32Array, params: SamplingParams, noise: (token: number) => number): number {
  if (params.temperature <= 0) return topTokens(logits, 1)[0];
  let best = -1;
  let bestScore = -Infinity;
  for (const id of candidates(logits, params)) {
    const score = logits[id] / params.temperature - Math.log(-Math.log(noise(id)));
    if (score > bestScore) [best, bestScore] = [id, score];
  }
  return best;
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
