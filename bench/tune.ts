// npm run tune: fills the tuning file (engine/backend/webgpu/tuning.ts) for the adapter in use. First every
// candidate of every tunable kernel is checked against the float64 CPU reference on small odd shapes (a
// candidate that fails is an error: nothing is written); then, for the shape classes of the project's
// models (the VAEs' products and convolutions, the CycleGANs' layers, at their training batch sizes),
// every candidate is timed on the layer's shape and the fastest is recorded.
//   npm run tune -- [--file tuning.json] [--runs 3] [--quick]
// --quick tunes only the classes of the MLP VAE and of the default CycleGAN (a few minutes on lavapipe).
// The file keeps the tables of other adapters; ENGINE_TUNING_FILE names it for every later run.
import * as E from '../engine/index.js';
import type { Backend } from '../engine/backend/backend.js';
import type { ConvGeometry, KernelParams } from '../engine/backend/contracts.js';
import { conv2dGeometry, convTranspose2dGeometry } from '../engine/ops/conv.js';
import { convOperandSizes, type ConvKernelName } from '../engine/backend/webgpu/conv.js';
import { matmulOperandSizes } from '../engine/backend/webgpu/matmul.js';
import { candidatesFor, setChoice, tuningFilePath, tuningKey } from '../engine/backend/webgpu/tuning.js';
import { WebGpuBackend } from '../engine/backend/webgpu/index.js';
import { HostRandom } from '../engine/random/philox.js';
import { flag, formatTable, option } from './lib/cli.js';

type MatmulParams = KernelParams['matmul'];
const CONV_KERNELS: ConvKernelName[] = ['conv2d', 'convTranspose2d', 'conv2dWeightGrad'];
const TOLERANCE = { atol: 1e-4, rtol: 1e-4 };

interface Job {
  name: string;
  kernel: 'matmul' | ConvKernelName;
  params: MatmulParams | (ConvGeometry & { hasBias?: boolean });
  quick: boolean;
}

function matmulJob(name: string, M: number, N: number, K: number, transA: boolean, transB: boolean, quick: boolean): Job {
  return { name, kernel: 'matmul', params: { batch: 1, M, N, K, transA, transB, aBatchStride: M * K, bBatchStride: K * N }, quick };
}

/** The three passes of a conv layer: x (B, C, H, W) * w (C_out, C, k, k). */
function convJobs(name: string, x: number[], w: number[], options: { stride?: number; padding?: number }, quick: boolean, transposed = false): Job[] {
  const cpu = E.cpuBackend();
  const [xt, wt] = [E.zeros(x, cpu), E.zeros(w, cpu)];
  const g = transposed ? convTranspose2dGeometry(xt, wt, null, options) : conv2dGeometry(xt, wt, null, options);
  xt.dispose();
  wt.dispose();
  return CONV_KERNELS.map((kernel) => ({ name: `${name} ${kernel}`, kernel, params: { ...g, hasBias: kernel !== 'conv2dWeightGrad' }, quick }));
}

/** The shape classes of the project's models at their training batch sizes. */
function jobs(): Job[] {
  const B = 128;
  return [
    // the MLP VAE: Linear's y = x W^T, dx = dy W, dW = dy^T x on its 2352-512-256 layers
    matmulJob('VAE 2352->512 y = x W^T', B, 512, 2352, false, true, true),
    matmulJob('VAE 2352->512 dW = dy^T x', 512, 2352, B, true, false, true),
    matmulJob('VAE 512->2352 y = x W^T', B, 2352, 512, false, true, true),
    matmulJob('VAE 512->2352 dx = dy W', B, 512, 2352, false, false, true),
    matmulJob('VAE 512->2352 dW = dy^T x', 2352, 512, B, true, false, true),
    matmulJob('VAE 512->256 y = x W^T', B, 256, 512, false, true, true),
    // the default CycleGAN (batch 16, width 16) and the assignment's (batch 128, width 64)
    ...convJobs('GAN default 3->16', [16, 3, 28, 28], [16, 3, 3, 3], { padding: 1 }, true),
    ...convJobs('GAN default 16->16', [16, 16, 28, 28], [16, 16, 3, 3], { padding: 1 }, true),
    ...convJobs('GAN default 16->3', [16, 16, 28, 28], [3, 16, 3, 3], { padding: 1 }, true),
    ...convJobs('GAN assignment 3->64', [B, 3, 28, 28], [64, 3, 3, 3], { padding: 1 }, false),
    ...convJobs('GAN assignment 64->64', [B, 64, 28, 28], [64, 64, 3, 3], { padding: 1 }, false),
    ...convJobs('GAN assignment 64->3', [B, 64, 28, 28], [3, 64, 3, 3], { padding: 1 }, false),
    ...convJobs('GAN assignment D 16->32', [B, 16, 28, 28], [32, 16, 3, 3], { padding: 1 }, false),
    // the conv VAE: 28 -> 14 -> 7 and back
    ...convJobs('conv VAE 3->32 s2', [B, 3, 28, 28], [32, 3, 4, 4], { stride: 2, padding: 1 }, false),
    ...convJobs('conv VAE 32->64 s2', [B, 32, 14, 14], [64, 32, 4, 4], { stride: 2, padding: 1 }, false),
    ...convJobs('conv VAE up 64->32 s2', [B, 64, 7, 7], [64, 32, 4, 4], { stride: 2, padding: 1 }, false, true),
  ];
}

