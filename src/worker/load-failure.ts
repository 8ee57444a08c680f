/**
 * Why a model failed to load, in words a person can act on. transformers.js and onnxruntime report a
 * missing, unreachable or damaged file in many different ways, so after a failure each needed file is
 * asked for again, one byte of it, and the first that is missing or unreachable is named.
 */

import { errorText } from '../error-text';
import { RUNTIME_DIR } from '../model/model-name';
import { ownFailureKind, ownModelError, unsupportedOperator } from '../model/own-model';

/**
 * The kinds of load failure, carried to the page as the error's `name` (comlink keeps an error's name
 * and message, nothing else).
 */
export const LOAD_FAILURES = {
  missing: 'ModelFileMissingError',
  unreachable: 'ModelUnreachableError',
  damaged: 'ModelDamagedError',
  interrupted: 'ModelDownloadInterruptedError',
} as const;

export type LoadFailureKind = keyof typeof LOAD_FAILURES;

function failure(kind: LoadFailureKind, message: string): Error {
  const error = new Error(message);
  error.name = LOAD_FAILURES[kind];
  return error;
}

/** A file to check: the name to tell the user, and its address. */
export interface NeededFile {
  name: string;
  url: URL;
}

/**
 * A body that stops arriving part-way rejects the read with a TypeError, worded per browser: "network
 * error" or, read through a stream pipe (`progress-fetch.ts`), "Failed to fetch" (Chromium),
 * "NetworkError when attempting to fetch resource." (Firefox), "Load failed" (Safari).
 */
const brokeOff = (error: unknown) =>
  error instanceof TypeError && /network ?error|load failed|failed to fetch/i.test(error.message);

/**
 * Turns a load error into one that names the missing or unreachable file, or says the files are damaged or
 * their download broke off.
 */
export async function explainLoadFailure(error: unknown, files: NeededFile[]): Promise<Error> {
  const missing = await firstMissing(files);
  if (missing) return missing;
  if (brokeOff(error))
    return failure('interrupted', `A model file's download broke off before its end (${errorText(error)}).`);
  return failure('damaged', `The model files are all there, but they could not be read (${errorText(error)}).`);
}

/** The first of `files` that is missing or unreachable, as the error that names it; null when all are there. */
export async function firstMissing(files: NeededFile[]): Promise<Error | null> {
  for (const { name, url } of files) {
    let response: Response;
    try {
      response = await fetch(url, { headers: { range: 'bytes=0-0' }, cache: 'no-store' });
      await response.body?.cancel();
    } catch {
      return failure('unreachable', `${name} could not be reached at ${url.pathname}: the connection failed.`);
    }
    if (!response.ok) return failure('missing', `${name} was not found at ${url.pathname} (HTTP ${response.status}).`);
  }
  return null;
}

/**
 * Why a model the user opened did not load, once the site's own files (`runtime`) are found to be there:
 * an operator onnxruntime lacks, a model type transformers.js has no causal language model of, or else the
 * error itself, named as the model's.
 */
export async function explainOwnLoadFailure(error: unknown, runtime: NeededFile[], backend: string): Promise<Error> {
  const missing = await firstMissing(runtime);
  if (missing) return missing;
  if (ownFailureKind(error)) return error as Error;
  const message = errorText(error);
  const operator = unsupportedOperator(message);
  if (operator)
    return ownModelError(
      'operator',
      `onnxruntime cannot run this model: its graph uses the operator ${operator.op} (opset ${operator.opset}), ` +
        `which onnxruntime-web ${RUNTIME_VERSION} has no implementation of on ${backend}. Export the model with ` +
        'operators onnxruntime implements.',
    );
  const type = /Unsupported model type: (\S+)/.exec(message)?.[1];
  if (type)
    return ownModelError(
      'not-decoder',
      `This model is not a decoder that writes text: transformers.js has no causal language model of type ${type}.`,
    );
  if (brokeOff(error)) return failure('interrupted', `A file of the site broke off before its end (${message}).`);
  return ownModelError('unreadable', `The model's files could not be read: ${message}`);
}

/** onnxruntime-web's version, from the folder the site serves it from (`ort/<version>/`). */
const RUNTIME_VERSION = /ort\/([^/]+)\//.exec(RUNTIME_DIR)?.[1] ?? '';

/** The kind of a load error that came through comlink, or null for any other error. */
export function loadFailureKind(error: unknown): LoadFailureKind | null {
  if (!(error instanceof Error)) return null;
  const entry = Object.entries(LOAD_FAILURES).find(([, name]) => name === error.name);
  return entry ? (entry[0] as LoadFailureKind) : null;
}
