// The engine's import layering (STYLE.md, principle 11): shape.ts and backend/contracts.ts are leaves; a
// backend imports only its own layer and the leaves below it, never an op or the Tensor; and the runtime
// loads the WebGPU backend (and with it Dawn) only when it is first asked for, so the CPU path never does.
// The last is checked twice: in the import graph of a bundle of the engine, and in a child process that
// records every module it loads.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build, type Metafile } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = process.cwd(); // tests run from the repository root

// ---- (a) what the backend modules import ---------------------------------------------------------------

const IMPORT_PATTERNS = [
  // import / export ... from '...', type-only and multi-line included (the clause holds only names)
  /^[ \t]*(?:import|export)\s+[\w*${},\s]+?\s+from\s+['"]([^'"]+)['"]/gm,
  // import '...' (for its side effects)
  /^[ \t]*import\s+['"]([^'"]+)['"]/gm,
  // import('...')
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  // declare module '...' (a type augmentation is a dependency too)
  /^[ \t]*declare\s+module\s+['"]([^'"]+)['"]/gm,
];

/** Every module specifier a TypeScript source names, in the order of the patterns above. */
function importSpecifiers(source: string): string[] {
  return IMPORT_PATTERNS.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1]));
}

/** The repository path a relative specifier of `file` names (.js written for a .ts file), or null for a package. */
function resolveSpecifier(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  return posix.normalize(posix.join(posix.dirname(file), specifier)).replace(/\.js$/, '.ts');
}

/** What a backend module may import: its own layer, the two leaves, the Philox stream, and WGSL sources. */
function allowedForBackend(path: string): boolean {
  return path.startsWith('engine/backend/') || path === 'engine/shape.ts' || path.startsWith('engine/random/') || path.startsWith('shaders/');
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = posix.join(dir, name);
      if (statSync(join(ROOT, path)).isDirectory()) return tsFiles(path);
      return name.endsWith('.ts') ? [path] : [];
    });
}

test('the import scanner finds type-only, multi-line, side-effect and dynamic imports, and skips comments', () => {
  const source = [
    "// import { nothing } from '../commented.js'",
    "import type { ConvGeometry } from '../../ops/conv.js';",
    'import {',
    '  a,',
    '  type B,',
    "} from './registry.js';",
    "export { sizeOf } from '../../shape.js';",
    "import '../../tensor.js';",
    'const x = 1; // not an import',
    "const m = await import('webgpu');",
  ].join('\n');
  assert.equal(importSpecifiers(source), ['../../ops/conv.js', './registry.js', '../../shape.js', '../../tensor.js', 'webgpu']);
  assert.is(resolveSpecifier('engine/backend/cpu/conv.ts', '../../ops/conv.js'), 'engine/ops/conv.ts');
  assert.is(resolveSpecifier('engine/backend/cpu/conv.ts', './registry.js'), 'engine/backend/cpu/registry.ts');
  assert.is(resolveSpecifier('engine/backend/webgpu/device.ts', 'webgpu'), null);
});

test('no backend module imports an op, the Tensor or anything else above the backend layer, directly or through a module it imports', () => {
  const files = tsFiles('engine/backend');
  // the scan covers both backends, their shared interface and the contracts
  for (const expected of ['engine/backend/backend.ts', 'engine/backend/contracts.ts', 'engine/backend/cpu/index.ts', 'engine/backend/webgpu/index.ts']) {
    assert.ok(files.includes(expected), `${expected} was not scanned`);
  }
  // the modules the backends reach (the Philox stream, say) are scanned in their turn
  const scanned = new Set(files);
  const queue = [...files];
  const violations: string[] = [];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (!file.endsWith('.ts')) continue; // a WGSL source imports nothing
    for (const specifier of importSpecifiers(readFileSync(join(ROOT, file), 'utf8'))) {
      const path = resolveSpecifier(file, specifier);
      if (path === null) continue;
      if (!allowedForBackend(path)) violations.push(`${file} imports '${specifier}' (${path})`);
      else if (!scanned.has(path)) {
        scanned.add(path);
        queue.push(path);
      }
    }
  }
  assert.ok(scanned.has('engine/random/philox.ts') && scanned.has('engine/random/kernel.ts'), 'the modules below the backends were not scanned');
  assert.equal(violations, [], `backend modules importing from above their layer:\n${violations.join('\n')}`);
});

