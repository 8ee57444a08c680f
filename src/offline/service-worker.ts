/// <reference lib="webworker" />
/**
 * Keeps the site working offline after one visit. Every file but the page itself has an address named
 * by its content (hashed assets, `models/<name>-<hash>/`, `ort/<version>/`), so a kept copy is good for
 * good and is served first; the page is asked of the network first, so a new deploy is seen on the next
 * online load. A file is kept only once the model it came with has loaded (the page says so), so a
 * broken or cut-off download is never served again; and keeping a new model drops the files of the others.
 * Requests made with `cache: 'no-store'` pass by untouched: the files of a model the user opens are never kept.
 */
import { KEPT_CACHE, PENDING_CACHE, type KeepMessage } from './keep-message';

declare const self: ServiceWorkerGlobalScope;

self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

/** Only whole answers are kept: a byte range or an error is passed on as it is. */
async function fetchAndHold(request: Request, key: string): Promise<Response> {
  const response = await fetch(request);
  if (response.status === 200) await (await caches.open(PENDING_CACHE)).put(key, response.clone());
  return response;
}

async function answer(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (request.mode === 'navigate') {
    const key = url.origin + url.pathname;
    try {
      return await fetchAndHold(request, key);
    } catch (error) {
      const kept = await (await caches.open(KEPT_CACHE)).match(key);
      if (kept) return kept;
      throw error;
    }
  }
  if (request.headers.has('range')) return fetch(request);
  const kept = await (await caches.open(KEPT_CACHE)).match(request);
  return kept ?? fetchAndHold(request, request.url);
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  // A request the page asks not to be stored (a model the user opened from a path on the site) is neither
  // kept nor answered from what is kept.
  if (request.cache === 'no-store') return;
  event.respondWith(answer(request));
});

/**
 * Moves what is pending into the kept files, with the page's own files, and drops other models' and runtimes'.
 * The pending cache is deleted last: the weights being kept does not yet mean the page's files are, and
 * its absence is how a reader (the offline tests) tells that the keeping is over.
 */
async function keep({ modelDir, runtimeDir, pageFiles }: KeepMessage): Promise<void> {
  const [pending, kept] = await Promise.all([caches.open(PENDING_CACHE), caches.open(KEPT_CACHE)]);
  // The first visit's page and scripts loaded before this worker was in charge: fetched once more, they are small.
  for (const file of pageFiles)
    if (!(await kept.match(file)) && !(await pending.match(file))) await pending.add(file).catch(() => undefined);
  for (const request of await pending.keys()) {
    const response = await pending.match(request);
    if (response) await kept.put(request, response);
  }
  for (const request of await kept.keys()) {
    const path = new URL(request.url).pathname;
    const otherModel = /\/models\/[^/]+\//.test(path) && !path.includes(`/models/${modelDir}/`);
    const otherRuntime = /\/ort\/[^/]+\//.test(path) && !path.includes(`/${runtimeDir}`);
    if (otherModel || otherRuntime) await kept.delete(request);
  }
  await caches.delete(PENDING_CACHE);
}

self.addEventListener('message', (event) => {
  const message = event.data as KeepMessage | undefined;
  if (message?.type === 'tagplay-keep') event.waitUntil(keep(message));
});
