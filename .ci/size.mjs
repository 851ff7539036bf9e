// The size check: prints the lines of TypeScript and WGSL per folder, and fails when engine/ passes
// ENGINE_LIMIT lines or an experiment script takes more than FLAG_LIMIT flags of its own (those its `--help`
// lists under "flags of <script>:", after the common ones of experiments/lib/command.ts). Run after the build.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ENGINE_LIMIT = 6600; // 6,500 until the Winograd convolutions (engine/backend/webgpu/winograd.ts) came in
const FLAG_LIMIT = 12;
const FOLDERS = ['engine', 'shaders', 'models', 'experiments', 'bench', 'test'];

function lines(dir) {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) total += lines(path);
    else if (/\.(ts|wgsl)$/.test(name)) total += readFileSync(path, 'utf8').split('\n').length - 1;
  }
  return total;
}

const problems = [];
console.log('lines of TypeScript and WGSL per folder:');
for (const folder of FOLDERS) {
  const count = lines(folder);
  console.log(`  ${folder.padEnd(12)} ${String(count).padStart(6)}`);
  if (folder === 'engine' && count > ENGINE_LIMIT) problems.push(`engine/ has ${count} lines, over the limit of ${ENGINE_LIMIT}`);
}
console.log(`flags of their own per experiment script (limit ${FLAG_LIMIT}):`);
for (const file of readdirSync('experiments').filter((name) => name.endsWith('.ts')).sort()) {
  const script = join('dist', 'experiments', file.replace(/\.ts$/, '.mjs'));
  const help = execFileSync(process.execPath, [script, '--help'], { encoding: 'utf8' });
  const section = help.split(/^flags of [^:]+:$/m)[1]?.split(/\n\n/)[0] ?? '';
  const own = [...section.matchAll(/^ {2}--([a-z][a-z0-9-]*)/gm)].map((match) => match[1]);
  console.log(`  ${file.padEnd(20)} ${String(own.length).padStart(3)}  ${own.join(' ')}`);
  if (own.length > FLAG_LIMIT) problems.push(`experiments/${file} takes ${own.length} flags of its own, over the limit of ${FLAG_LIMIT}`);
}
for (const problem of problems) console.error(`size check: ${problem}`);
process.exitCode = problems.length > 0 ? 1 : 0;
