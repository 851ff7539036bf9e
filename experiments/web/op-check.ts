// A subset of the op suite run inside a page: each op's forward values and input gradients on WebGPU
// against the float64 CPU backend (the specification), on odd shapes, as test/lib/check.ts does under
// Node. The browser tests (test/browser.test.ts) call it through window.playground.checkOps().
import * as E from '../../engine/index.js';
import { HostRandom } from '../../engine/random/philox.js';

const TOLERANCE = { atol: 1e-4, rtol: 1e-4 };

interface OpCase {
  name: string;
  f: (...xs: E.Tensor[]) => E.Tensor;
  shapes: number[][];
}

const CASES: OpCase[] = [
  { name: 'add, [3, 1, 5] + [4, 1] broadcast', f: (a, b) => E.add(a, b), shapes: [[3, 1, 5], [4, 1]] },
  { name: 'mul [6, 10] (four per thread)', f: (a, b) => E.mul(a, b), shapes: [[6, 10], [6, 10]] },
  { name: 'relu [7, 33]', f: (x) => E.relu(x), shapes: [[7, 33]] },
  { name: 'sigmoid [7, 33]', f: (x) => E.sigmoid(x), shapes: [[7, 33]] },
  { name: 'where(x > 0, x, y) [5, 9]', f: (x, y) => E.where(E.gt(x, 0), x, y), shapes: [[5, 9], [5, 9]] },
  { name: 'sum over axes [0, 2] of [3, 7, 5]', f: (x) => E.sum(x, [0, 2]), shapes: [[3, 7, 5]] },
  { name: 'max over axis 1 of [3, 7, 5]', f: (x) => E.max(x, 1), shapes: [[3, 7, 5]] },
  { name: 'logSoftmax [4, 9]', f: (x) => E.logSoftmax(x), shapes: [[4, 9]] },
  { name: 'matmul [33, 129] x [65, 129]^T', f: (a, b) => E.matmul(a, b, { transB: true }), shapes: [[33, 129], [65, 129]] },
  { name: 'conv2d [2, 5, 7, 9] * [11, 5, 3, 3], stride 2, padding 1', f: (x, w, b) => E.conv2d(x, w, b, { stride: 2, padding: 1 }), shapes: [[2, 5, 7, 9], [11, 5, 3, 3], [11]] },
  { name: 'convTranspose2d [2, 5, 5, 7] * [5, 3, 4, 4], stride 2, padding 1', f: (x, w, b) => E.convTranspose2d(x, w, b, { stride: 2, padding: 1 }), shapes: [[2, 5, 5, 7], [5, 3, 4, 4], [3]] },
  { name: 'maxPool2d kernel 2 [2, 3, 6, 8]', f: (x) => E.maxPool2d(x, { kernel: 2 }), shapes: [[2, 3, 6, 8]] },
];

/** The forward values and input gradients (of sum(weights * f)) of one case on one backend. */
async function evaluate(c: OpCase, values: number[][], weights: number[], backend: E.Tensor['backend']): Promise<ArrayLike<number>[]> {
  const inputs = values.map((v, i) => E.fromValues(v, c.shapes[i], backend).requireGrad());
  const out = c.f(...inputs);
  const results: ArrayLike<number>[] = [await out.toArray()];
  out.backward(E.fromValues(weights.slice(0, out.size), out.shape, backend));
  for (const x of inputs) results.push(await x.grad!.toArray());
  for (const t of [...inputs, out]) t.dispose();
  return results;
}

/** Runs every case on WebGPU and on the CPU backend; the largest error of each and whether it is within tolerance. */
export async function checkOps(): Promise<{ name: string; maxError: number; ok: boolean }[]> {
  const gpu = await E.webgpu();
  const random = new HostRandom(2024);
  const rows = [];
  for (const c of CASES) {
    const values = c.shapes.map((shape) => Array.from({ length: E.sizeOf(shape) }, () => 2 * random.uniform() - 1));
    const weights = Array.from({ length: 4096 }, () => 2 * random.uniform() - 1);
    const expected = await evaluate(c, values, weights, E.cpuBackend());
    const actual = await evaluate(c, values, weights, gpu);
    let maxError = 0;
    let ok = true;
    expected.forEach((reference, k) => {
      for (let i = 0; i < reference.length; i++) {
        const error = Math.abs(actual[k][i] - reference[i]);
        maxError = Math.max(maxError, Number.isNaN(error) ? Infinity : error);
        if (!(error <= TOLERANCE.atol + TOLERANCE.rtol * Math.abs(reference[i]))) ok = false;
      }
    });
    rows.push({ name: c.name, maxError, ok });
  }
  return rows;
}
