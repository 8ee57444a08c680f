import { resolve } from 'node:path';
import { playgroundSuite } from './harness/suite';

// WebGPU switched off (no GPU, no unsafe WebGPU): the page must say so and run on WASM, which is fast enough for long runs.
playgroundSuite('wasm', {
  tokens: 160,
  changeAfter: 12,
  paceStep: 6,
  sentenceStartsAfter: 2,
  seed: 1,
  prompts: { ban: '<story><angry>Tom was very angry.', steer: '<story><happy>Once upon a time' },
  screenshot: resolve(import.meta.dirname, '../../docs/screenshot.png'),
});
