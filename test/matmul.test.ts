// Matmul: every rung of the kernel ladder (bench/ladder/matmul.ts: the engine's kernels and the rung it
// leaves out), run through withKernel, against the float64 CPU reference on odd shapes (batched, shared
// operands, every transpose combination, N and K multiples of 4 or not, size-1 axes, K = 1); the rule that
// picks the engine's kernel; then gradchecks of the op.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from '../engine/index.js';
import { chooseMatmulKernel, matmulBlocked, matmulNaive, type MatmulKernel } from '../engine/backend/webgpu/matmul.js';
import { withKernel } from '../engine/backend/webgpu/registry.js';
import { bestName as best, hasSubgroups } from '../engine/backend/webgpu/rows.js';
import { matmulLadder, matmulWorkgroupTiled } from '../bench/ladder/matmul.js';
import { HostRandom } from '../engine/random/philox.js';
import { assertClose, checkOp } from './lib/check.js';

interface Shapes {
  a: number[];
  b: number[];
  transA: boolean;
  transB: boolean;
}

/** op(A) (batch, M, K) x op(B) (batch, K, N), each operand batched or shared as `batched` says. */
function shapes(batch: number, M: number, K: number, N: number, transA: boolean, transB: boolean, batched: 'both' | 'a' | 'b'): Shapes {
  const aMatrix = transA ? [K, M] : [M, K];
  const bMatrix = transB ? [N, K] : [K, N];
  return {
    a: batched === 'b' ? aMatrix : [batch, ...aMatrix],
    b: batched === 'a' ? bMatrix : [batch, ...bMatrix],
    transA,
    transB,
  };
}

const cases: [string, Shapes][] = [];
for (const transA of [false, true]) {
  for (const transB of [false, true]) {
    const t = `transA ${transA}, transB ${transB}`;
    cases.push([`2-D 33x129 . 129x65, ${t}`, shapes(1, 33, 129, 65, transA, transB, 'both')]);
    cases.push([`batch 3 with shared B, 19x23 . 23x70, ${t}`, shapes(3, 19, 23, 70, transA, transB, 'a')]);
    cases.push([`batch 2 with shared A, 9x17 . 17x5, ${t}`, shapes(2, 9, 17, 5, transA, transB, 'b')]);
    cases.push([`batch 2 both batched, 70x3 . 3x66, ${t}`, shapes(2, 70, 3, 66, transA, transB, 'both')]);
    // N % 4 == 0 (B read as vec4s by matmul_blocked_vec4) with odd M and K, past one workgroup's columns
    cases.push([`2-D 33x129 . 129x132, ${t}`, shapes(1, 33, 129, 132, transA, transB, 'both')]);
    cases.push([`batch 3 with shared B, 19x23 . 23x12, ${t}`, shapes(3, 19, 23, 12, transA, transB, 'a')]);
    cases.push([`batch 2 with shared A, 9x17 . 17x4, ${t}`, shapes(2, 9, 17, 4, transA, transB, 'b')]);
    cases.push([`batch 2 both batched, 37x20 . 20x68, ${t}`, shapes(2, 37, 20, 68, transA, transB, 'both')]);
  }
}
cases.push(['K = 1: 9x1 . 1x13', shapes(1, 9, 1, 13, false, false, 'both')]);
cases.push(['M = 1: 1x40 . 40x7', shapes(1, 1, 40, 7, false, true, 'both')]);
cases.push(['N = 1: 65x40 . 40x1', shapes(1, 65, 40, 1, true, false, 'both')]);
cases.push(['all ones: 1x1 . 1x1, batch 4', shapes(4, 1, 1, 1, false, false, 'both')]);

/** The kernel parameters E.matmul passes for these shapes. */
function params(s: Shapes) {
  const M = s.transA ? s.a[s.a.length - 1] : s.a[s.a.length - 2];
  const K = s.transA ? s.a[s.a.length - 2] : s.a[s.a.length - 1];
  const N = s.transB ? s.b[s.b.length - 2] : s.b[s.b.length - 1];
  const batch = Math.max(s.a.length === 3 ? s.a[0] : 1, s.b.length === 3 ? s.b[0] : 1);
  return { batch, M, N, K, transA: s.transA, transB: s.transB, aBatchStride: s.a.length === 3 ? M * K : 0, bBatchStride: s.b.length === 3 ? K * N : 0 };
}

async function gpuVersusCpu(rung: string, s: Shapes, seed: number): Promise<void> {
  const random = new HostRandom(seed);
  const values = (shape: number[]) => Array.from({ length: E.sizeOf(shape) }, () => 2 * random.uniform() - 1);
  const [aValues, bValues] = [values(s.a), values(s.b)];
  const gpu = await E.webgpu();
  const results = [];
  for (const backend of [E.cpuBackend(), gpu]) {
    const a = E.fromValues(aValues, s.a, backend);
    const b = E.fromValues(bValues, s.b, backend);
    const out = E.matmul(a, b, { transA: s.transA, transB: s.transB });
    results.push(await out.toArray());
    for (const t of [a, b, out]) t.dispose();
  }
  assertClose(results[1], results[0], 1e-5, 1e-4, `${rung} output`);
}

const supports = (rung: MatmulKernel, s: Shapes) => rung.supports?.(params(s)) ?? true;

