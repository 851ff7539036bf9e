// Bundles every runnable entry (tests, benches, experiments) into dist/ with esbuild.
// WGSL files reach the bundle as text; npm packages stay external and load from node_modules.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, statSync, rmSync, renameSync } from 'node:fs';
import { join } from 'node:path';

function entries(dir, pattern) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...entries(path, pattern));
    else if (pattern.test(name)) out.push(path);
  }
  return out;
}

// TensorFlow.js's bench twin is bundled with TF.js itself: tfjs-core's ES modules import their gradient
// files without extensions, which Node cannot load but esbuild resolves.
const TFJS_ENTRY = join('bench', 'compare-tfjs.ts');

const entryPoints = [
  ...entries('test', /\.test\.ts$|^run\.ts$/),
  ...entries('bench', /\.ts$/),
  // an experiment is a file at the top of experiments/; its folders hold the parts it imports
  ...readdirSync('experiments').filter((name) => name.endsWith('.ts')).map((name) => join('experiments', name)),
  // not entries: libraries (lib/), page parts (web/) and the kernel ladder the benches import (bench/ladder/)
].filter((p) => !p.includes('/lib/') && !p.includes('/web/') && !p.includes('/ladder/') && p !== TFJS_ENTRY);

// Build into a fresh folder, then swap it in, so a build never leaves dist/ half written for a run
// that is reading it, and files of deleted entries do not linger.
const staging = `dist.building-${process.pid}`;
rmSync(staging, { recursive: true, force: true });
try {
  await build({
    entryPoints,
    outdir: staging,
    outbase: '.',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    loader: { '.wgsl': 'text' },
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  await build({
    entryPoints: [TFJS_ENTRY],
    outdir: join(staging, 'bench'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['webgpu'],
    // TF.js's CommonJS parts require Node's own modules
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    outExtension: { '.js': '.mjs' },
    logLevel: 'error',
  });
  // The browser pages: one ES module bundle per page (the engine included) and the page's HTML, in dist/web/.
  const pages = entries(join('experiments', 'web'), /\.html$/);
  await build({
    entryPoints: pages.map((html) => html.replace(/\.html$/, '.ts')),
    outdir: join(staging, 'web'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    loader: { '.wgsl': 'text' },
    // Dawn and Node's modules are imported dynamically, only under Node (engine/backend/webgpu/device.ts, index.ts)
    external: ['webgpu', 'node:*'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  mkdirSync(join(staging, 'web'), { recursive: true });
  for (const html of pages) copyFileSync(html, join(staging, 'web', html.split(/[\\/]/).pop()));
} catch (error) {
  rmSync(staging, { recursive: true, force: true }); // a failed build leaves the previous dist/ as it was
  throw error;
}
rmSync('dist', { recursive: true, force: true });
renameSync(staging, 'dist');
