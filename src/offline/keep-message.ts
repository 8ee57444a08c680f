/**
 * The page tells the service worker that the model loaded, so what came with it is worth keeping.
 * Types and names only: the service worker is built as one file of its own, sharing no code with the page.
 */

/** What was fetched since the last load that worked: kept only when the page confirms it. Gone once keeping is over. */
export const PENDING_CACHE = 'tagplay-pending';
/** What the playground runs offline from. */
export const KEPT_CACHE = 'tagplay-kept';

export interface KeepMessage {
  type: 'tagplay-keep';
  /** The model's folder name under `models/`, whose files stay; other models' go. */
  modelDir: string;
  /** onnxruntime's folder, e.g. `ort/1.31.0/`, whose builds stay; other versions' go. */
  runtimeDir: string;
  /** The page's own files (its address, scripts and styles), kept even if they came before the service worker. */
  pageFiles: string[];
}
