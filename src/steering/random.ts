/** murmur3's finaliser: spreads every input bit over the whole 32-bit output. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A uniform number in (0, 1) that depends on the seed, the step and the token alone: each step's draw
 * is the same whatever happened at the steps before, and each token's share of it the same whatever
 * happened to the other tokens. Plain integer arithmetic, so the browser worker and Node agree exactly.
 */
export function keyedUniform(seed: number, step: number, token: number): number {
  const h = mix(mix(mix(seed >>> 0) ^ Math.imul(step + 1, 0x9e3779b9)) ^ Math.imul(token + 1, 0x7feb352d));
  return (h + 0.5) / 4294967296;
}

/**
 * mulberry32: a tiny seedable stream of uniform numbers with identical output in every JS engine, for
 * seeded shuffles and test models (the sampler draws with `keyedUniform`).
 */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
