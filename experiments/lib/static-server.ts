// A small static file server for the browser pages: `npm run serve` (experiments/serve.ts) and the browser
// tests. It serves the built pages (dist/web/) at / and the training runs (runs/) at /runs/, read only, on
// the loopback address (a path that leaves its folder is refused), plus generated files at fixed paths
// (`generated`: the playground's digit sample).
import { createServer, type Server } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.jsonl': 'application/x-ndjson',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.css': 'text/css',
  '.safetensors': 'application/octet-stream',
};

export interface StaticServer {
  url: string;
  close: () => Promise<void>;
}

/** The file under `root` that `urlPath` names, or null when it leaves root or does not exist. */
function fileUnder(root: string, urlPath: string): string | null {
  const path = resolve(root, '.' + sep + normalize(decodeURIComponent(urlPath)).replace(/^([/\\])+/, ''));
  if (path !== root && !path.startsWith(root + sep)) return null;
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'index.html') : path;
  return existsSync(file) && statSync(file).isFile() ? file : null;
}

/** Serves webRoot at / and runsRoot at /runs/ on 127.0.0.1:port (0: any free port), and `generated` at their paths. */
export function startStaticServer(webRoot: string, runsRoot: string, port = 0, generated: Record<string, () => string> = {}): Promise<StaticServer> {
  const [web, runs] = [resolve(webRoot), resolve(runsRoot)];
  const cache = new Map<string, string>();
  const server: Server = createServer((request, response) => {
    const urlPath = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method === 'GET' && generated[urlPath]) {
      if (!cache.has(urlPath)) cache.set(urlPath, generated[urlPath]());
      response.writeHead(200, { 'content-type': TYPES[extname(urlPath)] ?? 'text/plain', 'cache-control': 'no-store' });
      response.end(cache.get(urlPath));
      return;
    }
    const file = urlPath.startsWith('/runs/') ? fileUnder(runs, urlPath.slice('/runs/'.length)) : fileUnder(web, urlPath === '/' ? '/playground.html' : urlPath);
    if (request.method !== 'GET' || !file) {
      response.writeHead(request.method === 'GET' ? 404 : 405, { 'content-type': 'text/plain' });
      response.end(request.method === 'GET' ? `not found: ${urlPath}\n` : 'only GET\n');
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      resolvePromise({ url: `http://127.0.0.1:${actual}/`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}
