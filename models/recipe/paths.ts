import { join } from 'node:path';
import { MODEL_NAME } from '../../src/model/model-name';

export { MODEL_NAME };
/** The shipped model folder, which the app serves and transformers.js loads. */
export const MODEL_DIR = join(import.meta.dirname, '..', MODEL_NAME);
/** Intermediate files (tagged corpus, checkpoints); ignored by git. */
export const BUILD_DIR = join(import.meta.dirname, '..', 'build');
