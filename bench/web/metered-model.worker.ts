/**
 * The app's own model worker with the bench's meters added, for path (d): the time inside
 * onnxruntime's `InferenceSession.run`, `KvCacheModel.next` and `Generation.step`, read by the page
 * between runs. Everything else is `src/worker/model.worker.ts` unchanged.
 */
import * as ort from 'onnxruntime-web/webgpu';
import '../../src/worker/model.worker';
import { pathMeters, type AsyncMethod } from '../core/method-meter';
import { answerMeterReads } from './worker-meters';

// onnxruntime-common exports its session class under the factory interface, which does not declare the prototype.
const sessions = (ort.InferenceSession as unknown as { prototype: Record<'run', AsyncMethod> }).prototype;
// Wrapping prototypes reaches the sessions and models whenever they are made.
answerMeterReads(pathMeters(sessions));
