// Convolution bench: every rung of the three conv kernels' ladders (bench/ladder/conv.ts: the direct kernels,
// then the engine's implicit GEMM and Winograd) is first checked against the float64 CPU reference on small odd
// shapes, each run through withKernel; the rungs that pass are then timed on the models' layers at batch 128
// (encoder convolutions on 28x28 and 14x14 maps, the decoder's transposed convolutions 7 -> 14 -> 28, the
// CycleGAN's 3x3 layers), for each layer's three passes: forward, input gradient, weight gradient. The rungs of
// one pass are timed interleaved (each round runs each rung once), so the shared machine's drifts reach them
// alike. Printed: ms (median of the runs), GFLOP/s (2 B C_out outH outW C_in kH kW / time, in conv2d terms, the
// same count for all three passes, whatever a rung multiplies) and the max abs error against the CPU reference
// on the layer's shape with batch 1 (the timed batch would take the readable reference minutes).
//   node dist/bench/conv.mjs [--batch 128] [--rungs naive,implicit_gemm] [--kernels convTranspose2d] [--layers s2]
//                            [--runs 3] [--budget-ms 20000] [--no-gemm] [--json results.json]
// Before each (non-transposed) layer, the engine's matmul on the layer's forward pass as an explicit GEMM is
// timed too (--no-gemm skips it): the rate the implicit-GEMM kernels are measured against.
// --budget-ms caps the time spent on one pass's rounds and skips a rung whose single run is expected to
// exceed it. --rungs names strategies (naive, ..., implicit_gemm_subgroup, winograd_f4); --kernels and
// --layers (a substring of the layer names) time a subset, e.g. the transposed convolution kernel on the
// strided layers; a strategy runs for the kernels whose ladder has it.
import * as E from '../engine/index.js';
import type { Backend, Storage } from '../engine/backend/backend.js';
import type { ConvGeometry } from '../engine/backend/contracts.js';
import { conv2dGeometry, convTranspose2dGeometry, type Conv2dOptions, type ConvTranspose2dOptions } from '../engine/ops/conv.js';
import { convOperandSizes, type ConvKernel, type ConvKernelName } from '../engine/backend/webgpu/conv.js';
import { withKernel } from '../engine/backend/webgpu/registry.js';
import { CONV_STRATEGIES, convLadder, strategyOf } from './ladder/conv.js';
import { HostRandom } from '../engine/random/philox.js';
import { flag, formatTable, option, writeJsonOption, type BenchRecord } from './lib/cli.js';
import { median, timeGpu, type TimingOptions } from './lib/timing.js';

const SEED = 2025;
const CHECK_TOLERANCE = { atol: 1e-4, rtol: 1e-4 }; // float32 sums of at most ~1000 products of values in (-1, 1)
const TIMING = { warmup: 1, runs: 3 }; // runs: --runs
const DEFAULT_BATCH = 128;
const DEFAULT_BUDGET_MS = 20_000;
const LARGEST_BINDING_BYTES = 2 ** 27; // WebGPU's default largest storage binding
const KERNELS: ConvKernelName[] = ['conv2d', 'convTranspose2d', 'conv2dWeightGrad'];

/** A layer: its conv2d-terms geometry and which kernel is its forward pass. */
interface Layer {
  name: string;
  transposed: boolean;
  g: ConvGeometry;
}

/** The pass each kernel is for a layer: a conv's input gradient is a transposed conv and vice versa. */
function passName(layer: Layer, kernel: ConvKernelName): string {
  if (kernel === 'conv2dWeightGrad') return 'dw';
  return (kernel === 'convTranspose2d') === layer.transposed ? 'forward' : 'dx';
}

function convLayer(name: string, x: number[], w: number[], options: Conv2dOptions): Layer {
  const cpu = E.cpuBackend();
  const [xt, wt] = [E.zeros(x, cpu), E.zeros(w, cpu)];
  const g = conv2dGeometry(xt, wt, null, options);
  xt.dispose();
  wt.dispose();
  return { name, transposed: false, g };
}

function convTransposeLayer(name: string, x: number[], w: number[], options: ConvTranspose2dOptions): Layer {
  const cpu = E.cpuBackend();
  const [xt, wt] = [E.zeros(x, cpu), E.zeros(w, cpu)];
  const g = convTranspose2dGeometry(xt, wt, null, options);
  xt.dispose();
  wt.dispose();
  return { name, transposed: true, g };
}

