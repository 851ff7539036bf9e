// Convolution family: hand-worked PyTorch-definition cases (values and output sizes), gradcheck on odd
// shapes, GPU vs CPU agreement (forward and every gradient), the conv/transposed-conv adjoint identity,
// and the error messages raised before any kernel runs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from '../engine/index.js';
import { checkOp, assertClose } from './lib/check.js';
import type { Backend } from '../engine/backend/backend.js';
import type { ConvKernelName } from '../engine/backend/webgpu/conv.js';
import { withKernel } from '../engine/backend/webgpu/registry.js';
import { WINOGRAD_LIMITS } from '../engine/backend/webgpu/winograd.js';
import { convLadder, strategyOf } from '../bench/ladder/conv.js';

// float32 sums of up to ~171 products of values in (-2, 2) (the Winograd F(4x4) ones through its transforms)
const GPU_TOLERANCE = { atol: 1e-4, rtol: 1e-4 };

async function backends(): Promise<Backend[]> {
  return [E.cpuBackend(), await E.webgpu()];
}

// ---- hand-worked values -------------------------------------------------------------------------

// x = 1 2 3     w = 1 2
//     4 5 6         3 4
//     7 8 9
const X3 = [1, 2, 3, 4, 5, 6, 7, 8, 9];
const W2 = [1, 2, 3, 4];

test('conv2d: 3x3 input, 2x2 kernel, by hand (plain, bias, stride 2 + padding 1, dilation 2)', async () => {
  for (const backend of await backends()) {
    const x = E.tensor(X3, [1, 1, 3, 3], backend);
    const w = E.tensor(W2, [1, 1, 2, 2], backend);
    // y[0,0] = 1*1 + 2*2 + 4*3 + 5*4 = 37, then shifted one pixel right / down
    const plain = E.conv2d(x, w);
    assert.equal(plain.shape, [1, 1, 2, 2]);
    assertClose(await plain.toArray(), [37, 47, 67, 77]);
    assertClose(await E.conv2d(x, w, E.tensor([1], [1], backend)).toArray(), [38, 48, 68, 78]);
    // padded to 5x5, windows start at original (-1,-1), (-1,1), (1,-1), (1,1):
    //   (-1,-1): only x(0,0)=1 under w(1,1)=4 -> 4;   (-1,1): 2*3 + 3*4 = 18
    //   (1,-1): 4*2 + 7*4 = 36;                       (1,1): 5*1 + 6*2 + 8*3 + 9*4 = 77
    const strided = E.conv2d(x, w, null, { stride: 2, padding: 1 });
    assert.equal(strided.shape, [1, 1, 2, 2]); // floor((3 + 2 - 1 - 1)/2) + 1 = 2
    assertClose(await strided.toArray(), [4, 18, 36, 77]);
    // dilation 2 spreads the taps to the corners: 1*1 + 3*2 + 7*3 + 9*4 = 64
    const dilated = E.conv2d(x, w, null, { dilation: 2 });
    assert.equal(dilated.shape, [1, 1, 1, 1]);
    assertClose(await dilated.toArray(), [64]);
  }
});

test('conv2d and convTranspose2d: channel layouts (C_out, C_in) and (C_in, C_out) on 1x1 maps', async () => {
  for (const backend of await backends()) {
    const x = E.tensor([1, 10], [1, 2, 1, 1], backend);
    // conv2d w (3, 2): y[co] = w[co,0] + 10 w[co,1]
    assertClose(await E.conv2d(x, E.tensor([1, 2, 3, 4, 5, 6], [3, 2, 1, 1], backend)).toArray(), [21, 43, 65]);
    // convTranspose2d w (2, 3): y[co] = w[0,co] + 10 w[1,co]
    assertClose(await E.convTranspose2d(x, E.tensor([1, 2, 3, 4, 5, 6], [2, 3, 1, 1], backend)).toArray(), [41, 52, 63]);
  }
});

