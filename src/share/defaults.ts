import { MODEL_DIR } from '../model/model-name';
import { DEFAULT_ALARM } from '../steering/alarm';
import { DEFAULT_SAMPLING } from '../steering/sampler';
import { SHARE_VERSION, type ShareState } from './state';

/**
 * The state a fresh page starts from, and what a broken link falls back to. A new object each call, so
 * callers may mutate it.
 */
export function defaultShareState(): ShareState {
  return {
    version: SHARE_VERSION,
    prompt: '<story><happy>Once upon a time',
    seed: 1,
    sampling: { ...DEFAULT_SAMPLING },
    maxNewTokens: 200,
    initialPolicy: {},
    timeline: [],
    pace: 12,
    alarm: { ...DEFAULT_ALARM },
    model: MODEL_DIR,
    backend: null,
    measurement: null,
  };
}