test('the leaves (shape arithmetic, kernel contracts) import nothing', () => {
  for (const file of ['engine/shape.ts', 'engine/backend/contracts.ts']) {
    assert.equal(importSpecifiers(readFileSync(join(ROOT, file), 'utf8')), [], file);
  }
});

// ---- (b) the CPU path loads neither the WebGPU backend nor Dawn ----------------------------------------

// The child: a tiny forward and backward pass on the CPU backend; with the argument 'webgpu' it then asks
// for the WebGPU backend too (which may find no adapter: loading it is what counts here).
const ENTRY_SOURCE = (engine: string) => `
import * as E from ${JSON.stringify(engine)};
const a = E.tensor([[1, 2], [3, 4]]).requireGrad();
const b = E.tensor([[5, 6], [7, 8]]);
const y = E.matmul(a, b);
E.backward(E.sum(y));
const result = { backend: y.backend.name, y: [...(await y.toArray())], da: [...(await a.grad.toArray())], gpuError: null };
if (process.argv[2] === 'webgpu') {
  try {
    await E.webgpu();
  } catch (error) {
    result.gpuError = String(error);
  }
  E.releaseDevice();
}
console.log(JSON.stringify(result));
`;

// Module hooks (node:module register) that append "specifier<TAB>url" for every module the child resolves.
const HOOKS_SOURCE = `
import { appendFileSync } from 'node:fs';
let log;
export async function initialize(data) {
  log = data.log;
}
export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  appendFileSync(log, specifier + '\\t' + result.url + '\\n');
  return result;
}
`;

const REGISTER_SOURCE = `
import { register } from 'node:module';
register('./hooks.mjs', import.meta.url, { data: { log: process.env.LAYERING_LOG } });
`;

/** The inputs reachable from `from` along static imports (type-only imports are already erased). */
function staticClosure(metafile: Metafile, from: string): Set<string> {
  const reached = new Set<string>([from]);
  const queue = [from];
  while (queue.length > 0) {
    for (const edge of metafile.inputs[queue.pop()!]?.imports ?? []) {
      if (edge.kind !== 'import-statement' || reached.has(edge.path)) continue;
      reached.add(edge.path);
      if (!edge.external) queue.push(edge.path);
    }
  }
  return reached;
}

const isWebGpuBackend = (input: string) => input.startsWith('engine/backend/webgpu/');

/** The URL Node gives a module file (it resolves symbolic links). */
const moduleUrl = (path: string) => pathToFileURL(realpathSync(path)).href;

interface Bundle {
  dir: string;
  metafile: Metafile;
  /** the output file of the child's entry, and its input */
  entryOutput: string;
  entryInput: string;
  /** URLs of the bundle's files that hold the WebGPU backend */
  gpuChunks: string[];
}

/** Bundles the child with build.mjs's settings plus code splitting, so a lazy import gets a file of its own. */
async function bundleChild(): Promise<Bundle> {
  // inside node_modules, so the bundle's external 'webgpu' resolves from the child as it does from dist/
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'layering-'));
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, ENTRY_SOURCE(join(ROOT, 'engine', 'index.ts')));
  writeFileSync(join(dir, 'hooks.mjs'), HOOKS_SOURCE);
  writeFileSync(join(dir, 'register.mjs'), REGISTER_SOURCE);
  const { metafile } = await build({
    entryPoints: [entry],
    absWorkingDir: ROOT,
    outdir: join(dir, 'out'),
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    loader: { '.wgsl': 'text' },
    metafile: true,
    logLevel: 'error',
  });
  const outputs = Object.keys(metafile.outputs);
  const entryOutput = outputs.find((path) => path.endsWith('/out/entry.mjs'))!;
  const gpuOutputs = outputs.filter((path) => Object.keys(metafile.outputs[path].inputs).some(isWebGpuBackend));
  return {
    dir,
    metafile,
    entryOutput,
    entryInput: metafile.outputs[entryOutput].entryPoint!,
    gpuChunks: gpuOutputs.map((path) => moduleUrl(resolve(ROOT, path))),
  };
}

