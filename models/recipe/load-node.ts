/** Loads the shipped model in Node through the same transformers.js path the browser worker uses. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { loadModel, type LoadedModel } from '../../src/model/causal-lm';
import { tagGroups, type TagGroup } from '../../src/steering/tags';
import type { Tagger } from '../../src/tagger/index';
import { parseTagger } from '../../src/tagger/weights-file';
import { VOCABULARY_FILE } from '../../src/worker/model-files';
import { MODEL_DIR, MODEL_NAME } from './paths';

/** Points transformers.js at the repository's model folder, with no hub access. */
export function useLocalModels(): void {
  env.allowRemoteModels = false;
  env.localModelPath = join(MODEL_DIR, '..') + '/';
}

export async function loadNodeModel(threads?: number): Promise<LoadedModel> {
  useLocalModels();
  return loadModel(MODEL_NAME, 'cpu', { threads, vocabulary: readVocabulary() });
}

/** The model's `tagplay.json`, parsed, or null when it has none. */
export function readVocabulary(): unknown {
  const file = join(MODEL_DIR, VOCABULARY_FILE);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
}

/** The model's tag groups as the worker finds them, read from its files without loading it. */
export function readTagGroups(): TagGroup[] {
  const tokenizer = JSON.parse(readFileSync(join(MODEL_DIR, 'tokenizer.json'), 'utf8')) as {
    added_tokens: { id: number; content: string }[];
  };
  return tagGroups(tokenizer.added_tokens, readVocabulary());
}

export function loadTagger(): Tagger {
  return parseTagger(JSON.parse(readFileSync(join(MODEL_DIR, 'tagger.json'), 'utf8')));
}