/** Odd shapes every rung must get right before it is timed: ragged channel and pixel tiles, padding, dilation. */
function checkLayers(): Layer[] {
  return [
    convLayer('conv [2,5,7,9] * [11,5,3,3] s2 p1', [2, 5, 7, 9], [11, 5, 3, 3], { stride: 2, padding: 1 }),
    convLayer('conv [2,5,7,9] * [11,5,3,3] p1', [2, 5, 7, 9], [11, 5, 3, 3], { padding: 1 }),
    convLayer('conv [1,3,5,7] * [4,3,3,2] s[2,1] p2 d2', [1, 3, 5, 7], [4, 3, 3, 2], { stride: [2, 1], padding: 2, dilation: 2 }),
    convLayer('conv [2,1,6,6] * [9,1,4,4] s2 p1', [2, 1, 6, 6], [9, 1, 4, 4], { stride: 2, padding: 1 }),
    convTransposeLayer('convT [2,6,5,7] * [6,3,4,4] s2 p1', [2, 6, 5, 7], [6, 3, 4, 4], { stride: 2, padding: 1 }),
    convTransposeLayer('convT [1,3,5,7] * [3,10,3,3] s2 p1 op1', [1, 3, 5, 7], [3, 10, 3, 3], { stride: 2, padding: 1, outputPadding: 1 }),
    convTransposeLayer('convT [2,4,4,5] * [4,9,3,4] s[3,2] p[2,1] op[2,1] d2', [2, 4, 4, 5], [4, 9, 3, 4], { stride: [3, 2], padding: [2, 1], outputPadding: [2, 1], dilation: 2 }),
  ];
}

/** The models' layers: an encoder 28 -> 14 -> 7, a decoder 7 -> 14 -> 28, and the CycleGAN's 3x3 layers at 28x28. */
function timedLayers(B: number): Layer[] {
  return [
    convLayer('conv 3->32 3x3 s1 28x28', [B, 3, 28, 28], [32, 3, 3, 3], { padding: 1 }),
    convLayer('conv 16->32 3x3 s1 28x28', [B, 16, 28, 28], [32, 16, 3, 3], { padding: 1 }),
    convLayer('conv 64->3 3x3 s1 28x28', [B, 64, 28, 28], [3, 64, 3, 3], { padding: 1 }),
    convLayer('conv 32->64 3x3 s1 28x28', [B, 32, 28, 28], [64, 32, 3, 3], { padding: 1 }),
    convLayer('conv 32->64 4x4 s2 28->14', [B, 32, 28, 28], [64, 32, 4, 4], { stride: 2, padding: 1 }),
    convLayer('conv 64->64 3x3 s1 28x28', [B, 64, 28, 28], [64, 64, 3, 3], { padding: 1 }),
    convLayer('conv 64->64 3x3 s1 14x14', [B, 64, 14, 14], [64, 64, 3, 3], { padding: 1 }),
    convLayer('conv 64->64 4x4 s2 14->7', [B, 64, 14, 14], [64, 64, 4, 4], { stride: 2, padding: 1 }),
    convTransposeLayer('convT 64->32 4x4 s2 7->14', [B, 64, 7, 7], [64, 32, 4, 4], { stride: 2, padding: 1 }),
    convTransposeLayer('convT 32->3 4x4 s2 14->28', [B, 32, 14, 14], [32, 3, 4, 4], { stride: 2, padding: 1 }),
  ];
}

function flops(g: ConvGeometry): number {
  return 2 * g.batch * g.outChannels * g.outH * g.outW * g.inChannels * g.kernelH * g.kernelW;
}

const operandSizes = convOperandSizes; // inputs in binding order, then the output

/** Runs a kernel directly on the backend (a bias is added in the forward pass, as the models do). */
function runKernel(backend: Backend, kernel: ConvKernelName, layer: Layer, g: ConvGeometry, inputs: Storage[]): Storage {
  const out = backend.alloc(operandSizes(kernel, g).output);
  const hasBias = passName(layer, kernel) === 'forward';
  if (kernel === 'conv2dWeightGrad') backend.run(kernel, inputs, [out], g);
  else backend.run(kernel, inputs, [out], { ...g, hasBias });
  return out;
}

/** Float32-exact random values in (-1, 1) for each input of the kernel. */
function randomInputs(kernel: ConvKernelName, g: ConvGeometry, random: HostRandom): Float32Array[] {
  return operandSizes(kernel, g).inputs.map((n) => Float32Array.from({ length: n }, () => 2 * random.uniform() - 1));
}

/** Runs a kernel on inputs `data` and reads its output back. */
async function runOnce(backend: Backend, kernel: ConvKernelName, layer: Layer, g: ConvGeometry, data: Float32Array[]): Promise<ArrayLike<number>> {
  const inputs = data.map((values) => {
    const s = backend.alloc(values.length);
    backend.write(s, values);
    return s;
  });
  const out = runKernel(backend, kernel, layer, g, inputs);
  const values = await backend.read(out);
  for (const s of [...inputs, out]) backend.free(s);
  return values;
}

