/**
 * A model the user opens ("Open a model…"): a transformers.js causal language model's folder, read from
 * their disk or from a path on this site, held in memory by the page and copied to each model worker. Never
 * uploaded, never kept: a reload forgets it. Pure: no DOM, no worker.
 */
import type { VocabularyFile } from '../steering/tags';
import { OWN_OPTIONAL_FILES, OWN_REQUIRED_FILES } from '../worker/model-files';
import { sha256Hex } from './sha256';

/** A model's files by their path in its folder, e.g. `onnx/model.onnx`. */
export type ModelFiles = Record<string, ArrayBuffer>;

export interface OwnModel {
  /** Its folder's name. */
  name: string;
  /** Where it came from, in words: "your disk", or "models/mine/ on this site". */
  origin: string;
  files: ModelFiles;
  /** SHA-256 (hex) over the files' names and contents. */
  filesHash: string;
  /** Tag groups set on the page, in place of its `tagplay.json` or the default rule; null when none were. */
  groups: VocabularyFile | null;
  /** `name@` and 12 hex digits of the hash of its files (and of groups set on the page): what a share link records. */
  id: string;
}

/** What went wrong with a model the user opened, carried through comlink as the error's name. */
export const OWN_MODEL_FAILURES = {
  missing: 'OwnModelFileMissingError',
  'not-decoder': 'NotADecoderError',
  operator: 'UnsupportedOperatorError',
  'other-origin': 'OtherOriginError',
  unreadable: 'OwnModelUnreadableError',
} as const;

export type OwnModelFailure = keyof typeof OWN_MODEL_FAILURES;

export function ownModelError(kind: OwnModelFailure, message: string): Error {
  const error = new Error(message);
  error.name = OWN_MODEL_FAILURES[kind];
  return error;
}

/** The kind of an error of `ownModelError` (also after comlink), or null for any other error. */
export function ownFailureKind(error: unknown): OwnModelFailure | null {
  if (!(error instanceof Error)) return null;
  const entry = Object.entries(OWN_MODEL_FAILURES).find(([, name]) => name === error.name);
  return entry ? (entry[0] as OwnModelFailure) : null;
}

/** The largest file read: an ONNX file without external data cannot be larger (protobuf's limit). */
export const MAX_FILE_BYTES = 2 ** 31;

const KNOWN: readonly string[] = [...OWN_REQUIRED_FILES, ...OWN_OPTIONAL_FILES];