test('convTranspose2d: 2x2 input, 2x2 kernel, by hand (stride 1, stride 2, stride 2 + padding 1 + outputPadding 1)', async () => {
  for (const backend of await backends()) {
    const x = E.tensor([1, 2, 3, 4], [1, 1, 2, 2], backend);
    const w = E.tensor(W2, [1, 1, 2, 2], backend);
    // stride 1: each x pixel adds x * w at its own offset; overlaps add: centre = 1*4 + 2*3 + 3*2 + 4*1
    const overlapping = E.convTranspose2d(x, w);
    assert.equal(overlapping.shape, [1, 1, 3, 3]); // (2-1)*1 + (2-1) + 1
    assertClose(await overlapping.toArray(), [1, 4, 4, 6, 20, 16, 9, 24, 16]);
    // stride 2: the four pasted 2x2 blocks x*w tile a 4x4 map without overlap
    const tiled = E.convTranspose2d(x, w, null, { stride: 2 });
    assert.equal(tiled.shape, [1, 1, 4, 4]);
    assertClose(await tiled.toArray(), [1, 2, 2, 4, 3, 4, 6, 8, 3, 6, 4, 8, 9, 12, 12, 16]);
    // padding 1 crops one row/column at each side of that 4x4 map; outputPadding 1 adds one back at the
    // bottom/right (zeros there in the full map): (2-1)*2 - 2 + 1 + 1 + 1 = 3, rows/cols 1..3 of the map
    const cropped = E.convTranspose2d(x, w, E.tensor([0.5], [1], backend), { stride: 2, padding: 1, outputPadding: 1 });
    assert.equal(cropped.shape, [1, 1, 3, 3]);
    assertClose(await cropped.toArray(), [4, 6, 8, 6, 4, 8, 12, 12, 16].map((v) => v + 0.5));
  }
});

test('output sizes follow PyTorch: conv 28 -> 14 (k 3, s 2, p 1), transposed 7 -> 14 -> 28 (k 4, s 2, p 1)', () => {
  const cpu = E.cpuBackend();
  const x28 = E.zeros([2, 3, 28, 28], cpu);
  assert.equal(E.conv2d(x28, E.zeros([4, 3, 3, 3], cpu), null, { stride: 2, padding: 1 }).shape, [2, 4, 14, 14]);
  assert.equal(E.conv2d(x28, E.zeros([4, 3, 4, 4], cpu), null, { stride: 2, padding: 1 }).shape, [2, 4, 14, 14]);
  assert.equal(E.conv2d(x28, E.zeros([4, 3, 3, 2], cpu), null, { stride: [1, 2], padding: [0, 1], dilation: [2, 1] }).shape, [2, 4, 24, 15]);
  const w = E.zeros([3, 5, 4, 4], cpu);
  const up14 = E.convTranspose2d(E.zeros([2, 3, 7, 7], cpu), w, null, { stride: 2, padding: 1 });
  assert.equal(up14.shape, [2, 5, 14, 14]);
  assert.equal(E.convTranspose2d(E.zeros([2, 3, 14, 14], cpu), w, null, { stride: 2, padding: 1 }).shape, [2, 5, 28, 28]);
  assert.equal(E.convTranspose2d(E.zeros([2, 3, 7, 7], cpu), E.zeros([3, 5, 3, 3], cpu), null, { stride: 2, padding: 1, outputPadding: 1 }).shape, [2, 5, 14, 14]);
});

test('maxPool2d: ties send the gradient to the first pixel in row-major window order', async () => {
  for (const backend of await backends()) {
    for (const [values, expected] of [
      [[5, 5, 5, 5], [1, 0, 0, 0]],
      [[1, 7, 7, 2], [0, 1, 0, 0]],
      [[1, 2, 7, 7], [0, 0, 1, 0]],
    ]) {
      const x = E.tensor(values, [1, 1, 2, 2], backend).requireGrad();
      const y = E.maxPool2d(x, { kernel: 2 });
      assertClose(await y.toArray(), [Math.max(...values)]);
      y.backward();
      assertClose(await x.grad!.toArray(), expected);
    }
  }
});

test('avgPool2d: padding counts in the divisor (count_include_pad), by hand', async () => {
  for (const backend of await backends()) {
    // 2x2 input, kernel 2, stride 2, padding 1: each window holds one real pixel and three padded zeros
    const y = E.avgPool2d(E.tensor([1, 2, 3, 4], [1, 1, 2, 2], backend), { kernel: 2, padding: 1 });
    assert.equal(y.shape, [1, 1, 2, 2]);
    assertClose(await y.toArray(), [0.25, 0.5, 0.75, 1]);
  }
});

