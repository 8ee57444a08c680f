/**
 * Why a model failed to load, in words a person can act on. transformers.js and onnxruntime report a
 * missing, unreachable or damaged file in many different ways, so after a failure each needed file is
 * asked for again, one byte of it, and the first that is missing or unreachable is named.
 */

import { errorText } from '../error-text';

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
  if (brokeOff(error))
    return failure('interrupted', `A model file's download broke off before its end (${errorText(error)}).`);
  return failure('damaged', `The model files are all there, but they could not be read (${errorText(error)}).`);
}

/** The kind of a load error that came through comlink, or null for any other error. */
export function loadFailureKind(error: unknown): LoadFailureKind | null {
  if (!(error instanceof Error)) return null;
  const entry = Object.entries(LOAD_FAILURES).find(([, name]) => name === error.name);
  return entry ? (entry[0] as LoadFailureKind) : null;
}
