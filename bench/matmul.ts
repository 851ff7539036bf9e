// Matmul bench: every rung of the matmul ladder (bench/ladder/matmul.ts: the engine's kernels and the rung
// it leaves out) is first checked against the float64 CPU reference on odd shapes; the rungs that pass are
// then timed on square sizes and on the VAE's products, printing ms (median of several runs), GFLOP/s
// (2 * batch * M * N * K / time) and the max abs error against a float64 reference. A rung that cannot
// compute a layout (matmul_blocked_vec4 on B^T or N % 4 != 0) shows '-'. Each rung runs through withKernel.
//   node dist/bench/matmul.mjs [--quick] [--sizes 256,512,1024,2048] [--rungs matmul_naive,matmul_blocked]
//                              [--budget-ms 10000] [--json results.json]
// --quick times only 256 and 512 and the VAE shapes; --budget-ms caps the time spent on one
// (rung, shape) and skips a case whose single run is expected to exceed it.
import * as E from '../engine/index.js';
import { chooseMatmulKernel, type MatmulKernel } from '../engine/backend/webgpu/matmul.js';
import { withKernel } from '../engine/backend/webgpu/registry.js';
import { matmulLadder } from './ladder/matmul.js';
import { HostRandom } from '../engine/random/philox.js';
import { flag, formatTable, option, writeJsonOption, type BenchRecord } from './lib/cli.js';
import { timeGpu } from './lib/timing.js';

/** One product out (batch, M, N) = op(A) (M, K) x op(B) (K, N); a shared operand has no batch axis. */
interface Case {
  name: string;
  batch: number;
  M: number;
  N: number;
  K: number;
  transA: boolean;
  transB: boolean;
  sharedA: boolean;
  sharedB: boolean;
}

interface Operands {
  a: Float32Array;
  b: Float32Array;
  aShape: number[];
  bShape: number[];
}

const SEED = 2024;
const CHECK_TOLERANCE = { atol: 1e-4, rtol: 1e-4 }; // float32 sums of at most a few hundred products
const FULL_REFERENCE_MAX_FLOPS = 2.2e9; // larger products (2048^2) are checked on sampled outputs
const SAMPLED_OUTPUTS = 2048;
const TIMING = { warmup: 1, runs: 5 };
const DEFAULT_BUDGET_MS = 10_000;
const DEFAULT_SIZES = [256, 512, 1024, 2048];
const QUICK_SIZES = [256, 512];
const BASELINE = 'matmul_naive'; // the rung the speed-ups are measured against

function product(name: string, M: number, K: number, N: number, more: Partial<Case> = {}): Case {
  return { name, batch: 1, M, N, K, transA: false, transB: false, sharedA: true, sharedB: true, ...more };
}

function flops(c: Case): number {
  return 2 * c.batch * c.M * c.N * c.K;
}

/** The kernel parameters of a case, as E.matmul would pass them. */
function params(c: Case) {
  const aBatchStride = c.sharedA ? 0 : c.M * c.K;
  const bBatchStride = c.sharedB ? 0 : c.K * c.N;
  return { batch: c.batch, M: c.M, N: c.N, K: c.K, transA: c.transA, transB: c.transB, aBatchStride, bBatchStride };
}

const supports = (rung: MatmulKernel, c: Case) => rung.supports?.(params(c)) ?? true;

/** Odd shapes every rung must get right before it is timed. */
function checkCases(): Case[] {
  const cases: Case[] = [];
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      const flags = { transA, transB };
      cases.push(product(`33x129 . 129x65 ${transLabel(flags)}`, 33, 129, 65, flags));
      cases.push(product(`3 x 17x31 . 31x9 shared B ${transLabel(flags)}`, 17, 31, 9, { ...flags, batch: 3, sharedA: false }));
      // N % 4 == 0: B read as vec4s along N (matmul_blocked_vec4)
      cases.push(product(`33x129 . 129x68 ${transLabel(flags)}`, 33, 129, 68, flags));
    }
  }
  cases.push(product('17x5 shared A . 2 x 5x70', 17, 5, 70, { batch: 2, sharedB: false }));
  cases.push(product('2 x 1x1 . 1x1', 1, 1, 1, { batch: 2, sharedA: false, sharedB: false }));
  cases.push(product('1x7 . 7x1 (K=7, M=N=1)', 1, 7, 1));
  cases.push(product('9x1 . 1x13 (K=1, B^T)', 9, 1, 13, { transB: true }));
  return cases;
}