/** Small odd shapes for the correctness check: ragged tiles, padding, strides, dilation. */
function checkJobs(): Job[] {
  return [
    ...convJobs('check conv s[1,2] p1', [2, 5, 3, 9], [11, 5, 3, 3], { padding: 1 }, true),
    ...convJobs('check conv s2 p1', [2, 6, 5, 7], [19, 6, 4, 4], { stride: 2, padding: 1 }, true),
    ...convJobs('check convT s2 p1', [1, 7, 5, 6], [7, 17, 4, 4], { stride: 2, padding: 1 }, true, true),
    matmulJob('check matmul', 37, 41, 29, false, false, true),
    matmulJob('check matmul A^T', 37, 40, 29, true, false, true),
    matmulJob('check matmul B^T', 37, 41, 28, false, true, true),
  ];
}

function operandSizes(job: Job): { inputs: number[]; output: number } {
  return job.kernel === 'matmul' ? matmulOperandSizes(job.params as MatmulParams) : convOperandSizes(job.kernel, job.params as ConvGeometry);
}

/** Runs the job's kernel on a backend with the given inputs; returns the output's values. */
async function runOn(backend: Backend, job: Job, data: Float32Array[]): Promise<ArrayLike<number>> {
  const inputs = data.map((values) => {
    const s = backend.alloc(values.length);
    backend.write(s, values);
    return s;
  });
  const out = backend.alloc(operandSizes(job).output);
  backend.run(job.kernel, inputs, [out], job.params as never);
  const values = await backend.read(out);
  for (const s of [...inputs, out]) backend.free(s);
  return values;
}

/** Every candidate that can run a check job against the CPU reference; returns the failures. */
async function checkCandidates(gpu: WebGpuBackend): Promise<string[]> {
  const random = new HostRandom(7);
  const failures: string[] = [];
  const rows: string[][] = [];
  for (const job of checkJobs()) {
    const data = operandSizes(job).inputs.map((n) => Float32Array.from({ length: n }, () => 2 * random.uniform() - 1));
    const expected = await runOn(E.cpuBackend(), job, data);
    const key = tuningKey(job.kernel, job.params);
    for (const candidate of candidatesFor(job.kernel, job.params)) {
      setChoice(key, candidate);
      const actual = await runOn(gpu, job, data);
      let maxError = 0;
      let bad = 0;
      for (let i = 0; i < expected.length; i++) {
        const error = Math.abs(actual[i] - expected[i]);
        maxError = Math.max(maxError, Number.isNaN(error) ? Infinity : error);
        if (!(error <= TOLERANCE.atol + TOLERANCE.rtol * Math.abs(expected[i]))) bad++;
      }
      if (bad > 0) failures.push(`${job.name}: ${candidate} (${bad} of ${expected.length} off, max error ${maxError})`);
      rows.push([job.name, candidate, bad > 0 ? `FAIL ${maxError.toExponential(1)}` : maxError.toExponential(1)]);
    }
  }
  console.log(formatTable(['shape', 'candidate', 'max abs error'], rows));
  return failures;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const file = option(args, 'file') ?? tuningFilePath()!;
  const runsText = option(args, 'runs') ?? '3';
  const runs = Number(runsText);
  if (!/^\d+$/.test(runsText) || runs < 1) throw new Error(`tune: --runs must be a positive integer, got '${runsText}'`);
  const gpu = (await E.setBackend('webgpu')) as WebGpuBackend;
  console.log(`adapter: ${gpu.adapterName}\nfile: ${file}\n\nEvery candidate against the float64 CPU reference:`);
  const failures = await checkCandidates(gpu);
  if (failures.length > 0) throw new Error(`tune: candidates disagree with the CPU reference, nothing written:\n${failures.join('\n')}`);

  const selected = jobs().filter((job) => !flag(args, 'quick') || job.quick);
  console.log(`\nTiming ${selected.length} shape classes (median of ${runs} runs per candidate):`);
  const rows: string[][] = [];
  const seen = new Set<string>();
  for (const job of selected) {
    const key = tuningKey(job.kernel, job.params);
    if (seen.has(key)) continue; // another layer of the same class was timed already
    seen.add(key);
    const { choice, ms } = await gpu.tune(job.kernel, job.params as never, runs);
    const ranked = Object.entries(ms).sort((a, b) => a[1] - b[1]);
    const slowest = ranked[ranked.length - 1];
    rows.push([job.name, key, choice, ms[choice].toFixed(1), `${slowest[0]} ${slowest[1].toFixed(1)}`]);
    console.log(rows[rows.length - 1].join('  '));
  }
  console.log('\n' + formatTable(['layer', 'shape class', 'choice', 'ms', 'slowest candidate, ms'], rows));
  await gpu.saveTuningFile(file);
  console.log(`wrote the table of '${gpu.adapterName}' to ${file}`);
  E.releaseDevice();
}

await main();
