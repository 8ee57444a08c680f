/**
 * The cost of control at one step: how far the policy moved the next-token distribution from the model's own.
 *
 * KL(q‖p) = Σᵢ qᵢ log(qᵢ/pᵢ), in nats, where p = softmax(raw logits) is the model's own next-token distribution
 * and q = softmax(logits after the hook) the one the policy left, both at temperature 1 and before top-k and
 * top-p (the sampler's own truncation is the same with or without a policy, so it is no cost of control).
 * This direction is finite however hard the policy pushes: a ban puts q = 0 where p > 0, which makes the other
 * direction, KL(p‖q), infinite. It is 0 exactly where the policy changed nothing; a token ruled out entirely
 * (q = p with one token removed and the rest scaled up) costs −log(1 − p_token); a ban inside a tag group of
 * total probability T, which keeps T and moves the banned tag's p to its group's other tags, costs
 * T·log(T / (T − p)); a certain token (a forced flag, or a tag inserted by "force now") costs −log p_token.
 */

export function logSumExp(values: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.exp(values[i] - max);
  return max + Math.log(sum);
}

/**
 * KL(q‖p) in nats, with p = softmax(`raw`) and q = softmax(`steered`); `rawLogZ` is `logSumExp(raw)` when the
 * caller has it. Only the tokens whose logits differ are summed over: the hook changes tags' logits alone, so a
 * step costs one pass over the vocabulary to find them, and a step the policy left alone costs nothing more.
 * Never negative (rounding of the hook's 32-bit logits could make a vanishing cost come out a hair below 0).
 */
export function controlCost(raw: Float32Array, steered: Float32Array, rawLogZ?: number): number {
  if (raw.length !== steered.length) throw new Error('controlCost: the two distributions differ in size.');
  const changed: number[] = [];
  for (let i = 0; i < raw.length; i++) if (raw[i] !== steered[i]) changed.push(i);
  if (changed.length === 0) return 0;
  const logZp = rawLogZ ?? logSumExp(raw);
  let logZq: number;
  if (changed.length * 2 > raw.length) {
    logZq = logSumExp(steered);
  } else {
    // Z_q / Z_p = (the mass p keeps on the unchanged tokens) + Σ over the changed ones of exp(steered − log Z_p).
    let kept = 1;
    let moved = 0;
    for (const i of changed) {
      kept -= Math.exp(raw[i] - logZp);
      moved += Math.exp(steered[i] - logZp);
    }
    logZq = logZp + Math.log(Math.max(0, kept) + moved);
  }
  if (logZq === -Infinity) throw new Error('controlCost: the steered distribution has no mass.');
  // Σᵢ qᵢ (log qᵢ − log pᵢ) = Σᵢ qᵢ (steeredᵢ − rawᵢ) + log Z_p − log Z_q, and the unchanged tokens add 0 to the sum.
  let kl = logZp - logZq;
  for (const i of changed) {
    if (steered[i] === -Infinity) continue;
    if (raw[i] === -Infinity) return Infinity;
    kl += Math.exp(steered[i] - logZq) * (steered[i] - raw[i]);
  }
  return Math.max(0, kl);
}

/** KL(q‖p) when q is certain of `token` (a tag inserted by "force now"): −log p(token), in nats. */
export function certainCost(raw: Float32Array, token: number, rawLogZ = logSumExp(raw)): number {
  return Math.max(0, rawLogZ - raw[token]);
}
