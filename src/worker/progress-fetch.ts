/**
 * A `fetch` for transformers.js (`env.fetch`) that reports how much of each body has arrived.
 * transformers.js reports progress itself only when given a progress callback, and then first asks
 * for every model file once more to learn its size: a second full download of the weights, since a
 * local path is fetched whole. Counting here keeps one request per file.
 */
export type BodyProgress = (url: string, loaded: number, total: number | null) => void;

export function fetchWithProgress(onProgress: BodyProgress, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    if (!response.body) return response;
    const url = response.url || String(input instanceof Request ? input.url : input);
    const length = Number(response.headers.get('content-length'));
    const total = Number.isFinite(length) && length > 0 ? length : null;
    let loaded = 0;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          loaded += chunk.byteLength;
          onProgress(url, loaded, total);
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
