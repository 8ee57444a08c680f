/**
 * The page tells the service worker that the model loaded, so what came with it is worth keeping.
 * Types only: the service worker is built as one file of its own, sharing no code with the page.
 */
export interface KeepMessage {
  type: 'tagplay-keep';
  /** The model's folder name under `models/`, whose files stay; other models' go. */
  modelDir: string;
  /** onnxruntime's folder, e.g. `ort/1.31.0/`, whose builds stay; other versions' go. */
  runtimeDir: string;
  /** The page's own files (its address, scripts and styles), kept even if they came before the service worker. */
  pageFiles: string[];
}
