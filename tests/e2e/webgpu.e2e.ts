import { playgroundSuite } from './harness/suite';

// WebGPU on SwiftShader computes on the CPU at a few tokens a second, so these runs stay short.
playgroundSuite('webgpu', { tokens: 8, changeAfter: 2, paceStep: 9, sentenceStartsAfter: 0 });