/**
 * Square sizes, a narrow output (where the engine's choice of kernel changes), then the VAE's layers
 * 2352 -> 512 -> 256 on a batch of 128: forward y = x W, and backward dW = x^T dy and dx = dy W^T.
 */
function timedCases(sizes: number[]): Case[] {
  const cases = sizes.map((n) => product(`${n}x${n} . ${n}x${n}`, n, n, n));
  cases.push(product('64x4096 . 4096x8 (narrow output)', 64, 4096, 8));
  const batchRows = 128;
  for (const [inputs, outputs] of [
    [2352, 512],
    [512, 256],
  ]) {
    cases.push(product(`${batchRows}x${inputs} . ${inputs}x${outputs} (y = x W)`, batchRows, inputs, outputs));
    cases.push(product(`${inputs}x${batchRows} . ${batchRows}x${outputs} (dW = x^T dy)`, inputs, batchRows, outputs, { transA: true }));
    cases.push(product(`${batchRows}x${outputs} . ${outputs}x${inputs} (dx = dy W^T)`, batchRows, outputs, inputs, { transB: true }));
  }
  return cases;
}

function transLabel(flags: { transA: boolean; transB: boolean }): string {
  return `(${flags.transA ? 'A^T' : 'A'}, ${flags.transB ? 'B^T' : 'B'})`;
}

/** Float32-exact values in (-1, 1), stored as the flags say: A (K, M) when transA, B (N, K) when transB. */
function makeOperands(c: Case, random: HostRandom): Operands {
  const aMatrix = c.transA ? [c.K, c.M] : [c.M, c.K];
  const bMatrix = c.transB ? [c.N, c.K] : [c.K, c.N];
  const aShape = c.sharedA ? aMatrix : [c.batch, ...aMatrix];
  const bShape = c.sharedB ? bMatrix : [c.batch, ...bMatrix];
  const fill = (shape: number[]) => Float32Array.from({ length: E.sizeOf(shape) }, () => 2 * random.uniform() - 1);
  return { a: fill(aShape), b: fill(bShape), aShape, bShape };
}

function runMatmul(c: Case, x: Operands, backend: E.Tensor['backend']): E.Tensor {
  const a = E.fromValues(x.a, x.aShape, backend);
  const b = E.fromValues(x.b, x.bShape, backend);
  const out = E.matmul(a, b, { transA: c.transA, transB: c.transB });
  a.dispose();
  b.dispose();
  return out;
}

/** op(A)[p, m, k] x op(B)[p, k, n] summed over k in float64: one output of the reference. */
function referenceAt(c: Case, x: Operands, p: number, m: number, n: number): number {
  const a0 = c.sharedA ? 0 : p * c.M * c.K;
  const b0 = c.sharedB ? 0 : p * c.K * c.N;
  let acc = 0;
  for (let k = 0; k < c.K; k++) {
    acc += x.a[a0 + (c.transA ? k * c.M + m : m * c.K + k)] * x.b[b0 + (c.transB ? n * c.K + k : k * c.N + n)];
  }
  return acc;
}

/** A float64 reference: every output from the CPU backend, or sampled outputs for the largest products. */
interface Reference {
  indices: number[] | null; // null: all outputs
  values: ArrayLike<number>;
}

