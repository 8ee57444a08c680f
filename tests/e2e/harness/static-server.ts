/**
 * The one local static server of the end-to-end tests and the bench: folders mounted under URL prefixes
 * on 127.0.0.1 and a free port, like any static host a user might put the build behind (no special
 * headers unless asked), with byte ranges, the bytes it sent counted per path, and faults on purpose.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  // instantiateStreaming refuses WebAssembly served under any other type.
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** A model's folder and its weights, relative to a mount, whatever the build named the folder. */
const MODEL_DIR = /^models\/[^/]+\//;
const MODEL_ONNX = /^models\/[^/]+\/onnx\/model\.onnx$/;

/**
 * Ways the server can break the model on purpose, as a real deployment might:
 * - `truncated-onnx`: the weights are cut to half their size, as by an interrupted upload, and served as if whole;
 * - `missing-onnx`: the weights answer 404;
 * - `missing-model`: the whole model folder answers 404, as when the path is wrong;
 * - `no-connection`: every request for a model file has its connection dropped, as when the host is unreachable;
 * - `interrupted-onnx`: the weights' download has its connection dropped half-way (asking for a byte range still works);
 * - `offline`: every request has its connection dropped, as when the user is offline.
 */
export type SiteFault =
  'truncated-onnx' | 'missing-onnx' | 'missing-model' | 'no-connection' | 'interrupted-onnx' | 'offline';

/** A URL prefix (ending in `/`) served from a folder; the longest matching prefix wins. */
export interface Mount {
  prefix: string;
  dir: string;
}

export interface ServeOptions {
  /** Sends COOP and COEP, so the page is cross-origin isolated (needed for `performance.measureUserAgentSpecificMemory`). */
  isolated?: boolean;
  /** Revalidates like a typical static host (ETag and `Cache-Control: no-cache`), so a warm reload costs 304s. */
  revalidate?: boolean;
}

/** What was sent for one path since the last reset. */
export interface Sent {
  requests: number;
  /** Full responses; the rest were byte ranges or 304 revalidations. */
  bodies: number;
  bytes: number;
}

export interface StaticServer {
  /** The server's root, e.g. http://127.0.0.1:PORT/. */
  url: string;
  /** Breaks the model files from the next request on; null serves them intact again. */
  setFault(fault: SiteFault | null): void;
  /** Serves `prefix` from another folder from the next request on, as a new deploy does. */
  remount(prefix: string, dir: string): void;
  /** Response bodies sent since the last `resetSent`, by request path. */
  sent(): Map<string, Sent>;
  resetSent(): void;
  close(): Promise<void>;
}

export async function serveStatic(mounts: Mount[], options: ServeOptions = {}): Promise<StaticServer> {
  const sorted = mounts.map((m) => ({ ...m })).sort((a, b) => b.prefix.length - a.prefix.length);
  let fault: SiteFault | null = null;
  let sent = new Map<string, Sent>();
  const counted = (path: string): Sent => {
    const known = sent.get(path) ?? { requests: 0, bodies: 0, bytes: 0 };
    sent.set(path, known);
    return known;
  };
  const isolation: Record<string, string> = options.isolated
    ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
    : {};

  const server: Server = createServer(async (request, response) => {
    if (fault === 'offline') {
      request.socket.destroy();
      return;
    }
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    if (sorted.some((m) => path === m.prefix.replace(/\/$/, ''))) {
      response.writeHead(301, { location: `${path}/` }).end();
      return;
    }
    const mount = sorted.find((m) => path.startsWith(m.prefix));
    if (!mount) {
      response.writeHead(404).end('not under a served path');
      return;
    }
    const relative = path.slice(mount.prefix.length);
    if (MODEL_DIR.test(relative)) {
      if (fault === 'no-connection') {
        request.socket.destroy();
        return;
      }
      if (fault === 'missing-model' || (fault === 'missing-onnx' && MODEL_ONNX.test(relative))) {
        response.writeHead(404).end('not found');
        return;
      }
    }
    const root = normalize(mount.dir);
    let file = normalize(join(root, relative));
    if (file !== root && !file.startsWith(root + sep)) {
      response.writeHead(403).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      const size = fault === 'truncated-onnx' && MODEL_ONNX.test(relative) ? Math.floor(info.size / 2) : info.size;
      const headers: Record<string, string> = {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        ...isolation,
      };
      const count = counted(path);
      count.requests++;
      if (options.revalidate) {
        headers.etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
        headers['cache-control'] = 'no-cache';
        if (request.headers['if-none-match'] === headers.etag) {
          response.writeHead(304, headers).end();
          return;
        }
      }
      const send = (start: number, end: number, onEnd?: () => void) => {
        if (request.method === 'HEAD' || end < start) return void response.end();
        // Counted as read for sending: a client that drops a response midway pays only for what it got.
        const stream = createReadStream(file, { start, end });
        stream.on('data', (chunk) => (count.bytes += chunk.length));
        response.on('close', () => stream.destroy());
        if (onEnd) stream.on('end', onEnd).pipe(response, { end: false });
        else stream.pipe(response);
      };
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
          'content-length': String(end - start + 1),
          'content-range': `bytes ${start}-${end}/${size}`,
        });
        send(start, end);
        return;
      }
      response.writeHead(200, { ...headers, 'content-length': String(size) });
      count.bodies++;
      if (fault === 'interrupted-onnx' && MODEL_ONNX.test(relative))
        send(0, Math.floor(size / 2), () => request.socket.destroy());
      else send(0, size - 1);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    setFault: (next) => (fault = next),
    remount: (prefix, dir) => {
      const mount = sorted.find((m) => m.prefix === prefix);
      if (!mount) throw new Error(`nothing is served under ${prefix}`);
      mount.dir = dir;
    },
    sent: () => new Map([...sent].map(([path, s]) => [path, { ...s }])),
    resetSent: () => {
      sent = new Map();
    },
    close: () =>
      new Promise((resolve, reject) => {
        // Keep-alive connections would hold `close` open until they time out.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
