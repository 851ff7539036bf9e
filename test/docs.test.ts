// docs/engine.md against the file system, its oracle: every folder of engine/ and every file at engine/'s top
// level is named on the page (so a new folder cannot go undescribed), every path it names exists (so a renamed
// or deleted file cannot linger there), and its excerpt of `npm run tour` is still what the tour prints.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

const DOC = 'docs/engine.md';
const doc = readFileSync(DOC, 'utf8');

/** The repository's folders a path on the page may start with; `runs/` and `dist/` are outputs, not sources. */
const ROOTS = ['engine', 'shaders', 'bench', 'test', 'experiments', 'models', 'docs'];
/** Files named without a folder, or relative to one (`ops/shape.ts`), are looked up by these extensions. */
const FILE_EXTENSIONS = ['ts', 'wgsl', 'md'];

/** Every path under `dir` (files and folders), with '/' separators. */
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = posix.join(dir, name);
    out.push(path);
    if (statSync(path).isDirectory()) out.push(...walk(path));
  }
  return out;
}

/** Whether `text` holds `name` whole: not the end of a longer name or of a path in another folder. */
function mentions(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\w./-])${escaped}(?![\\w-])`).test(text);
}

/** A glob of the page (`bench/results/*.md`, `*_vec4.wgsl`) as a pattern over whole paths or path suffixes. */
function globPattern(glob: string, anchored: boolean): RegExp {
  const body = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(anchored ? `^${body}$` : `(^|/)${body}$`);
}

const repoFiles = ROOTS.filter((root) => existsSync(root)).flatMap((root) => [root, ...walk(root)]);

test('every folder of engine/ and every file at its top level is named in docs/engine.md', () => {
  const missing: string[] = [];
  for (const path of walk('engine')) {
    const relative = path.slice('engine/'.length);
    if (statSync(path).isDirectory()) {
      // `engine/backend/cpu` or `backend/cpu/` (a folder named relative to engine/)
      if (!mentions(doc, path) && !mentions(doc, `${relative}/`)) missing.push(`${path}/`);
    } else if (!relative.includes('/')) {
      // `engine/tensor.ts`, or `tensor.ts` on its own (not `ops/tensor.ts`)
      if (!mentions(doc, path) && !mentions(doc, relative)) missing.push(path);
    }
  }
  assert.equal(missing, [], `${DOC} does not describe: ${missing.join(', ')}`);
});

test('every path docs/engine.md names exists', () => {
  // Paths from a root folder must exist as written: engine/ops/conv.ts, shaders/*.wgsl, bench/ladder/.
  const rooted = [...doc.matchAll(new RegExp(`(?<![\\w./-])((?:${ROOTS.join('|')})/[\\w./*-]*)`, 'g'))].map((m) =>
    m[1].replace(/[.,:;]+$/, ''),
  );
  // Other file names (`ops/shape.ts`, `registry.ts`, `*_vec4.wgsl`) must be the end of some file's path.
  const extensions = FILE_EXTENSIONS.join('|');
  const relative = [...doc.matchAll(new RegExp(`(?<![\\w./-])([\\w*-][\\w.*-]*(?:/[\\w.*-]+)*\\.(?:${extensions}))(?![\\w/])`, 'g'))]
    .map((m) => m[1])
    .filter((name) => !ROOTS.some((root) => name.startsWith(`${root}/`)));
  assert.ok(rooted.length >= 50 && relative.length >= 50, `few paths found (${rooted.length} rooted, ${relative.length} relative): is the pattern right?`);

  const missing: string[] = [];
  for (const path of new Set(rooted)) {
    const found = path.includes('*') ? repoFiles.some((f) => globPattern(path, true).test(f)) : existsSync(path);
    if (!found) missing.push(path);
  }
  for (const name of new Set(relative)) {
    const pattern = globPattern(name, false);
    if (!repoFiles.some((f) => pattern.test(f)) && !existsSync(name)) missing.push(name);
  }
  assert.equal(missing, [], `${DOC} names paths that do not exist: ${missing.join(', ')}`);
});

test("the page's excerpt of npm run tour is what the tour prints", () => {
  const block = /```\n\$ npm run tour\n([\s\S]*?)```/.exec(doc);
  assert.ok(block, `${DOC} has no block starting with '$ npm run tour'`);
  // Without a tuning table or switches from the caller's environment, the tour runs the engine's defaults.
  const env: NodeJS.ProcessEnv = { ...process.env, ENGINE_TUNING_FILE: join('test', 'no-such-tuning.json') };
  for (const name of ['ENGINE_TUNE', 'ENGINE_PROFILE', 'ENGINE_DEBUG']) delete env[name];
  const run = spawnSync(process.execPath, ['dist/experiments/tour.mjs'], { encoding: 'utf8', env });
  assert.is(run.status, 0, run.stderr);
  // Columns may be padded differently and the backends' agreement differs from adapter to adapter.
  const normalise = (line: string) => line.trim().replace(/\s+/g, ' ').replace(/\d\.\de-\d+/g, '<n>');
  const printed = new Set(run.stdout.split('\n').map(normalise));
  const lines = block![1].split('\n').filter((line) => line.trim() !== '' && line.trim() !== '...');
  assert.ok(lines.length >= 20, `the excerpt has ${lines.length} lines`);
  const stale = lines.filter((line) => !printed.has(normalise(line)));
  assert.equal(stale, [], `lines of the excerpt in ${DOC} that the tour no longer prints:\n${stale.join('\n')}`);
});

test.run();