/** Max abs error and mismatch count of one rung against the CPU reference on geometry g. */
async function compareWithCpu(rung: ConvKernel, kernel: ConvKernelName, layer: Layer, g: ConvGeometry, random: HostRandom) {
  const data = randomInputs(kernel, g, random);
  const gpu = await E.webgpu();
  const results = [
    await runOnce(E.cpuBackend(), kernel, layer, g, data),
    await withKernel(kernel, rung, () => runOnce(gpu, kernel, layer, g, data)),
  ];
  const [expected, actual] = results;
  let maxError = 0;
  let mismatches = 0;
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (!(error <= CHECK_TOLERANCE.atol + CHECK_TOLERANCE.rtol * Math.abs(expected[i]))) mismatches++;
    maxError = Math.max(maxError, Number.isNaN(error) ? Infinity : error);
  }
  return { maxError, mismatches };
}

async function checkAll(kernels: ConvKernelName[], strategies: string[]): Promise<Set<string>> {
  console.log('Correctness against the float64 CPU reference (max abs error):');
  const random = new HostRandom(SEED);
  const failed = new Set<string>();
  const rows: string[][] = [];
  for (const layer of checkLayers()) {
    for (const kernel of kernels) {
      const cells = [layer.name, `${passName(layer, kernel)} (${kernel})`];
      for (const strategy of strategies) {
        const rung = rungOf(kernel, strategy);
        if (!rung || !applies(rung, layer)) {
          cells.push('-');
          continue;
        }
        const { maxError, mismatches } = await compareWithCpu(rung, kernel, layer, layer.g, random);
        if (mismatches > 0) failed.add(rung.name);
        cells.push(mismatches > 0 ? `FAIL ${maxError.toExponential(1)} (${mismatches} off)` : maxError.toExponential(1));
      }
      rows.push(cells);
    }
  }
  console.log(formatTable(['shape', 'pass', ...strategies], rows));
  for (const name of failed) console.log(`${name} FAILED the check and is not timed`);
  return failed;
}

/**
 * Times the rungs of one (layer, pass) interleaved: each round runs every rung once (after the warm-up rounds),
 * so the shared machine's drifts reach all of them alike; the median of each rung's runs is reported.
 */
async function timeRungs(rungs: ConvKernel[], kernel: ConvKernelName, layer: Layer, options: TimingOptions, random: HostRandom): Promise<BenchRecord[]> {
  const gpu = await E.webgpu();
  const shape = `${layer.name} ${passName(layer, kernel)}`;
  const errors: number[] = [];
  for (const rung of rungs) errors.push((await compareWithCpu(rung, kernel, layer, { ...layer.g, batch: 1 }, random)).maxError);
  const inputs = operandSizes(kernel, layer.g).inputs.map((n) => E.rand([n], { backend: gpu, low: -1, high: 1 }));
  const runOnce = async (rung: ConvKernel) => {
    const t0 = performance.now();
    await withKernel(kernel, rung, () => gpu.free(runKernel(gpu, kernel, layer, layer.g, inputs.map((t) => t.storage))));
    await gpu.flush();
    return performance.now() - t0;
  };
  await gpu.flush();
  const samples = rungs.map(() => [] as number[]);
  const start = performance.now();
  for (let round = 0; round < options.warmup + options.runs; round++) {
    for (const [i, rung] of rungs.entries()) {
      const ms = await runOnce(rung);
      if (round >= options.warmup) samples[i].push(ms);
    }
    if (round >= options.warmup && performance.now() - start > (options.budgetMs ?? Infinity)) break;
  }
  for (const t of inputs) t.dispose();
  return rungs.map((rung, i) => {
    const ms = median(samples[i]);
    return { name: rung.name, shape, ms, gflops: flops(layer.g) / ms / 1e6, maxError: errors[i] };
  });
}

/**
 * The engine's matmul on the layer's forward pass as an explicit GEMM, W (C_out, K) . X (K, N) with
 * K = C_in kH kW and N = B outH outW: the rate a convolution as an implicit GEMM is measured against.
 */
async function timeEquivalentGemm(layer: Layer, options: TimingOptions): Promise<BenchRecord> {
  const g = layer.g;
  const [M, K, N] = [g.outChannels, g.inChannels * g.kernelH * g.kernelW, g.batch * g.outH * g.outW];
  const shape = `${layer.name} ${M}x${K} . ${K}x${N}`;
  if (4 * K * N > LARGEST_BINDING_BYTES) return { name: 'matmul (equivalent GEMM)', shape, ms: null, gflops: null, maxError: null, note: 'X is over a binding' };
  const [w, x] = [E.rand([M, K], { low: -1, high: 1 }), E.rand([K, N], { low: -1, high: 1 })];
  const timing = await timeGpu(() => E.matmul(w, x).dispose(), options);
  for (const t of [w, x]) t.dispose();
  return { name: 'matmul (equivalent GEMM)', shape, ms: timing.ms, gflops: flops(g) / timing.ms / 1e6, maxError: null };
}

