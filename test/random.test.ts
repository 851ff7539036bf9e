// Tests of the Philox random streams: the CPU specification against Random123's published answers and
// known moments, and the WGSL kernels against the CPU specification, word for word.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { create, globals } from 'webgpu';
import philoxSource from '../shaders/philox.wgsl';
import {
  HostRandom,
  blocksUsed,
  gumbel,
  mulhilo,
  normal,
  philox4x32,
  randomWords,
  uniform,
  wordToUniform,
  type Counter,
  type Key,
} from '../engine/random/philox.js';
import type { RandomKind } from '../engine/backend/contracts.js';
import { packRandomParams, randomKernelSource } from '../engine/random/kernel.js';

// Known answers for philox4x32 with 10 rounds, from Random123's kat_vectors file (Salmon et al.,
// "Parallel random numbers: as easy as 1, 2, 3", SC 2011). Columns: counter[4], key[2], expected[4]:
//   philox4x32 10 00000000 00000000 00000000 00000000 00000000 00000000   6627e8d5 e169c58d bc57ac4c 9b00dbd8
//   philox4x32 10 ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff   408f276d 41c83b0e a20bc7c6 6d5451fd
//   philox4x32 10 243f6a88 85a308d3 13198a2e 03707344 a4093822 299f31d0   d16cfe09 94fdcceb 5001e420 24126ea1
const KNOWN_ANSWERS: { counter: Counter; key: Key; expected: Counter }[] = [
  {
    counter: [0x00000000, 0x00000000, 0x00000000, 0x00000000],
    key: [0x00000000, 0x00000000],
    expected: [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8],
  },
  {
    counter: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
    key: [0xffffffff, 0xffffffff],
    expected: [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
  },
  {
    counter: [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
    key: [0xa4093822, 0x299f31d0],
    expected: [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
  },
];

const EULER_MASCHERONI = 0.5772156649015329;
const SEED = 0x5eed1234;
const ODD_BLOCK_OFFSET = 12345;
const GPU_ELEMENTS = 1000;
const GPU_TOLERANCE = 1e-5; // |gpu - cpu| <= atol + rtol * |cpu| for normal and gumbel, f32 vs f64
const STATISTICS_ELEMENTS = 100_000;
const WORKGROUP_SIZE = 64;

const hex = (words: ArrayLike<number>) => Array.from(words, (w) => w.toString(16).padStart(8, '0')).join(' ');

// ---- CPU specification ----

test('philox4x32 reproduces the Random123 known answers', () => {
  for (const { counter, key, expected } of KNOWN_ANSWERS) {
    assert.is(hex(philox4x32(counter, key)), hex(expected), `counter ${hex(counter)}, key ${hex(key)}`);
  }
});

test('mulhilo splits the 64-bit product exactly (BigInt oracle)', () => {
  const host = new HostRandom(7);
  const pairs = [
    [0xffffffff, 0xffffffff],
    [0xd2511f53, 0xffffffff],
    [0x10000, 0x10000],
    [0, 0xcd9e8d57],
  ];
  for (let i = 0; i < 200; i++) pairs.push([host.nextWord(), host.nextWord()]);
  for (const [a, b] of pairs) {
    const product = BigInt(a) * BigInt(b);
    const [hi, lo] = mulhilo(a, b);
    assert.is(BigInt(hi), product >> 32n, `hi of ${a} * ${b}`);
    assert.is(BigInt(lo), product & 0xffffffffn, `lo of ${a} * ${b}`);
  }
});

test('the stream takes word i % 4 of block blockOffset + i / 4, the block counter wrapping mod 2^32', () => {
  const words = randomWords(SEED, 0xffffffff, 8);
  assert.is(hex(words.subarray(0, 4)), hex(philox4x32([0xffffffff, 0, 0, 0], [SEED, 0])));
  assert.is(hex(words.subarray(4, 8)), hex(philox4x32([0, 0, 0, 0], [SEED, 0])));
  // A draw that starts blocksUsed later continues the same stream.
  const long = randomWords(SEED, 10, 12);
  assert.is(hex(randomWords(SEED, 10 + blocksUsed('uniform', 5), 4)), hex(long.subarray(8, 12)));
});

test('blocksUsed counts 4-word blocks: one word per uniform or gumbel, two per normal', () => {
  const cases: [RandomKind, number, number][] = [
    ['uniform', 0, 0],
    ['uniform', 1, 1],
    ['uniform', 4, 1],
    ['uniform', 5, 2],
    ['gumbel', 9, 3],
    ['normal', 1, 1],
    ['normal', 2, 1],
    ['normal', 3, 2],
  ];
  for (const [kind, n, blocks] of cases) assert.is(blocksUsed(kind, n), blocks, `${kind}, n = ${n}`);
});

test('wordToUniform spans the open interval (0, 1) with values exact in float32', () => {
  assert.is(wordToUniform(0), 2 ** -24);
  assert.is(wordToUniform(0xffffffff), 1 - 2 ** -24);
  assert.is(wordToUniform(0x80000000), 0.5 + 2 ** -24);
  for (const w of randomWords(SEED, 0, 1000)) {
    const u = wordToUniform(w);
    assert.is(Math.fround(u), u, `word ${w}`);
  }
});

test('bad input names the function and the value', () => {
  assert.throws(() => randomWords(-1, 0, 4), /randomWords: seed .*\[-1\]/);
  assert.throws(() => randomWords(0, 2 ** 32, 4), /randomWords: blockOffset/);
  assert.throws(() => uniform(0, 0, 1.5), /n must be a non-negative integer, got 1.5/);
  assert.throws(() => philox4x32([0, 0, 0, 0.5], [0, 0]), /philox4x32: counter/);
  assert.throws(() => new HostRandom(0).int(0), /HostRandom.int: .* got 0/);
});

// ---- Statistics: known moments ----

const average = (xs: Float64Array) => xs.reduce((sum, x) => sum + x, 0) / xs.length;

test('uniform mean is 1/2', () => {
  const us = uniform(SEED, 0, STATISTICS_ELEMENTS);
  assert.ok(Math.abs(average(us) - 0.5) < 0.01, `mean ${average(us)}`);
  assert.ok(us.every((u) => u > 0 && u < 1));
});

test('normal mean is 0 and std is 1', () => {
  const zs = normal(SEED, 0, STATISTICS_ELEMENTS);
  const m = average(zs);
  const s = Math.sqrt(zs.reduce((sum, z) => sum + (z - m) ** 2, 0) / zs.length);
  assert.ok(Math.abs(m) < 0.01, `mean ${m}`);
  assert.ok(Math.abs(s - 1) < 0.02, `std ${s}`);
});

test('gumbel mean is the Euler-Mascheroni constant', () => {
  const gs = gumbel(SEED, 0, STATISTICS_ELEMENTS);
  assert.ok(Math.abs(average(gs) - EULER_MASCHERONI) < 0.02, `mean ${average(gs)}`);
});

// ---- HostRandom ----

test('HostRandom reads the stream of seed from block 0, word after word', () => {
  const host = new HostRandom(SEED);
  const expected = uniform(SEED, 0, 10);
  for (const u of expected) assert.is(host.uniform(), u);
});

test('HostRandom.int stays in [0, n) and hits every value', () => {
  const host = new HostRandom(3);
  const counts = new Array(6).fill(0);
  for (let i = 0; i < 600; i++) counts[host.int(6)]++;
  assert.ok(counts.every((c) => c > 50 && c < 150), `counts ${counts}`);
});

test('HostRandom.shuffle is a permutation, reproducible for the same seed', () => {
  const identity = Int32Array.from({ length: 100 }, (_, i) => i);
  const first = new HostRandom(42).shuffle(identity.slice());
  const again = new HostRandom(42).shuffle(identity.slice());
  const other = new HostRandom(43).shuffle(identity.slice());
  assert.equal(Array.from(first).sort((a, b) => a - b), Array.from(identity));
  assert.equal(Array.from(first), Array.from(again));
  assert.not.equal(Array.from(first), Array.from(identity));
  assert.not.equal(Array.from(first), Array.from(other));
  const letters = new HostRandom(42).shuffle(['a', 'b', 'c', 'd', 'e']);
  assert.equal(letters.slice().sort(), ['a', 'b', 'c', 'd', 'e']);
});

// ---- GPU: the WGSL kernels against the CPU specification ----

Object.assign(globalThis, globals);
const gpu = create([]); // held for the whole run: the adapter and device live inside it
let device: GPUDevice;

test.before(async () => {
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('random.test: no WebGPU adapter');
  device = await adapter.requestDevice();
});

test.after(() => device.destroy());

/** Runs one compute pass of `source` (entry point main) with storage/uniform `buffers` bound in order. */
async function dispatch(
  source: string,
  buffers: GPUBuffer[],
  grid: [number, number],
  constants: Record<string, number> = {},
): Promise<void> {
  device.pushErrorScope('validation');
  const pipeline = device.createComputePipeline({
    layout: 'auto',
    compute: { module: device.createShaderModule({ code: source }), entryPoint: 'main', constants },
  });
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(grid[0], grid[1]);
  pass.end();
  device.queue.submit([encoder.finish()]);
  const error = await device.popErrorScope();
  if (error) throw new Error(`random.test: ${error.message}`);
}

function bufferWith(data: ArrayBuffer, usage: number): GPUBuffer {
  const buffer = device.createBuffer({ size: data.byteLength, usage: usage | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buffer, 0, data);
  return buffer;
}

function storageBuffer(bytes: number): GPUBuffer {
  return device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
}

async function readBack(buffer: GPUBuffer): Promise<ArrayBuffer> {
  const staging = device.createBuffer({
    size: buffer.size,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, buffer.size);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const data = staging.getMappedRange().slice(0);
  staging.destroy();
  return data;
}

const KNOWN_ANSWER_KERNEL = `${philoxSource}
@group(0) @binding(0) var<storage, read> inputs: array<vec4<u32>>; // per case: counter, then (key, 0, 0)
@group(0) @binding(1) var<storage, read_write> outputs: array<vec4<u32>>;
@compute @workgroup_size(1)
fn main(@builtin(workgroup_id) wid: vec3<u32>) {
  outputs[wid.x] = philox4x32_10(inputs[2u * wid.x], inputs[2u * wid.x + 1u].xy);
}`;

test('WGSL philox4x32_10 reproduces the Random123 known answers', async () => {
  const inputs = Uint32Array.from(KNOWN_ANSWERS.flatMap(({ counter, key }) => [...counter, ...key, 0, 0]));
  const outputs = storageBuffer(KNOWN_ANSWERS.length * 16);
  await dispatch(KNOWN_ANSWER_KERNEL, [bufferWith(inputs.buffer, GPUBufferUsage.STORAGE), outputs], [KNOWN_ANSWERS.length, 1]);
  const words = new Uint32Array(await readBack(outputs));
  KNOWN_ANSWERS.forEach(({ expected }, c) => assert.is(hex(words.subarray(4 * c, 4 * c + 4)), hex(expected)));
});

const WORDS_KERNEL = `${philoxSource}
@group(0) @binding(0) var<uniform> draw: vec4<u32>; // seed, block_offset, n, unused
@group(0) @binding(1) var<storage, read_write> words: array<u32>;
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x < draw.z) {
    words[id.x] = word_at(draw.x, draw.y, id.x);
  }
}`;

test('WGSL word_at gives the same words, across the block counter wrap', async () => {
  const blockOffset = 0xffffff01; // odd, and the 250 blocks wrap past 2^32
  const draw = Uint32Array.from([SEED, blockOffset, GPU_ELEMENTS, 0]);
  const words = storageBuffer(GPU_ELEMENTS * 4);
  const grid: [number, number] = [Math.ceil(GPU_ELEMENTS / WORKGROUP_SIZE), 1];
  await dispatch(WORDS_KERNEL, [bufferWith(draw.buffer, GPUBufferUsage.UNIFORM), words], grid);
  const gpu = new Uint32Array(await readBack(words));
  const cpu = randomWords(SEED, blockOffset, GPU_ELEMENTS);
  for (let i = 0; i < GPU_ELEMENTS; i++) assert.is(gpu[i], cpu[i], `word ${i}`);
});

/**
 * Workgroups for n threads as [x, y]: one row while it fits in maxPerDimension, else rows of
 * maxPerDimension groups, matching the kernel's index wid.x * WG + lid.x + wid.y * num_workgroups.x * WG.
 */
function dispatchGrid(n: number, workgroupSize: number, maxPerDimension: number): [number, number] {
  const workgroups = Math.ceil(n / workgroupSize);
  if (workgroups <= maxPerDimension) return [workgroups, 1];
  return [maxPerDimension, Math.ceil(workgroups / maxPerDimension)];
}

/** random.wgsl for one draw; a small maxPerDimension forces the 2-D dispatch on a small n. */
async function randomOnGpu(
  kind: RandomKind,
  extra: { low?: number; high?: number; mean?: number; std?: number } = {},
  maxPerDimension = device.limits.maxComputeWorkgroupsPerDimension,
): Promise<Float32Array> {
  const params = packRandomParams({ n: GPU_ELEMENTS, seed: SEED, blockOffset: ODD_BLOCK_OFFSET, kind, ...extra });
  const out = storageBuffer(GPU_ELEMENTS * 4);
  const grid = dispatchGrid(GPU_ELEMENTS, WORKGROUP_SIZE, maxPerDimension);
  await dispatch(randomKernelSource, [bufferWith(params, GPUBufferUsage.UNIFORM), out], grid, {
    WG: WORKGROUP_SIZE,
  });
  return new Float32Array(await readBack(out));
}

function assertClose(gpu: Float32Array, cpu: Float64Array, what: string): void {
  for (let i = 0; i < cpu.length; i++) {
    const error = Math.abs(gpu[i] - cpu[i]);
    assert.ok(error <= GPU_TOLERANCE + GPU_TOLERANCE * Math.abs(cpu[i]), `${what}[${i}]: ${gpu[i]} vs ${cpu[i]}`);
  }
}

test('random.wgsl uniform equals the CPU uniform exactly', async () => {
  const gpu = await randomOnGpu('uniform');
  const cpu = uniform(SEED, ODD_BLOCK_OFFSET, GPU_ELEMENTS);
  for (let i = 0; i < GPU_ELEMENTS; i++) assert.is(gpu[i], cpu[i], `uniform[${i}]`);
});

test('random.wgsl normal and gumbel match the float64 CPU version', async () => {
  assertClose(await randomOnGpu('normal'), normal(SEED, ODD_BLOCK_OFFSET, GPU_ELEMENTS), 'normal');
  assertClose(await randomOnGpu('gumbel'), gumbel(SEED, ODD_BLOCK_OFFSET, GPU_ELEMENTS), 'gumbel');
});

test('random.wgsl applies low/high and mean/std, also on a 2-D dispatch', async () => {
  const [low, high, mean, std] = [-2, 3, 1.5, 0.25];
  // 1000 elements / 64 = 16 workgroups; at most 5 per row gives 4 rows of 5, the last 4 groups past n.
  const maxPerRow = 5;
  assert.equal(dispatchGrid(GPU_ELEMENTS, WORKGROUP_SIZE, maxPerRow), [5, 4]);
  const us = await randomOnGpu('uniform', { low, high }, maxPerRow);
  assertClose(us, uniform(SEED, ODD_BLOCK_OFFSET, GPU_ELEMENTS).map((u) => low + (high - low) * u), 'uniform');
  const zs = await randomOnGpu('normal', { mean, std }, maxPerRow);
  assertClose(zs, normal(SEED, ODD_BLOCK_OFFSET, GPU_ELEMENTS).map((z) => mean + std * z), 'normal');
});

test.run();
