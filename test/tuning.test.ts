// Per-adapter tuning: every candidate of every tunable kernel agrees with the CPU reference, a table's
// choice is the one a call runs, the table survives the file round trip, and a bad table is refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from '../engine/index.js';
import { GEMM_TILE_CANDIDATES, WINOGRAD, chooseConvKernel, defaultGemmTile, tileName } from '../engine/backend/webgpu/conv.js';
import { chooseMatmulKernel } from '../engine/backend/webgpu/matmul.js';
import { gpuKernels } from '../engine/backend/webgpu/registry.js';
import { bestName as best, bestSharing, hasSubgroups } from '../engine/backend/webgpu/rows.js';
import { adapterTable, candidatesFor, setTuningTable, tuningKey, tuningTable } from '../engine/backend/webgpu/tuning.js';
import { conv2dGeometry } from '../engine/ops/conv.js';
import { checkOp } from './lib/check.js';

const TOLERANCE = { atol: 1e-4, rtol: 1e-4, noFiniteDifferences: true };
const CONV_KERNELS = ['conv2d', 'convTranspose2d', 'conv2dWeightGrad'] as const;

/** conv2d's geometry for x and w shapes (stride and padding as given). */
function geometry(x: number[], w: number[], options: E.Conv2dOptions) {
  const cpu = E.cpuBackend();
  return conv2dGeometry(E.zeros(x, cpu), E.zeros(w, cpu), null, options);
}

/** A table choosing `candidate` for the classes of the passes of the conv on these shapes that offer it. */
function tableFor(x: number[], w: number[], options: E.Conv2dOptions, candidate: string) {
  const g = geometry(x, w, options);
  const kernels = CONV_KERNELS.filter((kernel) => candidatesFor(kernel, g).includes(candidate));
  return Object.fromEntries(kernels.map((kernel) => [tuningKey(kernel, g), candidate]));
}

