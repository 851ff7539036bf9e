// npm run serve: serves the browser pages built by `npm run build:web` (dist/web/) and the runs/ folder on
// localhost, and prints the URL. Stop it with Ctrl-C.
//   npm run serve -- [--port 8080]
import { existsSync } from 'node:fs';
import { commandLine, toolCommand } from './lib/command.js';
import { startStaticServer } from './lib/static-server.js';
import { DIGITS_PATH, digitSampleJson } from './lib/digit-sample.js';

const COMMAND = toolCommand('serve', 'serves the browser pages (dist/web/) and runs/ on localhost', {
  port: { default: 8080, integer: true, min: 1, max: 65535, help: 'the TCP port' },
});

const parsed = commandLine(COMMAND);
if (parsed) {
  if (!existsSync('dist/web/playground.html')) throw new Error('serve: dist/web/playground.html is missing; run `npm run build:web` first');
  const server = await startStaticServer('dist/web', 'runs', parsed.flags.port, { [DIGITS_PATH]: digitSampleJson });
  console.log(`serving the pages of dist/web/ and the runs of runs/ at ${server.url}`);
  console.log(`  playground: ${server.url}playground.html\n  latent explorer: ${server.url}explorer.html?run=<a VAE run under runs/>`);
}
