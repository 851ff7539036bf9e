// The WebGPU runtime: debug mode names the kernel that produced a NaN, validation errors name the kernel,
// the buffer pool reuses storage, and memory is flat across repeated work.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from '../engine/index.js';
import { assertClose } from './lib/check.js';
import { sizeClass } from '../engine/backend/webgpu/index.js';
import { registerGpuKernel } from '../engine/backend/webgpu/registry.js';
import type { KernelName } from '../engine/backend/contracts.js';

test('debug mode names the first kernel that produced NaN', async () => {
  const gpu = await E.webgpu();
  gpu.setDebug(true);
  try {
    const x = E.tensor([1, -1, 4], [3], gpu);
    const y = E.sqrt(x); // sqrt(-1) = NaN: the first non-finite output
    const z = E.exp(y);
    let message = '';
    try {
      await z.toArray();
    } catch (error) {
      message = (error as Error).message;
    }
    assert.match(message, /ENGINE_DEBUG: kernel 'unary sqrt' \(output 0\) produced NaN or Inf/);
    // a clean computation passes the check
    assertClose(await E.exp(E.tensor([0, 1], [2], gpu)).toArray(), [1, Math.E], 1e-6);
  } finally {
    gpu.setDebug(false);
  }
});

test('a kernel whose WGSL does not compile fails at the next read, naming the kernel', async () => {
  const gpu = await E.webgpu();
  const name = 'brokenForTest' as KernelName;
  registerGpuKernel(name, {
    label: () => 'broken kernel',
    source: () => '@compute @workgroup_size(1) fn main() { let x: f32 = undefined_name; }',
    workgroups: () => 1,
  } as never);
  const out = E.zeros([1], gpu);
  gpu.run(name, [], [], {} as never);
  let message = '';
  try {
    await out.toArray();
  } catch (error) {
    message = (error as Error).message;
  }
  assert.match(message, /broken kernel/);
  assert.match(message, /undefined_name/);
  // the runtime keeps working afterwards
  assertClose(await E.add(out, 2).toArray(), [2]);
});

test('size classes are at most 1/8 apart and never smaller than asked', () => {
  assert.is(sizeClass(4), 256);
  assert.is(sizeClass(1000), 1024);
  assert.is(sizeClass(1025), 1152);
  for (const bytes of [257, 4096, 5000, 123457]) {
    const cls = sizeClass(bytes);
    assert.ok(cls >= bytes && cls <= bytes * 1.25, `${bytes} -> ${cls}`);
  }
});

test('live buffers are flat across repeated tidy steps; freed buffers are reused', async () => {
  const gpu = await E.webgpu();
  const step = () => E.tidy(() => E.sum(E.exp(E.matmul(E.ones([9, 5], gpu), E.ones([5, 3], gpu)))));
  const first = step();
  await first.toArray();
  first.dispose();
  const after1 = gpu.memory().liveBuffers;
  for (let i = 0; i < 50; i++) {
    const loss = step();
    await loss.item();
    loss.dispose();
  }
  assert.is(gpu.memory().liveBuffers, after1);
});

test('writes are ordered after recorded kernels that read a reused buffer', async () => {
  const gpu = await E.webgpu();
  const a = E.tensor([1, 2, 3], [3], gpu);
  const b = E.mul(a, 10); // recorded, not yet submitted
  a.dispose(); // a's buffer returns to the pool
  const c = E.tensor([7, 8, 9], [3], gpu); // likely reuses a's buffer
  assertClose(await b.toArray(), [10, 20, 30]);
  assertClose(await c.toArray(), [7, 8, 9]);
});

test.after(() => E.releaseDevice());
test.run();