for (const rung of matmulLadder) {
  test(`${rung.name}: GPU vs CPU on the odd shapes it computes (a subgroup rung on a device without subgroups: refused)`, async () => {
    await E.webgpu(); // whether a rung runs may depend on the device (subgroups)
    if (rung.name.endsWith('_subgroup') && !hasSubgroups()) {
      await withKernel('matmul', rung, () => assert.throws(() => chooseMatmulKernel(params(cases[0][1])), /on a device without subgroups/));
      return;
    }
    const own = cases.filter(([, s]) => supports(rung, s));
    assert.ok(own.length >= 8, `${rung.name} computes only ${own.length} of the shapes`);
    await withKernel('matmul', rung, async () => {
      for (const [name, s] of own) {
        try {
          await gpuVersusCpu(rung.name, s, 100 + cases.findIndex(([n]) => n === name));
        } catch (error) {
          throw new Error(`${name}: ${(error as Error).message}`);
        }
      }
    });
  });
}

test('the kernel rule: matmul_blocked_vec4 where B (K, N) has N % 4 == 0, else matmul_blocked (their subgroup variants where the device has subgroups); matmul_naive for outputs of at most 2 rows, and of at most 8 columns matmul_blocked would compute', async () => {
  await E.webgpu();
  const p = { batch: 1, M: 64, N: 7, K: 4096, transA: false, transB: false, aBatchStride: 0, bBatchStride: 0 };
  assert.is(chooseMatmulKernel(p).name, 'matmul_naive');
  assert.is(chooseMatmulKernel({ ...p, N: 8, transB: true }).name, 'matmul_naive');
  assert.is(chooseMatmulKernel({ ...p, N: 8 }).name, best('matmul_blocked_vec4'));
  assert.is(chooseMatmulKernel({ ...p, N: 65 }).name, best('matmul_blocked'));
  assert.is(chooseMatmulKernel({ ...p, N: 64, transB: true }).name, best('matmul_blocked'));
  assert.is(chooseMatmulKernel({ ...p, M: 2, N: 2352, transB: true }).name, 'matmul_naive');
  assert.is(chooseMatmulKernel({ ...p, M: 3, N: 2352, transB: true }).name, best('matmul_blocked'));
});

test('withKernel: the variant runs inside the scope only, the previous choice returns after it (also on a throw, and when nested), and a variant is refused a call it cannot compute', async () => {
  const p = { batch: 1, M: 64, N: 64, K: 32, transA: false, transB: false, aBatchStride: 0, bBatchStride: 0 };
  assert.is(chooseMatmulKernel(p).name, best('matmul_blocked_vec4'));
  await withKernel('matmul', matmulWorkgroupTiled, async () => {
    assert.is(chooseMatmulKernel(p).name, 'matmul_workgroup_tiled');
    await withKernel('matmul', matmulNaive, () => assert.is(chooseMatmulKernel(p).name, 'matmul_naive'));
    assert.is(chooseMatmulKernel(p).name, 'matmul_workgroup_tiled');
  });
  assert.is(chooseMatmulKernel(p).name, best('matmul_blocked_vec4'));
  try {
    await withKernel('matmul', matmulBlocked, () => {
      throw new Error('inside');
    });
    assert.unreachable('the throw passes through');
  } catch (error) {
    assert.is((error as Error).message, 'inside');
  }
  assert.is(chooseMatmulKernel(p).name, best('matmul_blocked_vec4'));
  const vec4 = matmulLadder.find((k) => k.name === 'matmul_blocked_vec4')!;
  await withKernel('matmul', vec4, () => {
    assert.throws(() => chooseMatmulKernel({ ...p, transB: true }), /matmul: matmul_blocked_vec4 cannot compute a product with B\^T \(64, 32\)/);
  });
});

test('a hand-worked product: [[1, 2], [3, 4]] x [[5, 6], [7, 8]] = [[19, 22], [43, 50]]', async () => {
  for (const backend of [E.cpuBackend(), await E.webgpu()]) {
    const a = E.fromValues([1, 2, 3, 4], [2, 2], backend);
    const b = E.fromValues([5, 6, 7, 8], [2, 2], backend);
    assertClose(await E.matmul(a, b).toArray(), [19, 22, 43, 50]);
  }
});

test('gradcheck: 2-D 5x7 . 7x3', async () => {
  await checkOp((a, b) => E.matmul(a, b), [{ shape: [5, 7] }, { shape: [7, 3] }]);
});

test('gradcheck: batched 2 x 4x6 . 2 x 6x5', async () => {
  await checkOp((a, b) => E.matmul(a, b), [{ shape: [2, 4, 6] }, { shape: [2, 6, 5] }]);
});

test('gradcheck: batched input with a shared weight, 3 x 4x6 . 6x5', async () => {
  await checkOp((a, b) => E.matmul(a, b), [{ shape: [3, 4, 6] }, { shape: [6, 5] }]);
});

test('gradcheck: shared first operand, 4x6 . 2 x 6x5', async () => {
  await checkOp((a, b) => E.matmul(a, b), [{ shape: [4, 6] }, { shape: [2, 6, 5] }]);
});

for (const [transA, transB] of [
  [true, false],
  [false, true],
  [true, true],
]) {
  test(`gradcheck: transA ${transA}, transB ${transB}, batched with shared B`, async () => {
    const aShape = transA ? [2, 6, 4] : [2, 4, 6];
    const bShape = transB ? [5, 6] : [6, 5];
    await checkOp((a, b) => E.matmul(a, b, { transA, transB }), [{ shape: aShape }, { shape: bShape }]);
  });
}

test('shape errors name the op and the shapes', () => {
  const cpu = E.cpuBackend();
  const a = E.fromValues(new Array(6).fill(0), [2, 3], cpu);
  const b = E.fromValues(new Array(8).fill(0), [4, 2], cpu);
  assert.throws(() => E.matmul(a, b), /matmul: cannot multiply \[2, 3\] by \[4, 2\] \(inner sizes differ\)/);
});

test.after(() => E.releaseDevice());
test.run();
