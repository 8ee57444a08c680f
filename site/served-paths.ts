/**
 * Where the built site serves the model and onnxruntime: folders named by their content, so a browser
 * or service worker may keep any file it has for good, and a site rebuilt with another model or
 * runtime asks for other addresses and never mixes old files with new. Node-side: the Vite config and
 * the tests read it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MODEL_NAME } from '../src/model/model-name.ts';
import { FACT_FILES, MODEL_FILES } from '../src/worker/model-files.ts';

const REPO = resolve(import.meta.dirname, '..');

/**
 * The model folder the build copies from: the shipped one, or `TAGPLAY_MODEL` (a path to a folder with
 * the same files) to build the site around another model.
 */
export function modelSource(): string {
  return process.env.TAGPLAY_MODEL ? resolve(process.env.TAGPLAY_MODEL) : resolve(REPO, 'models', MODEL_NAME);
}

/** The files the site serves from a model folder: all of `MODEL_FILES`, and those of `FACT_FILES` it has. */
export function servedModelFiles(source = modelSource()): string[] {
  return [...MODEL_FILES, ...FACT_FILES.filter((file) => existsSync(resolve(source, file)))];
}

/** `<name>-<first 10 hex digits of the SHA-256 over the served files>`, e.g. `tagplay-8m-3f09a1c2d4`. */
export function servedModelDir(source = modelSource()): string {
  const hash = createHash('sha256');
  for (const file of servedModelFiles(source)) {
    hash.update(file);
    hash.update(
      createHash('sha256')
        .update(readFileSync(resolve(source, file)))
        .digest(),
    );
  }
  return `${MODEL_NAME}-${hash.digest('hex').slice(0, 10)}`;
}

/** onnxruntime-web's version, which names the folder of its builds: `ort/<version>/`. */
export function servedRuntimeDir(): string {
  const pkg = JSON.parse(readFileSync(resolve(REPO, 'node_modules/onnxruntime-web/package.json'), 'utf8')) as {
    version: string;
  };
  return `ort/${pkg.version}/`;
}
