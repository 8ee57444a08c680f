import { playgroundSuite } from './harness/suite';

// WebGPU on SwiftShader computes on the CPU at a few tokens a second, so these runs stay short. The seed and
// prompts were chosen (with the model in Node: `npx tsx tests/e2e/harness/webgpu-budget.ts`) so that a sentence
// starts within each run after its change.
playgroundSuite('webgpu', {
  tokens: 12,
  changeAfter: 2,
  paceStep: 9,
  sentenceStartsAfter: 1,
  seed: 83,
  prompts: { ban: '<story><angry>Tom was very angry', steer: '<story><happy>Sam was happy' },
});
