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
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export interface StaticSite {
  /** The site's address, ending in the base path, e.g. http://127.0.0.1:PORT/tagplay/. */
  url: string;
  close(): Promise<void>;
}

/**
 * A plain static file server, like any a user might put the build behind: no special headers (so no
 * cross-origin isolation), the site only under `basePath`, on 127.0.0.1 and a free port.
 */
export async function serveStatic(root: string, basePath: string): Promise<StaticSite> {
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
    let file = normalize(join(root, path.slice(basePath.length)));
    if (file !== root && !file.startsWith(root + sep)) {
      response.writeHead(403).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const info = await stat(file);
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      // Single byte ranges, as every common static server serves them: transformers.js asks for `bytes=0-0` to learn a file's size.
      const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
      if (range) {
        const start = Number(range[1]);
        const end = Math.min(range[2] ? Number(range[2]) : info.size - 1, info.size - 1);
        if (start > end) {
          response.writeHead(416, { 'content-range': `bytes */${info.size}` }).end();
          return;
        }
        response.writeHead(206, { 'content-type': type, 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${info.size}` });
        createReadStream(file, { start, end }).pipe(response);
        return;
      }
      response.writeHead(200, { 'content-type': type, 'content-length': info.size });
      createReadStream(file).pipe(response);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
