import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { MODEL_NAME } from '../../../src/model/model-name';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** The model's folder and its weights, relative to the base path. */
const MODEL_DIR = `models/${MODEL_NAME}/`;
const MODEL_ONNX = `${MODEL_DIR}onnx/model.onnx`;

/**
 * Ways the server can break the model on purpose, as a real deployment might:
 * - `truncated-onnx`: the weights are cut to half their size, as by an interrupted upload, and served as if whole;
 * - `missing-onnx`: the weights answer 404;
 * - `missing-model`: the whole model folder answers 404, as when the path is wrong;
 * - `no-connection`: every request for a model file has its connection dropped, as when the host is unreachable;
 * - `interrupted-onnx`: the weights' download has its connection dropped half-way (asking for a byte range still works).
 */
export type SiteFault = 'truncated-onnx' | 'missing-onnx' | 'missing-model' | 'no-connection' | 'interrupted-onnx';

export interface ServeOptions {
  /** Sends COOP and COEP, so the page is cross-origin isolated (needed for `performance.measureUserAgentSpecificMemory`). */
  isolated?: boolean;
}

export interface StaticSite {
  /** The site's address, ending in the base path, e.g. http://127.0.0.1:PORT/tagplay/. */
  url: string;
  /** Breaks the model files from the next request on; null serves them intact again. */
  setFault(fault: SiteFault | null): void;
  close(): Promise<void>;
}

/**
 * A plain static file server, like any a user might put the build behind: no special headers (so no
 * cross-origin isolation, unless asked), the site only under `basePath`, on 127.0.0.1 and a free port.
 */
export async function serveStatic(root: string, basePath: string, options: ServeOptions = {}): Promise<StaticSite> {
  let fault: SiteFault | null = null;
  const isolation: Record<string, string> = options.isolated
    ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
    : {};
  const server: Server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    if (path === basePath.replace(/\/$/, '')) {
      response.writeHead(301, { location: basePath }).end();
      return;
    }
    if (!path.startsWith(basePath)) {
      response.writeHead(404).end('not under the base path');
      return;
    }
    const relative = path.slice(basePath.length);
    if (relative.startsWith(MODEL_DIR)) {
      if (fault === 'no-connection') {
        request.socket.destroy();
        return;
      }
      if (fault === 'missing-model' || (fault === 'missing-onnx' && relative === MODEL_ONNX)) {
        response.writeHead(404).end('not found');
        return;
      }
    }
    let file = normalize(join(root, relative));
    if (file !== root && !file.startsWith(root + sep)) {
      response.writeHead(403).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const info = await stat(file);
      const size = fault === 'truncated-onnx' && relative === MODEL_ONNX ? Math.floor(info.size / 2) : info.size;
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      const headers = { 'content-type': type, ...isolation };
      // Single byte ranges, as every common static server serves them: transformers.js asks for `bytes=0-0` to learn a file's size.
      const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
      if (range) {
        const start = Number(range[1]);
        const end = Math.min(range[2] ? Number(range[2]) : size - 1, size - 1);
        if (start > end) {
          response.writeHead(416, { 'content-range': `bytes */${size}` }).end();
          return;
        }
        response.writeHead(206, {
          ...headers,
          'content-length': end - start + 1,
          'content-range': `bytes ${start}-${end}/${size}`,
        });
        createReadStream(file, { start, end }).pipe(response);
        return;
      }
      response.writeHead(200, { ...headers, 'content-length': size });
      if (fault === 'interrupted-onnx' && relative === MODEL_ONNX) {
        createReadStream(file, { start: 0, end: Math.floor(size / 2) })
          .on('end', () => request.socket.destroy())
          .pipe(response, { end: false });
      } else if (size === 0) response.end();
      else createReadStream(file, { start: 0, end: size - 1 }).pipe(response);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    setFault: (next) => (fault = next),
    close: () =>
      new Promise((resolve, reject) => {
        // Keep-alive connections would hold `close` open until they time out.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