/** Whether a rung computes the layer's geometry (the Winograd ones: 3x3 convolutions of stride 1). */
const applies = (rung: ConvKernel, layer: Layer) => rung.supports?.(layer.g) ?? true;

/** The rung of `kernel`'s ladder with this strategy, if it has one. */
function rungOf(kernel: ConvKernelName, strategy: string): ConvKernel | undefined {
  return convLadder[kernel].find((rung) => strategyOf(kernel, rung) === strategy);
}

/** The comma-separated list option `name` (all of `known` without it), each entry checked against `known`. */
function listOption(args: string[], name: string, known: string[]): string[] {
  const values = option(args, name)?.split(',') ?? known;
  for (const v of values) if (!known.includes(v)) throw new Error(`bench/conv: unknown --${name} entry '${v}' (have ${known.join(', ')})`);
  return values;
}

function positiveNumber(args: string[], name: string, fallback: number): number {
  const value = Number(option(args, name) ?? fallback);
  if (!(value > 0)) throw new Error(`bench/conv: --${name} must be a positive number`);
  return value;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const batch = positiveNumber(args, 'batch', DEFAULT_BATCH);
  const timing = { ...TIMING, runs: positiveNumber(args, 'runs', TIMING.runs), budgetMs: positiveNumber(args, 'budget-ms', DEFAULT_BUDGET_MS) };
  const kernels = listOption(args, 'kernels', KERNELS) as ConvKernelName[];
  const strategies = listOption(args, 'rungs', CONV_STRATEGIES);
  const layerFilter = option(args, 'layers') ?? '';
  const layers = timedLayers(batch).filter((layer) => layer.name.includes(layerFilter));
  if (layers.length === 0) throw new Error(`bench/conv: no layer name contains '${layerFilter}'`);

  const gpu = (await E.setBackend('webgpu')) as Awaited<ReturnType<typeof E.webgpu>>; // timeGpu flushes it
  console.log(`adapter: ${gpu.adapterName}\ndate: ${new Date().toISOString().slice(0, 10)}\nbatch: ${batch}\n`);
  const failed = await checkAll(kernels, strategies);

  console.log(`\nTiming (median of up to ${timing.runs} runs after ${timing.warmup} warm-up, at most ${timing.budgetMs} ms a case):`);
  const random = new HostRandom(SEED + 1);
  const records: BenchRecord[] = [];
  const bestGflops = new Map<string, number>(); // per rung, to skip runs expected to exceed the budget
  for (const layer of layers) {
    if (!layer.transposed && !flag(args, 'no-gemm')) {
      const record = await timeEquivalentGemm(layer, timing);
      records.push(record);
      console.log(formatRow(record).join('  '));
    }
    for (const kernel of kernels) {
      const timed: ConvKernel[] = [];
      for (const strategy of strategies) {
        const rung = rungOf(kernel, strategy);
        if (!rung || failed.has(rung.name) || !applies(rung, layer)) continue;
        const expectedMs = flops(layer.g) / ((bestGflops.get(rung.name) ?? Infinity) * 1e6);
        if (expectedMs <= timing.budgetMs) {
          timed.push(rung);
          continue;
        }
        const note = `skipped: one run would take about ${(expectedMs / 1000).toFixed(0)} s`;
        const record = { name: rung.name, shape: `${layer.name} ${passName(layer, kernel)}`, ms: null, gflops: null, maxError: null, note };
        records.push(record);
        console.log(formatRow(record).join('  '));
      }
      for (const record of timed.length > 0 ? await timeRungs(timed, kernel, layer, timing, random) : []) {
        bestGflops.set(record.name, Math.max(bestGflops.get(record.name) ?? 0, record.gflops!));
        records.push(record);
        console.log(formatRow(record).join('  '));
      }
    }
  }
  console.log('\n' + formatTable(['rung', 'shape', 'ms', 'GFLOP/s', 'max error'], records.map(formatRow)));
  writeJsonOption(args, records);
  E.releaseDevice();
}

function formatRow(r: BenchRecord): string[] {
  if (r.ms === null) return [r.name, r.shape, '-', '-', r.note ?? '-'];
  return [r.name, r.shape, r.ms.toFixed(1), r.gflops!.toFixed(2), r.maxError === null ? '-' : r.maxError.toExponential(1)];
}

await main();