/** Runs the bundled child; returns what it printed and [specifier, url] of every module it resolved in its life. */
function runChild(bundle: Bundle, mode: 'cpu' | 'webgpu') {
  const log = join(bundle.dir, `${mode}.log`);
  writeFileSync(log, '');
  const args = ['--import', pathToFileURL(join(bundle.dir, 'register.mjs')).href, join(bundle.dir, 'out', 'entry.mjs'), mode];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, LAYERING_LOG: log }, timeout: 120_000 });
  const line = (child.stdout ?? '').split('\n').reverse().find((l) => l.startsWith('{'));
  assert.ok(line, `the ${mode} child printed no result (status ${child.status}):\n${child.stdout}\n${child.stderr}`);
  const resolved = readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split('\t'));
  return { result: JSON.parse(line!), resolved };
}

const dawnModules = (resolved: string[][]) =>
  resolved.filter(([specifier, url]) => specifier === 'webgpu' || url.includes('/node_modules/webgpu/'));
const backendChunks = (bundle: Bundle, resolved: string[][]) => resolved.filter(([, url]) => bundle.gpuChunks.includes(url));

let bundle: Bundle;
test.before(async () => {
  bundle = await bundleChild();
});
test.after(() => {
  rmSync(bundle.dir, { recursive: true, force: true });
});

test('in a bundle of the engine the CPU backend is a static import, the WebGPU backend a lazy one in its own file', () => {
  const closure = staticClosure(bundle.metafile, bundle.entryInput);
  assert.ok(closure.has('engine/backend/cpu/index.ts'), 'the CPU backend is not a static import');
  assert.equal([...closure].filter((p) => isWebGpuBackend(p) || p === 'webgpu'), [], 'statically imported');
  const edge = bundle.metafile.inputs['engine/runtime.ts'].imports.find((e) => e.path === 'engine/backend/webgpu/index.ts');
  assert.is(edge?.kind, 'dynamic-import');
  assert.ok(bundle.gpuChunks.length >= 1, 'no file of the bundle holds the WebGPU backend');
  assert.not.ok(bundle.gpuChunks.includes(moduleUrl(resolve(ROOT, bundle.entryOutput))), "the WebGPU backend is in the entry's file");
});

test('a CPU run (a matmul and its gradient) loads neither the WebGPU backend nor the webgpu package', () => {
  const { result, resolved } = runChild(bundle, 'cpu');
  // y = a b = [[1*5 + 2*7, 1*6 + 2*8], [3*5 + 4*7, 3*6 + 4*8]]; d sum(a b) / da = ones (2, 2) b^T
  assert.is(result.backend, 'cpu');
  assert.equal(result.y, [19, 22, 43, 50]);
  assert.equal(result.da, [5 + 6, 7 + 8, 5 + 6, 7 + 8]);
  const entryUrl = moduleUrl(join(bundle.dir, 'out', 'entry.mjs'));
  assert.ok(resolved.some(([, url]) => url === entryUrl), `the hooks did not see the entry:\n${resolved.join('\n')}`);
  assert.equal(dawnModules(resolved), [], 'the webgpu package was loaded on the CPU path');
  assert.equal(backendChunks(bundle, resolved), [], 'the WebGPU backend was loaded on the CPU path');
});

test('asking for WebGPU loads both (with or without an adapter): the control for the test above', () => {
  const { result, resolved } = runChild(bundle, 'webgpu');
  assert.equal(result.y, [19, 22, 43, 50]);
  assert.ok(dawnModules(resolved).length > 0, `webgpu() did not load the webgpu package (${result.gpuError})`);
  assert.ok(backendChunks(bundle, resolved).length > 0, 'webgpu() did not load the WebGPU backend');
});

test.run();