async function reference(c: Case, x: Operands, random: HostRandom): Promise<Reference> {
  if (flops(c) <= FULL_REFERENCE_MAX_FLOPS) {
    const out = runMatmul(c, x, E.cpuBackend());
    const values = await out.toArray();
    out.dispose();
    return { indices: null, values };
  }
  const indices: number[] = [];
  const values: number[] = [];
  for (let s = 0; s < SAMPLED_OUTPUTS; s++) {
    const [p, m, n] = [c.batch, c.M, c.N].map((size) => Math.floor(random.uniform() * size));
    indices.push((p * c.M + m) * c.N + n);
    values.push(referenceAt(c, x, p, m, n));
  }
  return { indices, values };
}

interface Comparison {
  maxError: number;
  mismatches: number;
}

function compare(actual: ArrayLike<number>, ref: Reference): Comparison {
  let maxError = 0;
  let mismatches = 0;
  for (let i = 0; i < ref.values.length; i++) {
    const expected = ref.values[i];
    const got = actual[ref.indices ? ref.indices[i] : i];
    const error = Math.abs(got - expected);
    if (!(error <= CHECK_TOLERANCE.atol + CHECK_TOLERANCE.rtol * Math.abs(expected))) mismatches++;
    maxError = Math.max(maxError, Number.isNaN(error) ? Infinity : error);
  }
  return { maxError, mismatches };
}

/** Runs one rung on the GPU and compares every output (or the sampled ones) with the reference. */
async function checkRung(rung: MatmulKernel, c: Case, x: Operands, ref: Reference): Promise<Comparison> {
  const gpu = await E.webgpu();
  return withKernel('matmul', rung, async () => {
    const out = runMatmul(c, x, gpu);
    const result = compare(await out.toArray(), ref);
    out.dispose();
    return result;
  });
}

async function checkAll(rungs: MatmulKernel[]): Promise<Set<string>> {
  console.log('Correctness against the float64 CPU reference (max abs error):');
  const random = new HostRandom(SEED);
  const failed = new Set<string>();
  const rows: string[][] = [];
  for (const c of checkCases()) {
    const x = makeOperands(c, random);
    const ref = await reference(c, x, random);
    const cells = [c.name];
    for (const rung of rungs) {
      if (!supports(rung, c)) {
        cells.push('-');
        continue;
      }
      const { maxError, mismatches } = await checkRung(rung, c, x, ref);
      if (mismatches > 0) failed.add(rung.name);
      cells.push(mismatches > 0 ? `FAIL ${maxError.toExponential(1)} (${mismatches} off)` : maxError.toExponential(1));
    }
    rows.push(cells);
  }
  console.log(formatTable(['shape', ...rungs.map((r) => r.name)], rows));
  for (const name of failed) console.log(`${name} FAILED the check and is not timed`);
  return failed;
}

async function timeCase(rung: MatmulKernel, c: Case, x: Operands, ref: Reference, budgetMs: number): Promise<BenchRecord> {
  const gpu = await E.webgpu();
  const a = E.fromValues(x.a, x.aShape, gpu);
  const b = E.fromValues(x.b, x.bShape, gpu);
  const options = { transA: c.transA, transB: c.transB };
  const { timing, maxError } = await withKernel('matmul', rung, async () => {
    const timing = await timeGpu(() => E.matmul(a, b, options).dispose(), { ...TIMING, budgetMs });
    const out = E.matmul(a, b, options);
    const { maxError } = compare(await out.toArray(), ref);
    out.dispose();
    return { timing, maxError };
  });
  for (const t of [a, b]) t.dispose();
  return { name: rung.name, shape: c.name, ms: timing.ms, gflops: flops(c) / timing.ms / 1e6, maxError };
}

function parseList(text: string | undefined, what: string): string[] | undefined {
  if (text === undefined) return undefined;
  const items = text.split(',').filter(Boolean);
  if (items.length === 0) throw new Error(`bench/matmul: --${what} needs a comma-separated list`);
  return items;
}

