import * as E from '../../engine/index.js';
const gpu = await E.webgpu();
const dev = gpu.device;
const N_ACC = Number(process.argv[2] ?? 8);
const TM = Number(process.argv[3] ?? 0);
const ITERS = 4096;
const code2 = `
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  var acc: array<array<f32, ${N_ACC}>, ${TM}>;
  var b: array<f32, ${N_ACC}>;
  for (var j = 0u; j < ${N_ACC}u; j++) { b[j] = f32(gid.x + j) * 0.001; }
  let m = out[0] * 0.5 + 0.999;
  for (var k = 0u; k < ${ITERS}u; k++) {
    for (var i = 0u; i < ${TM}u; i++) {
      let a = m + f32(i);
      for (var j = 0u; j < ${N_ACC}u; j++) { acc[i][j] = fma(a, b[j], acc[i][j]); }
    }
  }
  var s = 0.0;
  for (var i = 0u; i < ${TM}u; i++) { for (var j = 0u; j < ${N_ACC}u; j++) { s += acc[i][j]; } }
  out[gid.x] = s;
}`;
const LOADB = process.argv[4] === '1' || process.argv[4] === '3';
const LOADA = process.argv[4] === '2' || process.argv[4] === '3';
const code3 = `
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  var acc: array<array<f32, ${N_ACC}>, ${TM}>;
  var b: array<f32, ${N_ACC}>;
  for (var j = 0u; j < ${N_ACC}u; j++) { b[j] = f32(gid.x + j) * 0.001; }
  let m = out[0] * 0.5 + 0.999;
  for (var k = 0u; k < ${ITERS}u; k++) {
    ${LOADB ? `for (var j = 0u; j < ${N_ACC}u; j++) { b[j] = src[(k * 64u + lid.x + j * 8u) % 65536u]; }` : ''}
    for (var i = 0u; i < ${TM}u; i++) {
      let a = ${LOADA ? `src[(k * ${TM}u + i + wid.x) % 65536u]` : 'm + f32(i)'};
      for (var j = 0u; j < ${N_ACC}u; j++) { acc[i][j] = fma(a, b[j], acc[i][j]); }
    }
  }
  var s = 0.0;
  for (var i = 0u; i < ${TM}u; i++) { for (var j = 0u; j < ${N_ACC}u; j++) { s += acc[i][j]; } }
  out[gid.x] = s;
}`;
const MODE = process.argv[5] ?? 'scalar';
const code4 = `
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read> src4: array<vec4<f32>>;
var<workgroup> tile: array<f32, ${TM * 64}>;
@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  var acc: array<array<f32, ${N_ACC}>, ${TM}>;
  var b: array<f32, ${N_ACC}>;
  for (var k0 = 0u; k0 < ${ITERS}u; k0 += 64u) {
    ${MODE === 'shared' ? `workgroupBarrier();
    for (var t = lid.x; t < ${TM * 64}u; t += 8u) { tile[t] = src[(k0 * ${TM}u + t + wid.x) % 65536u]; }
    workgroupBarrier();` : ''}
    for (var kk = 0u; kk < 64u; kk++) {
      let k = k0 + kk;
      ${MODE.startsWith('b4') ? `for (var g = 0u; g < ${N_ACC / 4}u; g++) { let v = src4[(k * 16u + lid.x + g * 8u) % 16384u]; b[g * 4u] = v.x; b[g * 4u + 1u] = v.y; b[g * 4u + 2u] = v.z; b[g * 4u + 3u] = v.w; }` : `for (var j = 0u; j < ${N_ACC}u; j++) { b[j] = src[(k * 64u + lid.x + j * 8u) % 65536u]; }`}
      ${MODE === 'vec4' || MODE === 'b4a4' ? `
      for (var q = 0u; q < ${TM / 4}u; q++) {
        let a4 = src4[(k * ${TM / 4}u + q + wid.x) % 16384u];
        for (var c = 0u; c < 4u; c++) {
          for (var j = 0u; j < ${N_ACC}u; j++) { acc[q * 4u + c][j] = fma(a4[c], b[j], acc[q * 4u + c][j]); }
        }
      }` : `
      for (var i = 0u; i < ${TM}u; i++) {
        let a = ${MODE === 'shared' ? `tile[kk * ${TM}u + i]` : `src[(k * ${TM}u + i + wid.x) % 65536u]`};
        for (var j = 0u; j < ${N_ACC}u; j++) { acc[i][j] = fma(a, b[j], acc[i][j]); }
      }`}
    }
  }
  var s = 0.0;
  for (var i = 0u; i < ${TM}u; i++) { for (var j = 0u; j < ${N_ACC}u; j++) { s += acc[i][j]; } }
  out[gid.x] = s;
}`;
const code1 = `
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  var acc: array<f32, ${N_ACC}>;
  for (var i = 0u; i < ${N_ACC}u; i++) { acc[i] = f32(gid.x + i); }
  let m = out[0] * 0.5 + 0.999;
  let c = out[1] * 0.5 + 0.001;
  for (var k = 0u; k < ${ITERS}u; k++) {
    for (var i = 0u; i < ${N_ACC}u; i++) { acc[i] = fma(acc[i], m, c); }
  }
  var s = 0.0;
  for (var i = 0u; i < ${N_ACC}u; i++) { s += acc[i]; }
  out[gid.x] = s;
}`;
const code = process.argv[5] ? code4 : process.argv[4] ? code3 : TM > 0 ? code2 : code1;
const module = dev.createShaderModule({ code });
const pipeline = dev.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
const threads = 64 * 256;
const buf = dev.createBuffer({ size: threads * 4, usage: GPUBufferUsage.STORAGE });
const srcBuf = dev.createBuffer({ size: 65536 * 4, usage: GPUBufferUsage.STORAGE });
const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: buf } }];
if (process.argv[4] && process.argv[4] !== '0') entries.push({ binding: 1, resource: { buffer: srcBuf } });
if (MODE === 'vec4' || MODE.startsWith('b4')) entries.push({ binding: 2, resource: { buffer: srcBuf } });
const bg = dev.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
for (let rep = 0; rep < 4; rep++) {
  const t0 = performance.now();
  const enc = dev.createCommandEncoder(); const pass = enc.beginComputePass(); pass.setPipeline(pipeline); pass.setBindGroup(0, bg); pass.dispatchWorkgroups(process.argv[4] ? 2048 : 256); pass.end();
  dev.queue.submit([enc.finish()]); await dev.queue.onSubmittedWorkDone();
  const ms = performance.now() - t0;
  console.log(`acc ${N_ACC}: ${ms.toFixed(1)} ms, ${(2 * threads * ITERS * N_ACC * Math.max(TM, 1) / ms / 1e6).toFixed(1)} GFLOP/s`);
}
E.releaseDevice();
