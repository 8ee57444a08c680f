/**
 * A `fetch` for transformers.js (`env.fetch`) that answers every request under `folder` from files held in
 * memory (404 for a file it does not have) and passes any other to `base`: a model the user opened loads
 * through transformers.js's usual path without a request leaving the worker, and without blob: addresses,
 * which the site's Content-Security-Policy does not allow.
 */
export function memoryFetch(
  folder: URL,
  files: Readonly<Record<string, ArrayBuffer>>,
  base: typeof fetch = fetch,
  here: string = globalThis.location?.href ?? folder.href,
): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), here);
    if (url.origin !== folder.origin || !url.pathname.startsWith(folder.pathname)) return base(input, init);
    const data = files[decodeURIComponent(url.pathname.slice(folder.pathname.length))];
    if (data === undefined) return new Response('not found', { status: 404, statusText: 'Not Found' });
    return new Response(data, {
      status: 200,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(data.byteLength) },
    });
  };
}
