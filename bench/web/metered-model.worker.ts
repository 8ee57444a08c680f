/**
 * The app's own model worker with the bench's meters added, for path (d): the time inside
 * onnxruntime's `InferenceSession.run`, `KvCacheModel.next` and `Generation.step`, read by the page
 * between runs. Everything else is `src/worker/model.worker.ts` unchanged.
 */
import * as ort from 'onnxruntime-web/webgpu';
import '../../src/worker/model.worker';
import { pathMeters } from '../core/method-meter';
import { answerMeterReads } from './worker-meters';

// Wrapping prototypes reaches the sessions and models whenever they are made.
answerMeterReads(pathMeters(ort.InferenceSession));