test('every conv candidate agrees with the CPU reference (forward, input and weight gradients)', async () => {
  const cases: [number[], number[], E.Conv2dOptions][] = [
    [[2, 5, 5, 9], [19, 5, 3, 3], { padding: 1 }],
    [[1, 6, 7, 5], [7, 6, 4, 4], { stride: 2, padding: 1 }],
  ];
  try {
    for (const candidate of [...GEMM_TILE_CANDIDATES, WINOGRAD]) {
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
  const strided = { ...geometry([4, 32, 8, 8], [64, 32, 3, 3], { stride: 2, padding: 1 }), hasBias: true };
  const thin = { ...geometry([4, 3, 8, 8], [64, 3, 3, 3], { padding: 1 }), hasBias: true };
  setTuningTable({});
  // the rule: Winograd for 3x3 stride-1 convolutions with 16 channels or more on each side, else the implicit GEMM
  assert.is(chooseConvKernel('conv2d', g).name, 'conv2d_winograd_f4');
  assert.is(gpuKernels.conv2d!.label!(strided), `${best('conv2d_implicit_gemm')} ${tileName(defaultGemmTile(64, bestSharing()))}`);
  assert.is(chooseConvKernel('conv2d', thin).name, best('conv2d_implicit_gemm'));
  assert.is(chooseMatmulKernel(matmul).name, best('matmul_blocked'));
  try {
    setTuningTable({ [tuningKey('conv2d', g)]: '64x4x4', [tuningKey('matmul', matmul)]: 'matmul_naive' });
    assert.is(chooseConvKernel('conv2d', g).name, best('conv2d_implicit_gemm'));
    assert.is(gpuKernels.conv2d!.label!(g), `${best('conv2d_implicit_gemm')} 64x4x4`);
    assert.is(chooseMatmulKernel(matmul).name, 'matmul_naive');
    assert.is(chooseMatmulKernel({ ...matmul, M: 7 }).name, best('matmul_blocked'), 'another shape class keeps the default');
    await checkOp((x, w, b) => E.conv2d(x, w, b, { padding: 1 }), [{ shape: [4, 32, 8, 8] }, { shape: [64, 32, 3, 3] }, { shape: [64] }], TOLERANCE);
  } finally {
    setTuningTable({});
  }
});

test('the tuning file: one table per adapter, written atomically and read back the same', async () => {
  const gpu = await E.webgpu();
  const path = join(mkdtempSync(join(tmpdir(), 'tuning-')), 'tuning.json');
  const table = { 'matmul NN 128x512x2048': 'matmul_blocked', 'conv2d 64x2048x256': '8x8x8' };
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

test('matmul tunes among the kernels that can run a class: matmul_blocked_vec4 only where B (K, N) has N % 4 == 0, the subgroup ones only where the device has subgroups; conv adds Winograd on 3x3 stride-1 classes', async () => {
  await E.webgpu();
  const p = { batch: 1, M: 128, N: 512, K: 256, transA: false, transB: false, aBatchStride: 0, bBatchStride: 0 };
  const subgroup = (...names: string[]) => (hasSubgroups() ? names : []);
  assert.equal(candidatesFor('matmul', p), ['matmul_naive', 'matmul_blocked', 'matmul_blocked_vec4', ...subgroup('matmul_blocked_subgroup', 'matmul_blocked_vec4_subgroup')]);
  assert.equal(candidatesFor('matmul', { ...p, transB: true }), ['matmul_naive', 'matmul_blocked', ...subgroup('matmul_blocked_subgroup')]);
  assert.equal(candidatesFor('matmul', { ...p, N: 511 }), ['matmul_naive', 'matmul_blocked', ...subgroup('matmul_blocked_subgroup')]);
  const plain = geometry([4, 32, 8, 8], [64, 32, 3, 3], { padding: 1 });
  assert.equal(candidatesFor('conv2d', plain), [...GEMM_TILE_CANDIDATES, WINOGRAD]);
  assert.equal(candidatesFor('convTranspose2d', plain), [...GEMM_TILE_CANDIDATES, WINOGRAD]);
  assert.equal(candidatesFor('conv2dWeightGrad', plain), [...GEMM_TILE_CANDIDATES, WINOGRAD]);
  assert.equal(candidatesFor('conv2d', { ...plain, strideH: 2 }), GEMM_TILE_CANDIDATES);
});

test('tune() times the candidates that can run the class and records the fastest', async () => {
  const gpu = await E.webgpu();
  const p = { batch: 1, M: 33, N: 40, K: 17, transA: false, transB: true, aBatchStride: 0, bBatchStride: 0 };
  try {
    const { key, choice, ms } = await gpu.tune('matmul', p, 1);
    assert.equal(Object.keys(ms), ['matmul_naive', 'matmul_blocked', ...(hasSubgroups() ? ['matmul_blocked_subgroup'] : [])]);
    assert.ok(Object.keys(ms).includes(choice));
    assert.equal(tuningTable(), { [key]: choice });
    assert.is(chooseMatmulKernel(p).name, choice);
  } finally {
    setTuningTable({});
  }
});

test('a table naming an unknown kernel or candidate is refused, naming the entry', () => {
  assert.throws(
    () => setTuningTable({ 'matmul NN 1x1x1': 'v9' }, 'tuning.json'),
    /tuning.json: 'matmul NN 1x1x1' chooses 'v9', not a candidate of matmul \(have matmul_naive, matmul_blocked, matmul_blocked_vec4, matmul_blocked_subgroup, matmul_blocked_vec4_subgroup\)/,
  );
  assert.throws(() => setTuningTable({ 'softmax 1': 'x' }, 'tuning.json'), /names kernel 'softmax', which is not tunable/);
  assert.throws(() => adapterTable([], 'a', 'tuning.json'), /tuning.json: expected an object of adapter tables/);
});

test.after(() => E.releaseDevice());
test.run();