test('upsample2d: nearest and bilinear (align_corners = false), by hand', async () => {
  for (const backend of await backends()) {
    const x = E.tensor([0, 4], [1, 1, 1, 2], backend);
    assertClose(await E.upsample2d(x, { scale: 2 }).toArray(), [0, 0, 4, 4, 0, 0, 4, 4]);
    // source columns (ox + 0.5)/2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (-> last pixel)
    const bilinear = E.upsample2d(x, { scale: 2, mode: 'bilinear' });
    assert.equal(bilinear.shape, [1, 1, 2, 4]);
    assertClose(await bilinear.toArray(), [0, 1, 3, 4, 0, 1, 3, 4]);
  }
});

test('conv2d and convTranspose2d are adjoint: <conv2d(x, w), y> = <x, convTranspose2d(y, w)>', async () => {
  for (const backend of await backends()) {
    const options = { stride: 2, padding: 1, dilation: 2 };
    const x = E.randn([2, 3, 8, 10], { backend }); // -> 3x4, and back to 8x10 with outputPadding 1
    const w = E.randn([4, 3, 3, 3], { backend });
    const y = E.randn([2, 4, 3, 4], { backend });
    const left = await E.sum(E.mul(E.conv2d(x, w, null, options), y)).item();
    const right = await E.sum(E.mul(x, E.convTranspose2d(y, w, null, { ...options, outputPadding: 1 }))).item();
    assertClose([left], [right], 1e-3, 1e-4);
  }
});

// ---- gradcheck and GPU vs CPU on odd shapes -----------------------------------------------------

const convCases: [string, (x: E.Tensor, w: E.Tensor, b: E.Tensor) => E.Tensor, number[][]][] = [
  ['conv2d stride 2 padding 1', (x, w, b) => E.conv2d(x, w, b, { stride: 2, padding: 1 }), [[2, 3, 5, 7], [5, 3, 3, 3], [5]]],
  ['conv2d rectangular kernel, stride [2, 1], padding 2, dilation 2', (x, w, b) => E.conv2d(x, w, b, { stride: [2, 1], padding: 2, dilation: 2 }), [[2, 3, 5, 7], [5, 3, 3, 2], [5]]],
  ['conv2d 1x1 kernel (a per-pixel map, as the 1x1 generator)', (x, w, b) => E.conv2d(x, w, b), [[2, 3, 5, 7], [4, 3, 1, 1], [4]]],
  ['conv2d 5 -> 3 channels, 4x4 kernel, stride 2, padding 1', (x, w, b) => E.conv2d(x, w, b, { stride: 2, padding: 1 }), [[1, 5, 5, 7], [3, 5, 4, 4], [3]]],
  ['convTranspose2d stride 2 padding 1 outputPadding 1', (x, w, b) => E.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }), [[2, 3, 5, 7], [3, 5, 3, 3], [5]]],
  ['convTranspose2d 4x4 kernel stride 2 padding 1 (the decoder up-step)', (x, w, b) => E.convTranspose2d(x, w, b, { stride: 2, padding: 1 }), [[2, 5, 5, 7], [5, 3, 4, 4], [3]]],
  ['convTranspose2d rectangular, padding 2, dilation 2, outputPadding 1', (x, w, b) => E.convTranspose2d(x, w, b, { stride: 2, padding: 2, dilation: 2, outputPadding: 1 }), [[1, 3, 5, 7], [3, 5, 2, 3], [5]]],
];

for (const [name, f, [xShape, wShape, bShape]] of convCases) {
  test(`${name}: gradcheck and GPU vs CPU, x ${E.formatShape(xShape)} w ${E.formatShape(wShape)}`, async () => {
    await checkOp(f, [{ shape: xShape }, { shape: wShape }, { shape: bShape }], GPU_TOLERANCE);
  });
}

test('conv2d without bias: gradcheck and GPU vs CPU', async () => {
  await checkOp((x, w) => E.conv2d(x, w, null, { padding: 1 }), [{ shape: [2, 3, 5, 7] }, { shape: [5, 3, 3, 3] }], GPU_TOLERANCE);
});

/**
 * Runs body with the rung of each kernel's ladder (bench/ladder/conv.ts) that has this strategy in place of
 * the engine's choice; a kernel without one keeps the engine's.
 */
async function withStrategy(strategy: string, body: () => Promise<void>): Promise<void> {
  const scoped = kernels.reduceRight<() => Promise<void>>((inner, kernel) => {
    const rung = convLadder[kernel].find((r) => strategyOf(kernel, r) === strategy);
    return rung ? () => withKernel(kernel, rung, inner) : inner;
  }, body);
  try {
    await scoped();
  } catch (error) {
    throw new Error(`the ${strategy} rungs: ${(error as Error).message}`);
  }
}

