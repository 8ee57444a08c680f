import { createReadStream, statSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  // instantiateStreaming refuses WebAssembly served under any other type.
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

/** A URL prefix served from a folder; the longest matching prefix wins. */
export interface Mount {
  prefix: string;
  dir: string;
}

/** What was sent for one path since the last reset. */
export interface Sent {
  requests: number;
  /** 200 responses; the rest were 304 revalidations. */
  bodies: number;
  bytes: number;
}

export interface StaticServer {
  url: string;
  /** Response bodies sent since the last `resetSent`, by request path. */
  sent(): Map<string, Sent>;
  resetSent(): void;
  close(): Promise<void>;
}

/**
 * A local static server that counts the bytes it sends, for the load measurements. It revalidates
 * like a typical static host (ETag + `Cache-Control: no-cache`), so a warm reload costs 304s.
 */
export async function serveStatic(mounts: Mount[]): Promise<StaticServer> {
  const sorted = [...mounts].sort((a, b) => b.prefix.length - a.prefix.length);
  let sent = new Map<string, Sent>();
  const entry = (path: string): Sent => {
    const known = sent.get(path) ?? { requests: 0, bodies: 0, bytes: 0 };
    sent.set(path, known);
    return known;
  };
  const fail = (res: ServerResponse, status: number) => res.writeHead(status).end();

  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const mount = sorted.find((m) => path.startsWith(m.prefix));
    if (!mount || path.includes('..')) return fail(res, 404);
    const rest = path.slice(mount.prefix.length);
    const file = normalize(join(mount.dir, rest === '' || rest.endsWith('/') ? `${rest}index.html` : rest));
    let stat;
    try {
      stat = statSync(file);
    } catch {
      return fail(res, 404);
    }
    if (!stat.isFile()) return fail(res, 404);
    const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    const headers = {
      ETag: etag,
      'Cache-Control': 'no-cache',
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    };
    const counted = entry(path);
    counted.requests++;
    if (req.headers['if-none-match'] === etag) return res.writeHead(304, headers).end();
    res.writeHead(200, { ...headers, 'Content-Length': stat.size });
    if (req.method === 'HEAD') return res.end();
    counted.bodies++;
    // Counted as read for sending, not as announced: a client that drops a response midway pays only for what it got.
    const stream = createReadStream(file);
    stream.on('data', (chunk) => (counted.bytes += chunk.length));
    stream.pipe(res);
    res.on('close', () => stream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    sent: () => new Map([...sent].map(([path, s]) => [path, { ...s }])),
    resetSent: () => {
      sent = new Map();
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
