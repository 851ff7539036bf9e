// Per-adapter tuning: every candidate of every tunable kernel agrees with the CPU reference, a table's
// choice is the one a call runs, the table survives the file round trip, and a bad table is refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from '../engine/index.js';
import { GEMM_TILE_CANDIDATES, chooseConvVersion, defaultGemmTile, tileName } from '../engine/backend/webgpu/conv.js';
import { chooseMatmulVersion } from '../engine/backend/webgpu/matmul.js';
import { gpuKernels } from '../engine/backend/webgpu/registry.js';
import { adapterTable, setTuningTable, tuningKey, tuningTable } from '../engine/backend/webgpu/tuning.js';
import { conv2dGeometry } from '../engine/ops/conv.js';
import { checkOp } from './lib/check.js';

const TOLERANCE = { atol: 1e-4, rtol: 1e-4, noFiniteDifferences: true };
const CONV_KERNELS = ['conv2d', 'convTranspose2d', 'conv2dWeightGrad'] as const;

/** conv2d's geometry for x and w shapes (stride and padding as given). */
function geometry(x: number[], w: number[], options: E.Conv2dOptions) {
  const cpu = E.cpuBackend();
  return conv2dGeometry(E.zeros(x, cpu), E.zeros(w, cpu), null, options);
}

/** A table choosing `candidate` for the classes of all three passes of the conv on these shapes. */
function tableFor(x: number[], w: number[], options: E.Conv2dOptions, candidate: string) {
  const g = geometry(x, w, options);
  return Object.fromEntries(CONV_KERNELS.map((kernel) => [tuningKey(kernel, g), candidate]));
}

test('every conv blocking candidate agrees with the CPU reference (forward, input and weight gradients)', async () => {
  const cases: [number[], number[], E.Conv2dOptions][] = [
    [[2, 5, 5, 9], [19, 5, 3, 3], { padding: 1 }],
    [[1, 6, 7, 5], [7, 6, 4, 4], { stride: 2, padding: 1 }],
  ];
  try {
    for (const candidate of GEMM_TILE_CANDIDATES) {
      for (const [x, w, options] of cases) {
        setTuningTable(tableFor(x, w, options, candidate));
        await checkOp((xt, wt, b) => E.conv2d(xt, wt, b, options), [{ shape: x }, { shape: w }, { shape: [w[0]] }], TOLERANCE);
      }
    }
  } finally {
    setTuningTable({});
  }
});

test("a table's choice is the candidate a call runs, and without a table the default rule holds", async () => {
  await E.webgpu();
  const g = { ...geometry([4, 32, 8, 8], [64, 32, 3, 3], { padding: 1 }), hasBias: true };
  const matmul = { batch: 1, M: 128, N: 512, K: 256, transA: false, transB: true, aBatchStride: 128 * 256, bBatchStride: 256 * 512 };
  setTuningTable({});
  assert.is(gpuKernels.conv2d!.label!(g), `conv2d implicit-gemm ${tileName(defaultGemmTile(64))}`);
  assert.is(chooseMatmulVersion(matmul).name, 'v4');
  try {
    setTuningTable({ [tuningKey('conv2d', g)]: '64x4x4', [tuningKey('matmul', matmul)]: 'v3' });
    assert.is(chooseConvVersion('conv2d').name, 'implicit-gemm');
    assert.is(gpuKernels.conv2d!.label!(g), 'conv2d implicit-gemm 64x4x4');
    assert.is(chooseMatmulVersion(matmul).name, 'v3');
    assert.is(chooseMatmulVersion({ ...matmul, M: 7 }).name, 'v4', 'another shape class keeps the default');
    await checkOp((x, w, b) => E.conv2d(x, w, b, { padding: 1 }), [{ shape: [4, 32, 8, 8] }, { shape: [64, 32, 3, 3] }, { shape: [64] }], TOLERANCE);
  } finally {
    setTuningTable({});
  }
});

test('the tuning file: one table per adapter, written atomically and read back the same', async () => {
  const gpu = await E.webgpu();
  const path = join(mkdtempSync(join(tmpdir(), 'tuning-')), 'tuning.json');
  const table = { 'matmul NN 128x512x2048': 'v3', 'conv2d 64x2048x256': '8x8x8' };
  try {
    setTuningTable(table);
    await gpu.saveTuningFile(path);
    const file = JSON.parse(readFileSync(path, 'utf8'));
    assert.equal(Object.keys(file), [gpu.adapterName]);
    assert.equal(adapterTable(file, gpu.adapterName, path), table);
    assert.equal(adapterTable(file, 'another adapter', path), {});
  } finally {
    setTuningTable({});
  }
  assert.equal(tuningTable(), {});
});

test('a table naming an unknown kernel or candidate is refused, naming the entry', () => {
  assert.throws(() => setTuningTable({ 'matmul NN 1x1x1': 'v9' }, 'tuning.json'), /tuning.json: 'matmul NN 1x1x1' chooses 'v9', not a candidate of matmul \(have v1, v2, v3, v4\)/);
  assert.throws(() => setTuningTable({ 'softmax 1': 'x' }, 'tuning.json'), /names kernel 'softmax', which is not tunable/);
  assert.throws(() => adapterTable([], 'a', 'tuning.json'), /tuning.json: expected an object of adapter tables/);
});

test.after(() => E.releaseDevice());
test.run();