const kernels = Object.keys(convLadder) as ConvKernelName[];
const strategies = new Set(kernels.flatMap((k) => convLadder[k].map((rung) => strategyOf(k, rung))));
const winograd = (strategy: string) => strategy.startsWith('winograd');

test('every rung of every conv kernel ladder agrees with the CPU reference (forward and gradients)', async () => {
  for (const strategy of [...strategies].filter((s) => !winograd(s))) {
    await withStrategy(strategy, async () => {
      // 5 -> 11 channels: channel tiles with a ragged end; widths 9 and 14: pixel tiles with a ragged end
      await checkOp((x, w, b) => E.conv2d(x, w, b, { stride: [1, 2], padding: 1 }), [{ shape: [2, 5, 3, 9] }, { shape: [11, 5, 3, 3] }, { shape: [11] }], GPU_TOLERANCE);
      await checkOp((x, w, b) => E.convTranspose2d(x, w, b, { stride: 2, padding: 1 }), [{ shape: [1, 5, 3, 7] }, { shape: [5, 11, 4, 4] }, { shape: [11] }], GPU_TOLERANCE);
      // stride phases: stride 3 with output padding (phases of unequal size), stride 1 (one phase), and
      // stride 2 with dilation 2 (odd phases receive no tap at all, only the bias)
      await checkOp((x, w, b) => E.convTranspose2d(x, w, b, { stride: [3, 2], padding: [1, 2], outputPadding: [2, 1] }), [{ shape: [2, 3, 3, 4] }, { shape: [3, 5, 4, 5] }, { shape: [5] }], GPU_TOLERANCE);
      await checkOp((x, w, b) => E.convTranspose2d(x, w, b, { stride: 1, padding: [1, 0] }), [{ shape: [1, 4, 4, 5] }, { shape: [4, 9, 3, 2] }, { shape: [9] }], GPU_TOLERANCE);
      await checkOp((x, w, b) => E.convTranspose2d(x, w, b, { stride: 2, padding: 1, dilation: 2, outputPadding: 1 }), [{ shape: [1, 3, 4, 3] }, { shape: [3, 4, 3, 3] }, { shape: [4] }], GPU_TOLERANCE);
      // conv2d's input gradient with stride 3 and dilation [2, 1] runs the same kernel
      await checkOp((x, w) => E.conv2d(x, w, null, { stride: 3, padding: 2, dilation: [2, 1] }), [{ shape: [1, 3, 10, 11] }, { shape: [6, 3, 3, 4] }], GPU_TOLERANCE);
      // stride and dilation 1 along x beside 2 along y (rows of 11 pixels: groups of 8 threads straddle rows),
      // and a kernel wider than a workgroup
      await checkOp((x, w, b) => E.conv2d(x, w, b, { stride: [2, 1], padding: [1, 2], dilation: [2, 1] }), [{ shape: [2, 3, 7, 11] }, { shape: [4, 3, 3, 4] }, { shape: [4] }], GPU_TOLERANCE);
      await checkOp((x, w) => E.conv2d(x, w, null, { padding: [0, 4] }), [{ shape: [1, 2, 3, 11] }, { shape: [3, 2, 1, 9] }], GPU_TOLERANCE);
      // more than one block of every tile: 19 channels on each side, 2 x 9 x 9 pixels, 19 x 3 x 3 taps
      const blocks = { ...GPU_TOLERANCE, noFiniteDifferences: true };
      await checkOp((x, w, b) => E.conv2d(x, w, b, { padding: 1 }), [{ shape: [2, 19, 9, 9] }, { shape: [19, 19, 3, 3] }, { shape: [19] }], blocks);
      await checkOp((x, w, b) => E.convTranspose2d(x, w, b, { stride: 2, padding: 1 }), [{ shape: [2, 19, 9, 9] }, { shape: [19, 19, 4, 4] }, { shape: [19] }], blocks);
    });
  }
});

