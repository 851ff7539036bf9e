// The kernel profiler (ENGINE_PROFILE=1): its table counts every kernel call by label, with the counts of a
// hand-written sequence, times them (GPU timestamps here), and divides the dispatches by the marked steps.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from '../engine/index.js';
import { bestName as best } from '../engine/backend/webgpu/rows.js';

/** The table's row for `label`: calls, total ms, GFLOP/s cell. */
function row(report: string, label: string): { calls: number; ms: number; gflops: string } {
  const line = report.split('\n').find((l) => l.startsWith(`${label}  `));
  assert.ok(line, `no row '${label}' in:\n${report}`);
  const cells = line!.slice(label.length).trim().split(/\s+/);
  return { calls: Number(cells[0]), ms: Number(cells[1]), gflops: cells[4] };
}

test('the table counts each kernel call, times it, and divides dispatches by the marked steps', async () => {
  const gpu = await E.webgpu();
  await E.setBackend('webgpu');
  const a = E.keep(E.rand([64, 32]));
  const b = E.keep(E.rand([32, 48]));
  await E.flush();
  gpu.setProfile(true);
  try {
    // per step: one matmul, one add of a scalar (a fill for the 0-d 1, then the add), one relu
    for (let step = 0; step < 3; step++) {
      E.tidy(() => {
        E.relu(E.add(E.matmul(a, b), 1));
      });
      gpu.markStep();
    }
    await E.flush();
    const report = gpu.profileReport()!;
    assert.match(report, /timed by GPU timestamps|waiting on each dispatch/);
    assert.is(row(report, `${best('matmul_blocked_vec4')} 8x16x8`).calls, 3);
    assert.is(row(report, 'binary add vec4').calls, 3);
    assert.is(row(report, 'unary relu vec4').calls, 3);
    assert.is(row(report, 'fill').calls, 3);
    assert.ok(row(report, `${best('matmul_blocked_vec4')} 8x16x8`).ms > 0, 'matmul time');
    assert.ok(Number(row(report, `${best('matmul_blocked_vec4')} 8x16x8`).gflops) > 0, 'matmul GFLOP/s');
    assert.is(row(report, 'unary relu vec4').gflops, '-', 'no FLOP count for elementwise kernels');
    assert.match(report, /3 training steps; everything profiled \(evaluation too\) per step: 4\.0 dispatches/);
  } finally {
    gpu.setProfile(false);
    a.dispose();
    b.dispose();
  }
});

test.after(() => E.releaseDevice());
test.run();
