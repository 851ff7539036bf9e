import * as E from '../../engine/index.js';
import { conv2dGeometry } from '../../engine/ops/conv.js';
import { convVersions, forceConvVersion, implicitGemm, type ConvVersion } from '../../engine/backend/webgpu/conv.js';
import { timeGpu } from '../lib/timing.js';
import commonSource from '../../shaders/conv_common.wgsl';
import src from '../../shaders/conv2d_implicit_gemm.wgsl';
import srcq from '../../shaders/scratch_q.wgsl';
const gpu = await E.webgpu(); await E.setBackend('webgpu');
const B = 128;
const cpu = E.cpuBackend();
const [cin, cout] = (process.argv[3] ?? '32x64').split('x').map(Number);
const g = conv2dGeometry(E.zeros([B,cin,28,28],cpu), E.zeros([cout,cin,3,3],cpu), null, {padding:1});
const hdr = (t: Record<string, number>) => Object.entries(t).map(([k, v]) => `const ${k}: u32 = ${v}u;\n`).join('');
const names: string[] = ['v2'];
for (const s of (process.argv[2] ?? 'a8x16x8').split(',')) {
  const kind = s[0]; const [wg, tm, tn] = s.slice(1).split('x').map(Number);
  if (kind === 'a') convVersions.conv2d.push(implicitGemm(s, src, (g) => ({ rows: g.outChannels, columns: g.batch*g.outH*g.outW, phases: 1 }), () => ({wg,tm,tn})));
  else convVersions.conv2d.push({ name: s, source: () => hdr({TM: tm, TN: tn}) + commonSource + srcq, constants: () => ({WG: wg}),
    workgroups: (g) => [Math.ceil(g.batch*g.outH*g.outW/(wg*tn)), Math.ceil(g.outChannels/tm), 1] } as ConvVersion);
  names.push(s);
}
const x = E.rand([B*cin*28*28], {backend: gpu}), w = E.rand([cout*cin*9], {backend: gpu}), b = E.rand([cout], {backend: gpu});
const fl = 2*B*cout*28*28*cin*9;
// correctness vs v2
const ref = gpu.alloc(B*cout*784); forceConvVersion('conv2d','v2'); gpu.run('conv2d', [x.storage, w.storage, b.storage], [ref], {...g, hasBias: true}); const r0 = await gpu.read(ref);
for (const name of names.slice(1)) { forceConvVersion('conv2d', name); const y = gpu.alloc(B*cout*784); gpu.run('conv2d', [x.storage, w.storage, b.storage], [y], {...g, hasBias: true}); const r = await gpu.read(y); let e = 0; for (let i = 0; i < r.length; i++) e = Math.max(e, Math.abs(r[i]-r0[i])); console.log(name, 'max err vs v2', e); gpu.free(y); }
for (let rep = 0; rep < 2; rep++) for (const name of names) {
  forceConvVersion('conv2d', name);
  const r = await timeGpu(() => { const y = gpu.alloc(B*cout*784); gpu.run('conv2d', [x.storage, w.storage, b.storage], [y], {...g, hasBias: true}); gpu.free(y); }, {warmup:1, runs:5});
  console.log(name, r.ms.toFixed(1), 'ms', (fl/r.ms/1e6).toFixed(2), 'GFLOP/s');
}

{
const gpu2 = await E.webgpu();
const A = E.rand([cout, cin*9], {backend: gpu2}), Bm = E.rand([cin*9, B*784], {backend: gpu2});
for (let rep = 0; rep < 2; rep++) { const r = await timeGpu(() => { E.matmul(A, Bm).dispose(); }, {warmup:1, runs:5}); console.log('matmul', cout, cin*9, B*784, r.ms.toFixed(1), (fl/r.ms/1e6).toFixed(2)); }
}
E.releaseDevice();
