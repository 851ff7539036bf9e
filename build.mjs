// Bundles every runnable entry (tests, benches, experiments) into dist/ with esbuild.
// WGSL files reach the bundle as text; npm packages stay external and load from node_modules.
import { build } from 'esbuild';
import { readdirSync, statSync, rmSync, renameSync } from 'node:fs';
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

const entryPoints = [
  ...entries('test', /\.test\.ts$|^run\.ts$/),
  ...entries('bench', /\.ts$/),
  ...entries('experiments', /\.ts$/),
].filter((p) => !p.includes('/lib/'));

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
} catch (error) {
  rmSync(staging, { recursive: true, force: true }); // a failed build leaves the previous dist/ as it was
  throw error;
}
rmSync('dist', { recursive: true, force: true });
renameSync(staging, 'dist');
