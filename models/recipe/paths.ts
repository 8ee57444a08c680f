import { join } from 'node:path';

/** The shipped model folder, which the app serves and transformers.js loads. */
export const MODEL_NAME = 'tagplay-3m';
export const MODEL_DIR = join(import.meta.dirname, '..', MODEL_NAME);
/** Intermediate files (tagged corpus, checkpoints); ignored by git. */
export const BUILD_DIR = join(import.meta.dirname, '..', 'build');