test('the Winograd rungs agree with the CPU reference on 3x3 stride-1 convolutions and their input and weight gradients, and refuse others', async () => {
  for (const strategy of [...strategies].filter(winograd)) {
    await withStrategy(strategy, async () => {
      // ragged tiles (5x7, 9x6 outputs), padding 0, 1, 2 and [1, 0]; the input gradient pads 2 - p
      await checkOp((x, w, b) => E.conv2d(x, w, b, { padding: 1 }), [{ shape: [2, 5, 5, 7] }, { shape: [4, 5, 3, 3] }, { shape: [4] }], GPU_TOLERANCE);
      await checkOp((x, w) => E.conv2d(x, w, null, { padding: [1, 0] }), [{ shape: [1, 3, 9, 8] }, { shape: [6, 3, 3, 3] }], GPU_TOLERANCE);
      await checkOp((x, w) => E.conv2d(x, w, null, { padding: 2 }), [{ shape: [1, 2, 4, 5] }, { shape: [3, 2, 3, 3] }], GPU_TOLERANCE);
      await checkOp((x, w) => E.conv2d(x, w), [{ shape: [2, 3, 6, 9] }, { shape: [2, 3, 3, 3] }], GPU_TOLERANCE);
      // the transposed convolution with padding 3: its Winograd form pads by -1
      await checkOp((x, w, b) => E.convTranspose2d(x, w, b, { padding: 3 }), [{ shape: [1, 4, 9, 10] }, { shape: [4, 3, 3, 3] }, { shape: [3] }], GPU_TOLERANCE);
      // 19 channels each side, and the 3 images in chunks of 2 and 1 (temporaries limited; dw adds the chunks up)
      const blocks = { ...GPU_TOLERANCE, noFiniteDifferences: true };
      const limit = WINOGRAD_LIMITS.temporaryBytes;
      try {
        WINOGRAD_LIMITS.temporaryBytes = 2 * 4 * 16 * 19 * 25; // two images: of F(2x2), 16 positions x 19 channels x 25 tiles; of F(4x4), 36 x 19 x 9
        await checkOp((x, w, b) => E.conv2d(x, w, b, { padding: 1 }), [{ shape: [3, 19, 9, 9] }, { shape: [19, 19, 3, 3] }, { shape: [19] }], blocks);
      } finally {
        WINOGRAD_LIMITS.temporaryBytes = limit;
      }
      const gpu = await E.webgpu();
      assert.throws(() => E.conv2d(E.ones([1, 2, 5, 5], gpu), E.ones([3, 2, 3, 3], gpu), null, { stride: 2 }), /winograd_f\d cannot run.* x \(1, 2, 5, 5\).*stride \[2, 2\]/);
    });
  }
});

test('maxPool2d kernel [2, 3] whose windows tile [2, 3, 6, 9] (the one-invocation-per-window backward): gradcheck and GPU vs CPU', async () => {
  await checkOp((x) => E.maxPool2d(x, { kernel: [2, 3] }), [{ shape: [2, 3, 6, 9] }], GPU_TOLERANCE);
});

const poolCases: [string, (x: E.Tensor) => E.Tensor][] = [
  ['maxPool2d kernel 3 stride 2 padding 1', (x) => E.maxPool2d(x, { kernel: 3, stride: 2, padding: 1 })],
  ['maxPool2d kernel 2 (stride 2)', (x) => E.maxPool2d(x, { kernel: 2 })],
  ['maxPool2d kernel [3, 2] stride 1 (overlapping windows)', (x) => E.maxPool2d(x, { kernel: [3, 2], stride: 1 })],
  ['avgPool2d kernel 3 stride 2 padding 1', (x) => E.avgPool2d(x, { kernel: 3, stride: 2, padding: 1 })],
  ['avgPool2d kernel [2, 4] stride [1, 2] padding [1, 2]', (x) => E.avgPool2d(x, { kernel: [2, 4], stride: [1, 2], padding: [1, 2] })],
  ['upsample2d nearest x2', (x) => E.upsample2d(x, { scale: 2 })],
  ['upsample2d bilinear x2', (x) => E.upsample2d(x, { scale: 2, mode: 'bilinear' })],
  ['upsample2d bilinear x3', (x) => E.upsample2d(x, { scale: 3, mode: 'bilinear' })],
];

for (const [name, f] of poolCases) {
  test(`${name}: gradcheck and GPU vs CPU on [2, 3, 5, 7]`, async () => {
    await checkOp(f, [{ shape: [2, 3, 5, 7] }], GPU_TOLERANCE);
  });
}

// ---- errors ---------------------------------------------------------------------------------------

