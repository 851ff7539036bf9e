// The tour (experiments/tour.ts) runs in CI: it walks a tiny network forward and backward on both backends,
// its gradients agree (the float64 CPU backend is the oracle, checked inside the tour), every WGSL file it
// names exists, and the ops a reader follows in docs/engine.md appear with the kernel that implements them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

test('npm run tour: both backends walked, WebGPU gradients within 1e-3 of the CPU, every shader file real', () => {
  const run = spawnSync(process.execPath, ['dist/experiments/tour.mjs'], { encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  const out = run.stdout;
  assert.match(out, /^forward on cpu:$/m);
  assert.match(out, /^backward on webgpu \(loss\.backward\(\), node by node\):$/m);
  const agreement = /within (\S+) \(relative\) of the CPU backend/.exec(out);
  assert.ok(agreement && Number(agreement[1]) < 1e-3, 'gradient agreement line');
  const files = [...out.matchAll(/ (shaders\/\S+\.wgsl)$/gm)].map((m) => m[1]);
  assert.ok(files.length >= 10, `shader files named: ${files.length}`);
  for (const file of files) assert.ok(existsSync(file), file);
  for (const expected of [
    /E\.conv2d.*autograd node: conv2d\n\s+kernel conv2d\s+conv2d_implicit_gemm(_subgroup)? \S+\s+shaders\/conv2d_implicit_gemm\.wgsl/,
    /node relu\s.*\n\s+kernel binary\s+binary reluBackward/,
    /node conv2d\s.*\n\s+kernel conv2dWeightGrad\s+conv2d_weight_grad_implicit_gemm/,
  ]) {
    assert.match(out, expected);
  }
});

test.run();