function parseSizes(args: string[]): number[] {
  const listed = parseList(option(args, 'sizes'), 'sizes');
  if (!listed) return flag(args, 'quick') ? QUICK_SIZES : DEFAULT_SIZES;
  return listed.map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new Error(`bench/matmul: --sizes: '${s}' is not a positive integer`);
    return n;
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const sizes = parseSizes(args);
  const budgetMs = Number(option(args, 'budget-ms') ?? DEFAULT_BUDGET_MS);
  if (!(budgetMs > 0)) throw new Error(`bench/matmul: --budget-ms must be a positive number of milliseconds`);
  const known = matmulLadder.map((rung) => rung.name);
  const names = parseList(option(args, 'rungs'), 'rungs') ?? known;
  for (const name of names) if (!known.includes(name)) throw new Error(`bench/matmul: unknown rung '${name}' (have ${known.join(', ')})`);
  const rungs = matmulLadder.filter((rung) => names.includes(rung.name));

  const gpu = (await E.setBackend('webgpu')) as Awaited<ReturnType<typeof E.webgpu>>; // timeGpu flushes it
  console.log(`adapter: ${gpu.adapterName}\ndate: ${new Date().toISOString().slice(0, 10)}\n`);
  const failed = await checkAll(rungs);
  const timed = rungs.filter((rung) => !failed.has(rung.name));

  console.log(`\nTiming (median of up to ${TIMING.runs} runs after ${TIMING.warmup} warm-up, at most ${budgetMs} ms a case):`);
  const random = new HostRandom(SEED + 1);
  const records: BenchRecord[] = [];
  const bestGflops = new Map<string, number>(); // per rung, to skip runs expected to exceed the budget
  const cases = timedCases(sizes);
  for (const c of cases) {
    const x = makeOperands(c, random);
    const ref = await reference(c, x, random);
    for (const rung of timed.filter((r) => supports(r, c))) {
      const expectedMs = flops(c) / ((bestGflops.get(rung.name) ?? Infinity) * 1e6);
      let record: BenchRecord;
      if (expectedMs > budgetMs) {
        const note = `skipped: one run would take about ${(expectedMs / 1000).toFixed(0)} s`;
        record = { name: rung.name, shape: c.name, ms: null, gflops: null, maxError: null, note };
      } else {
        record = await timeCase(rung, c, x, ref, budgetMs);
        bestGflops.set(rung.name, Math.max(bestGflops.get(rung.name) ?? 0, record.gflops!));
      }
      records.push(record);
      console.log(formatRow(record).join('  '));
    }
  }
  console.log('\n' + formatTable(['rung', 'shape', 'ms', 'GFLOP/s', 'max error'], records.map(formatRow)));
  console.log('\n' + speedups(records, cases).join('\n'));
  writeJsonOption(args, records);
  E.releaseDevice();
}

/** Per shape, the fastest rung and its speed-up over matmul_naive (the ladder's baseline), and the kernel the engine runs there. */
function speedups(records: BenchRecord[], cases: Case[]): string[] {
  const lines: string[] = [];
  for (const c of cases) {
    const ran = records.filter((r) => r.shape === c.name && r.ms !== null);
    const baseline = ran.find((r) => r.name === BASELINE);
    if (!baseline || ran.length === 0) continue;
    const best = ran.reduce((x, y) => (y.ms! < x.ms! ? y : x));
    const engine = chooseMatmulKernel(params(c)).name;
    lines.push(`${c.name}: fastest ${best.name}, ${(baseline.ms! / best.ms!).toFixed(1)}x ${BASELINE}; the engine runs ${engine}`);
  }
  return lines;
}


function formatRow(r: BenchRecord): string[] {
  if (r.ms === null) return [r.name, r.shape, '-', '-', r.note ?? '-'];
  return [r.name, r.shape, r.ms.toFixed(1), r.gflops!.toFixed(2), r.maxError!.toExponential(1)];
}

await main();