/** A folder name as a model's name: letters, digits, `.`, `_` and `-`, at most 60 of them. */
export function modelName(raw: string | null | undefined): string {
  const name = (raw ?? '')
    .replace(/[^\w.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return name || 'model';
}

/**
 * The model's files among a folder's: `paths` relative to the picked folder's parent (a folder picker's
 * `webkitRelativePath`, a dropped folder's entries) or to the folder itself (loose files). A lone
 * `model.onnx` beside `config.json` counts as `onnx/model.onnx`; files tagplay does not read are left out.
 * Returns the folder's name when the paths give one.
 */
export function pickModelFiles<T>(entries: { path: string; data: T }[]): {
  folder: string | null;
  files: Record<string, T>;
} {
  const split = entries.map((e) => ({ parts: e.path.split('/').filter((p) => p !== ''), data: e.data }));
  const first = split[0]?.parts[0];
  const inOneFolder = split.length > 0 && split.every((e) => e.parts.length > 1 && e.parts[0] === first);
  const files: Record<string, T> = {};
  for (const { parts, data } of split) {
    const path = (inOneFolder ? parts.slice(1) : parts).join('/');
    if (KNOWN.includes(path)) files[path] = data;
  }
  const loose = split.find((e) => (inOneFolder ? e.parts.slice(1) : e.parts).join('/') === 'model.onnx');
  if (!files['onnx/model.onnx'] && loose) files['onnx/model.onnx'] = loose.data;
  return { folder: inOneFolder ? first! : null, files };
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Parses one of the model's JSON files; a file that is not JSON is named in the error. */
export function parseJsonFile(files: ModelFiles, file: string): unknown {
  const data = files[file];
  if (data === undefined) return null;
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch (error) {
    throw ownModelError('unreadable', `The model's ${file} is not valid JSON (${(error as Error).message}).`);
  }
}

/**
 * Why a model's `config.json` does not describe a decoder that writes text one token after another (a causal
 * language model, as transformers.js's AutoModelForCausalLM loads), or null when it does.
 */
export function decoderProblem(config: unknown): string | null {
  if (!isRecord(config)) return 'its config.json is not a set of settings';
  const architectures = Array.isArray(config.architectures)
    ? config.architectures.filter((a): a is string => typeof a === 'string')
    : [];
  const type = typeof config.model_type === 'string' ? config.model_type : null;
  const what = architectures.length > 0 ? architectures.join(', ') : type ? `model type ${type}` : 'its model';
  if (config.is_encoder_decoder === true)
    return `its config.json describes an encoder-decoder model (${what}), not a decoder`;
  if (architectures.length > 0 && !architectures.some((a) => /(ForCausalLM|LMHeadModel)$/.test(a)))
    return `its architecture, ${what}, is not a causal language model (one whose name ends in ForCausalLM)`;
  if (architectures.length === 0 && config.is_decoder === false)
    return `its config.json says is_decoder: false and names no causal-LM architecture`;
  if (type === null) return 'its config.json has no model_type';
  return null;
}

/** Checks what can be checked before loading: the needed files are there, and config.json is a decoder's. */
export function checkModelFiles(files: ModelFiles): void {
  const missing = OWN_REQUIRED_FILES.filter((file) => files[file] === undefined);
  if (missing.length > 0)
    throw ownModelError(
      'missing',
      `The model folder has no ${missing.join(', no ')}. A transformers.js causal language model needs ` +
        'config.json, tokenizer.json and onnx/model.onnx (its weights, in a folder named onnx).',
    );
  const problem = decoderProblem(parseJsonFile(files, 'config.json'));
  if (problem) throw ownModelError('not-decoder', `This model is not a decoder that writes text: ${problem}.`);
}

/** SHA-256 over every file's name and the SHA-256 of its content, in name order (as the site names its model). */
export async function hashFiles(files: ModelFiles, extra = ''): Promise<string> {
  const encoder = new TextEncoder();
  let listing = '';
  for (const name of Object.keys(files).sort()) listing += `${name}\n${await sha256Hex(new Uint8Array(files[name]))}\n`;
  return sha256Hex(encoder.encode(listing + extra));
}

/** The model as the page holds it, with its id. */
export async function ownModel(
  name: string,
  origin: string,
  files: ModelFiles,
  groups: VocabularyFile | null = null,
  filesHash?: string,
): Promise<OwnModel> {
  const hash = filesHash ?? (await hashFiles(files));
  const withGroups = groups ? await sha256Hex(new TextEncoder().encode(hash + JSON.stringify(groups))) : hash;
  const id = `${modelName(name)}@${withGroups.slice(0, 12)}`;
  return { name: modelName(name), origin, files, filesHash: hash, groups, id };
}

/** Whether a share link's model is one a user opened (`name@hash`), not a folder the site serves. */
export const isOwnModelId = (id: string): boolean => /^[\w.-]+@[0-9a-f]{12}$/.test(id);

/**
 * The operator an onnxruntime error says it has no implementation of (`No Op registered for X with
 * domain_version of N`, `Could not find an implementation for X(N)`), or null.
 */
export function unsupportedOperator(message: string): { op: string; opset: number } | null {
  const registered = /No Op registered for (\S+) with domain_version of (\d+)/.exec(message);
  const implemented = /Could not find an implementation for (\S+)\((\d+)\)/.exec(message);
  const found = registered ?? implemented;
  return found ? { op: found[1], opset: Number(found[2]) } : null;
}
