// The README's MLP example runs and trains to the loss the README states, on WebGPU and on the CPU.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';

function finalLoss(args: string[]): number {
  const run = spawnSync(process.execPath, ['dist/experiments/mlp-example.mjs', ...args], { encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  const match = /step 300: loss ([\d.]+)/.exec(run.stdout);
  assert.ok(match, `no final loss in: ${run.stdout}`);
  return Number(match![1]);
}

test('the MLP example reaches a loss below 0.01 (README: about 0.002) on both backends', () => {
  const gpu = finalLoss([]);
  const cpu = finalLoss(['--cpu']);
  assert.ok(gpu < 0.01, `webgpu final loss ${gpu}`);
  assert.ok(Math.abs(gpu - cpu) <= 1e-3, `webgpu ${gpu} vs cpu ${cpu}`);
});

test.run();
