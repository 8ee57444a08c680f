/**
 * Which files the site serves for the model (onnxruntime's: `runtime-builds.ts`). The build copies
 * exactly these, and a failed load is checked against them.
 */

/**
 * The files the browser needs from the model's folder, `models/<name>/`; the rest of `models/` is the
 * recipe and its outputs.
 */
export const MODEL_FILES = [
  'config.json',
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'tagger.json',
  'tagplay.json',
  'onnx/model.onnx',
] as const;

/**
 * Measurements the page shows when the model's folder has them (the tag rows' strength, "About this
 * model"): the evaluation, the tagger's evaluation and the model's agreement with the tagger.
 */
export const FACT_FILES = ['eval.json', 'tagger-eval.json', 'agreement.json'] as const;

/** The model's tag vocabulary: optional, a model without it has each tag in a group of its own. */
export const VOCABULARY_FILE = 'tagplay.json';

/** Those the worker cannot load without; `tagger.json` is the page's. */
export const WORKER_MODEL_FILES = MODEL_FILES.filter((file) => file !== 'tagger.json' && file !== VOCABULARY_FILE);

/**
 * A model opened from the user's disk or a path on the site ("Open a model…"): the files it needs, and those
 * read when it has them. `tokenizer_config.json` is optional there (an empty one stands in), and only
 * `onnx/model.onnx` is run, in float32.
 */
export const OWN_REQUIRED_FILES = ['config.json', 'tokenizer.json', 'onnx/model.onnx'] as const;
export const OWN_OPTIONAL_FILES = [
  'tokenizer_config.json',
  'generation_config.json',
  VOCABULARY_FILE,
  'tagger.json',
  ...FACT_FILES,
] as const;
