// Runs every built test file (dist/test/**/*.test.mjs) with uvu, one file per process so a crash
// names its file, and closes with the line CI reads: `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...testFiles(path));
    else if (name.endsWith('.test.mjs')) out.push(path);
  }
  return out;
}

const filter = process.argv[2];
let passed = 0;
let failed = 0;
for (const file of testFiles('dist/test')) {
  if (filter && !file.includes(filter)) continue;
  const result = spawnSync(process.execPath, ['--enable-source-maps', file], { encoding: 'utf8' });
  const output = (result.stdout ?? '') + (result.stderr ?? '');
  process.stdout.write(`\n# ${file}\n${output}`);
  const total = Number(/Total:\s+(\d+)/.exec(output)?.[1] ?? 0);
  const ok = Number(/Passed:\s+(\d+)/.exec(output)?.[1] ?? 0);
  passed += ok;
  failed += total - ok;
  if (result.status !== 0 && total === ok) failed += 1; // crashed outside a test
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