/** Asserts that f throws matching `pattern` without allocating anything (so no kernel ran). */
function throwsBeforeKernels(f: () => unknown, pattern: RegExp): void {
  const before = E.cpuBackend().memory().liveBuffers;
  assert.throws(f, pattern);
  assert.is(E.cpuBackend().memory().liveBuffers, before, 'storages allocated before the error');
}

test('errors name the op, the shapes and the options before any kernel runs', () => {
  const cpu = E.cpuBackend();
  const x = E.zeros([1, 3, 5, 7], cpu);
  const w = (...shape: number[]) => E.zeros(shape, cpu);
  const [w4233, w4377, w4333, w3233, w1111] = [w(4, 2, 3, 3), w(4, 3, 7, 7), w(4, 3, 3, 3), w(3, 2, 3, 3), w(1, 1, 1, 1)];
  const [bias3, x3d, x1111] = [w(3), w(3, 5, 7), w(1, 1, 1, 1)];
  throwsBeforeKernels(
    () => E.conv2d(x, w4233),
    /^conv2d: x \[1, 3, 5, 7\] and w \[4, 2, 3, 3\] \(stride \[1, 1\], padding \[0, 0\], dilation \[1, 1\]\): x has 3 channels but w expects 2$/,
  );
  throwsBeforeKernels(
    () => E.conv2d(x, w4377, null, { padding: [0, 1] }),
    /conv2d: x \[1, 3, 5, 7\] and w \[4, 3, 7, 7\] .*padding \[0, 1\].*: the \(dilated\) kernel 7x7 is larger than the padded input 5x9/,
  );
  throwsBeforeKernels(() => E.conv2d(x, w4333, null, { dilation: 3 }), /conv2d: .*dilation \[3, 3\]\): the \(dilated\) kernel 7x7 is larger/);
  throwsBeforeKernels(() => E.conv2d(x, w4333, null, { stride: 0 }), /conv2d: .*stride \[0, 0\].*: stride must be integers >= 1, got \[0, 0\]/);
  throwsBeforeKernels(() => E.conv2d(x, w4333, null, { padding: -1 }), /conv2d: .*padding must be integers >= 0/);
  throwsBeforeKernels(() => E.conv2d(x, w4333, bias3), /conv2d: .*bias \[3\] must be \[4\]/);
  throwsBeforeKernels(() => E.conv2d(x3d, w4333), /conv2d: x \[3, 5, 7\] .*x must be \(B, C, H, W\)/);
  throwsBeforeKernels(
    () => E.convTranspose2d(x, w4233),
    /convTranspose2d: x \[1, 3, 5, 7\] and w \[4, 2, 3, 3\] \(stride \[1, 1\], padding \[0, 0\], outputPadding \[0, 0\], dilation \[1, 1\]\): x has 3 channels but w expects 4/,
  );
  throwsBeforeKernels(
    () => E.convTranspose2d(x1111, w1111, null, { padding: 1 }),
    /convTranspose2d: x \[1, 1, 1, 1\] and w \[1, 1, 1, 1\] .*: the output would be -1x-1/,
  );
  throwsBeforeKernels(() => E.convTranspose2d(x, w3233, null, { stride: 2, outputPadding: 2 }), /convTranspose2d: .*outputPadding must be smaller than stride or dilation/);
  throwsBeforeKernels(() => E.convTranspose2d(x, w3233, null, { stride: -1 }), /convTranspose2d: .*stride must be integers >= 1, got \[-1, -1\]/);
  throwsBeforeKernels(() => E.maxPool2d(x, { kernel: 3, padding: 2 }), /maxPool2d: x \[1, 3, 5, 7\] \(kernel \[3, 3\], stride \[3, 3\], padding \[2, 2\]\): padding must be at most half the kernel/);
  throwsBeforeKernels(() => E.maxPool2d(x, { kernel: 6 }), /maxPool2d: .*the kernel is larger than the padded input 5x7/);
  throwsBeforeKernels(() => E.avgPool2d(x, { kernel: 2, stride: 0 }), /avgPool2d: .*strides must be integers >= 1/);
  throwsBeforeKernels(() => E.upsample2d(x, { scale: 1.5 }), /upsample2d: x \[1, 3, 5, 7\] \(scale 1.5, mode nearest\): scale must be an integer >= 1/);
});

test.after(() => E.releaseDevice());
test.run();
