import { describe, expect, it } from 'vitest';
import { fetchWithProgress } from '../../src/worker/progress-fetch';

/** A response whose body arrives in these chunks, then ends or breaks off. */
function chunked(chunks: number[], headers: Record<string, string>, breakOff = false): typeof fetch {
  return async () => {
    let next = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (next < chunks.length) controller.enqueue(new Uint8Array(chunks[next++]));
        else if (breakOff) controller.error(new TypeError('network error'));
        else controller.close();
      },
    });
    return new Response(body, { status: 200, headers });
  };
}

describe('fetchWithProgress', () => {
  it('reports the bytes of each body as they arrive, against its length, and passes them on whole', async () => {
    const seen: [string, number, number | null][] = [];
    const fetcher = fetchWithProgress((...args) => seen.push(args), chunked([3, 5, 2], { 'content-length': '10' }));
    const response = await fetcher('http://site/models/m/onnx/model.onnx');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('10');
    expect((await response.arrayBuffer()).byteLength).toBe(10);
    expect(seen).toEqual([
      ['http://site/models/m/onnx/model.onnx', 3, 10],
      ['http://site/models/m/onnx/model.onnx', 8, 10],
      ['http://site/models/m/onnx/model.onnx', 10, 10],
    ]);
  });

  it('reports no total without a length, and a body broken off fails the read with the same error', async () => {
    const seen: (number | null)[] = [];
    const fetcher = fetchWithProgress((_url, _loaded, total) => seen.push(total), chunked([4], {}, true));
    const response = await fetcher('http://site/x');
    await expect(response.arrayBuffer()).rejects.toThrow(/network error/);
    expect(seen).toEqual([null]);
  });
});
