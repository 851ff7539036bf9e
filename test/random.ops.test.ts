// Random tensors: the engine's stream gives the same numbers on both backends, draw after draw.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from '../engine/index.js';
import { uniform } from '../engine/random/philox.js';
import { assertClose } from './lib/check.js';

async function drawAll(backend: E.Tensor['backend']) {
  E.manualSeed(42);
  const u = await E.rand([5, 7], { backend, low: -1, high: 3 }).toArray();
  const n = await E.randn([33], { backend, mean: 1, std: 2 }).toArray();
  const g = await E.randGumbel([129], { backend }).toArray();
  return { u, n, g };
}

test('rand, randn, randGumbel: same stream on CPU and WebGPU', async () => {
  const gpu = await E.webgpu();
  const cpu = await drawAll(E.cpuBackend());
  const dev = await drawAll(gpu);
  assertClose(dev.u, cpu.u, 1e-6, 0);
  assertClose(dev.n, cpu.n, 1e-5, 1e-5);
  assertClose(dev.g, cpu.g, 1e-5, 1e-5);
});

test('rand is the documented Philox stream: first draw after manualSeed is block 0', async () => {
  E.manualSeed(7);
  const u = await E.rand([6], { backend: E.cpuBackend() }).toArray();
  assertClose(u, uniform(7, 0, 6), 0, 0);
  // the next draw continues at block ceil(6 / 4) = 2
  const next = await E.rand([4], { backend: E.cpuBackend() }).toArray();
  assertClose(next, uniform(7, 2, 4), 0, 0);
});

test('an explicit seed leaves the engine stream untouched', async () => {
  E.manualSeed(1);
  const a = await E.rand([3], { backend: E.cpuBackend(), seed: 99 }).toArray();
  const b = await E.rand([3], { backend: E.cpuBackend() }).toArray();
  assertClose(a, uniform(99, 0, 3), 0, 0);
  assertClose(b, uniform(1, 0, 3), 0, 0);
  assert.throws(() => E.manualSeed(-1), /manualSeed: seed must be a uint32/);
});

test.after(() => E.releaseDevice());
test.run();
