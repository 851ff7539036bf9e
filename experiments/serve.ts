// npm run serve: serves the browser pages built by `npm run build:web` (dist/web/) and the runs/ folder on
// localhost, and prints the URL. Stop it with Ctrl-C.
//   npm run serve -- [--port 8080]
import { existsSync } from 'node:fs';
import { startStaticServer } from './lib/static-server.js';
import { DIGITS_PATH, digitSampleJson } from './lib/digit-sample.js';

const DEFAULT_PORT = 8080;

function port(args: string[]): number {
  const at = args.indexOf('--port');
  if (at < 0) return DEFAULT_PORT;
  const text = args[at + 1] ?? '';
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > 65535) throw new Error(`serve: --port must be a port number from 1 to 65535, got '${text}'`);
  return value;
}

const args = process.argv.slice(2);
const unknown = args.filter((a, i) => a.startsWith('--') && a !== '--port' && args[i - 1] !== '--port');
if (unknown.length > 0) throw new Error(`serve: unknown flag ${unknown[0]} (serve takes --port)`);
if (!existsSync('dist/web/playground.html')) throw new Error('serve: dist/web/playground.html is missing; run `npm run build:web` first');
const server = await startStaticServer('dist/web', 'runs', port(args), { [DIGITS_PATH]: digitSampleJson });
console.log(`serving the pages of dist/web/ and the runs of runs/ at ${server.url}`);
console.log(`  playground: ${server.url}playground.html\n  latent explorer: ${server.url}explorer.html?run=<a VAE run under runs/>`);
