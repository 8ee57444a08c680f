import model from '../../models/model.json' with { type: 'json' };

/**
 * The shipped model's name and its folder under `models/`. Named in `models/model.json` alone, which the
 * Python recipe reads too, so a new model is a one-line change.
 */
export const MODEL_NAME: string = model.name;

declare const __TAGPLAY_MODEL_DIR__: string | undefined;
declare const __TAGPLAY_RUNTIME_DIR__: string | undefined;

/**
 * The model's folder on the site, under `models/`: the build names it by the files' content
 * (`site/served-paths.ts`); a page built without the site's Vite config (the bench's) serves the
 * repository's folder.
 */
export const MODEL_DIR: string = typeof __TAGPLAY_MODEL_DIR__ === 'string' ? __TAGPLAY_MODEL_DIR__ : MODEL_NAME;

/** onnxruntime's folder on the site, named by its version in the build; `ort/` without the site's config. */
export const RUNTIME_DIR: string = typeof __TAGPLAY_RUNTIME_DIR__ === 'string' ? __TAGPLAY_RUNTIME_DIR__ : 'ort/';
