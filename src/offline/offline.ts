/**
 * The page's side of working offline: registers the service worker (`service-worker.ts`, built to
 * `sw.js` beside index.html) and, once the model has loaded, asks it to keep the files.
 */
import { MODEL_DIR, RUNTIME_DIR } from '../model/model-name';
import type { KeepMessage } from './keep-message';

/** How long the first visit waits for the new service worker before loading the model without it. */
const TAKE_OVER_MS = 3000;

/** Not under the dev server (`import.meta.hot`), whose files change under the same names. */
const supported = () => !import.meta.hot && 'serviceWorker' in navigator && isSecureContext;

/**
 * Registers the service worker and waits until it serves this page, so that the model's files, which
 * the model worker fetches next, pass through it; never fails: the site works without it. Once a page.
 */
export function startOffline(): Promise<void> {
  started ??= takeOver();
  return started;
}

let started: Promise<void> | undefined;

async function takeOver(): Promise<void> {
  if (!supported()) return;
  const container = navigator.serviceWorker;
  try {
    await container.register(new URL('sw.js', document.baseURI));
  } catch (error) {
    console.warn('tagplay: the site will not work offline:', error);
    return;
  }
  if (container.controller) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, TAKE_OVER_MS);
    container.addEventListener(
      'controllerchange',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/** Tells the service worker that the model loaded: what came with it is kept for offline use. */
export function keepForOffline(): void {
  const worker = supported() ? navigator.serviceWorker.controller : null;
  if (!worker) return;
  const origin = location.origin;
  const pageFiles = [
    location.origin + location.pathname,
    ...performance
      .getEntriesByType('resource')
      .map((entry) => entry.name)
      .filter((name) => name.startsWith(origin) && /\.(js|css)$/.test(new URL(name).pathname)),
  ];
  const message: KeepMessage = { type: 'tagplay-keep', modelDir: MODEL_DIR, runtimeDir: RUNTIME_DIR, pageFiles };
  worker.postMessage(message);
}
