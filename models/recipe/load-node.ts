/** Loads the shipped model in Node through the same transformers.js path the browser worker uses. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { loadModel, type LoadedModel } from '../../src/model/causal-lm';
import type { Tagger } from '../../src/tagger/index';
import { parseTagger } from '../../src/tagger/weights-file';
import { MODEL_DIR, MODEL_NAME } from './paths';

/** Points transformers.js at the repository's model folder, with no hub access. */
export function useLocalModels(): void {
  env.allowRemoteModels = false;
  env.localModelPath = join(MODEL_DIR, '..') + '/';
}

export async function loadNodeModel(threads?: number): Promise<LoadedModel> {
  useLocalModels();
  return loadModel(MODEL_NAME, 'cpu', undefined, threads);
}

export function loadTagger(): Tagger {
  return parseTagger(JSON.parse(readFileSync(join(MODEL_DIR, 'tagger.json'), 'utf8')));
}
