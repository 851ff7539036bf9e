// What an adapter charges for the pieces of a register-blocked kernel: a synthetic matmul-shaped loop in
// which each thread keeps TM x TN accumulators and, per step of k, either reads nothing (values from
// registers), reads its TN values of B per thread ("gathers": a different address in every thread), reads
// them as vec4s, reads TM values of A that are the same in every thread of the workgroup ("uniform"), or
// both, or reads each thread's share of the TM values and hands them round by subgroup shuffles
// ("subgroup", as engine/backend/webgpu/rows.ts does; adapters with subgroups). The GFLOP/s of each variant
// show where a kernel's time goes: on lavapipe, loads cost far more than multiply-adds, a value that is the
// same in every thread costs at least as much as a gathered one, and a shuffle far less than either
// (bench/results/compare-lavapipe.md).
//   node dist/bench/costs.mjs [--rows 16] [--columns 8]
import * as E from '../engine/index.js';
import { formatTable, option } from './lib/cli.js';

const THREADS = 8; // per workgroup, as the engine's register-blocked kernels
const WORKGROUPS = 2048;
const STEPS = 4096; // of k
const SOURCE_FLOATS = 65536;
const RUNS = 3;

type Variant = 'registers' | 'gathers' | 'vec4 gathers' | 'uniform' | 'uniform + gathers' | 'uniform + vec4 gathers' | 'subgroup' | 'subgroup + gathers';
const VARIANTS: Variant[] = ['registers', 'gathers', 'vec4 gathers', 'uniform', 'uniform + gathers', 'uniform + vec4 gathers', 'subgroup', 'subgroup + gathers'];
const SUBGROUP_VARIANTS = VARIANTS.filter((variant) => variant.startsWith('subgroup'));

/** The kernel of one variant (TN a multiple of 4 for the vec4 reads). */
function source(variant: Variant, rows: number, columns: number): string {
  const loadB = variant.includes('vec4')
    ? `for (var g = 0u; g < ${columns / 4}u; g++) { let v = src4[(k * ${THREADS * columns / 4}u + lid.x + g * ${THREADS}u) % ${SOURCE_FLOATS / 4}u]; b[4u * g] = v.x; b[4u * g + 1u] = v.y; b[4u * g + 2u] = v.z; b[4u * g + 3u] = v.w; }`
    : variant.includes('gathers')
      ? `for (var j = 0u; j < ${columns}u; j++) { b[j] = src[(k * ${THREADS * columns}u + lid.x + j * ${THREADS}u) % ${SOURCE_FLOATS}u]; }`
      : '';
  const shared = variant.startsWith('subgroup');
  // subgroup: lane l loads rows l, l + 8, ...; row i is slot i / 8 of lane i % 8 (rows a multiple of 8)
  const slots = `var slot: array<f32, ${rows / THREADS}>;
    for (var s = 0u; s < ${rows / THREADS}u; s++) { slot[s] = src[(k * ${rows}u + s * ${THREADS}u + lid.x + wid.x) % ${SOURCE_FLOATS}u]; }`;
  const a = variant.startsWith('uniform')
    ? `src[(k * ${rows}u + i + wid.x) % ${SOURCE_FLOATS}u]`
    : shared
      ? `subgroupShuffle(slot[i / ${THREADS}u], i % ${THREADS}u)`
      : 'm + f32(i)';
  return `${shared ? 'enable subgroups;' : ''}
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read> src4: array<vec4<f32>>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  _ = src[0];
  _ = src4[0];
  var acc: array<array<f32, ${columns}>, ${rows}>;
  var b: array<f32, ${columns}>;
  for (var j = 0u; j < ${columns}u; j++) { b[j] = f32(gid.x + j) * 0.001; }
  let m = out[0] * 0.5 + 0.999;
  for (var k = 0u; k < ${STEPS}u; k++) {
    ${loadB}
    ${shared ? slots : ''}
    for (var i = 0u; i < ${rows}u; i++) {
      let a = ${a};
      for (var j = 0u; j < ${columns}u; j++) { acc[i][j] = fma(a, b[j], acc[i][j]); }
    }
  }
  var s = 0.0;
  for (var i = 0u; i < ${rows}u; i++) { for (var j = 0u; j < ${columns}u; j++) { s += acc[i][j]; } }
  out[gid.x] = s;
}`;
}

/** Median ms of one dispatch of the variant's kernel. */
async function time(device: GPUDevice, code: string): Promise<number> {
  const module = device.createShaderModule({ code });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const usage = GPUBufferUsage.STORAGE;
  const [out, src] = [device.createBuffer({ size: WORKGROUPS * THREADS * 4, usage }), device.createBuffer({ size: SOURCE_FLOATS * 4, usage })];
  const entries = [out, src, src].map((buffer, binding) => ({ binding, resource: { buffer } }));
  const bindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
  const samples: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const start = performance.now();
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(WORKGROUPS);
    pass.end();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    if (run > 0) samples.push(performance.now() - start); // the first run compiles
  }
  for (const b of [out, src]) b.destroy();
  return samples.sort((x, y) => x - y)[Math.floor(samples.length / 2)];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const rows = Number(option(args, 'rows') ?? 16);
  const columns = Number(option(args, 'columns') ?? 8);
  if (!Number.isInteger(rows) || rows < THREADS || rows % THREADS !== 0 || !Number.isInteger(columns) || columns < 4 || columns % 4 !== 0) {
    throw new Error(`bench/costs: --rows must be a multiple of ${THREADS} and --columns a multiple of 4, got ${rows} and ${columns}`);
  }
  const gpu = await E.webgpu();
  console.log(`adapter: ${gpu.adapterName}\n${THREADS} threads x ${rows} x ${columns} accumulators each, ${STEPS} steps of k, ${WORKGROUPS} workgroups`);
  const flops = 2 * WORKGROUPS * THREADS * STEPS * rows * columns;
  const rowsOut: string[][] = [];
  const subgroups = gpu.device.features.has('subgroups');
  for (const variant of VARIANTS) {
    if (!subgroups && SUBGROUP_VARIANTS.includes(variant)) {
      rowsOut.push([variant, '-', '(no subgroups)']);
      continue;
    }
    const ms = await time(gpu.device, source(variant, rows, columns));
    rowsOut.push([variant, ms.toFixed(1), (flops / ms / 1e6).toFixed(1)]);
  }
  console.log(formatTable(['per step of k', 'ms', 'GFLOP/s'], rowsOut));
  E.releaseDevice();
}

await main();
