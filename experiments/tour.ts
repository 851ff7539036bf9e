// A tour of the engine that runs (npm run tour): one tiny network, forward and backward, on both backends.
// For every op it prints the public call, the autograd node it recorded, and each kernel it dispatched:
// the kernel's name (its record is declared in engine/backend/contracts.ts), the WebGPU label (which
// variant ran) and the WGSL file the shader comes from (found by matching the kernel's source against
// shaders/*.wgsl). The backward pass is shown node by node, in the order autograd visits them. Last, the
// two backends' gradients are compared: the float64 CPU backend is the specification.
//
//   x (1, 1, 6, 6) -conv2d 3x3, 2 channels, pad 1-> relu -> maxPool2d 2 -> flatten -> matmul (18, 1) -> sum
//
// docs/engine.md follows the same path through the code.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from '../engine/index.js';
import type { Backend } from '../engine/backend/backend.js';
import type { KernelName, KernelParams } from '../engine/backend/contracts.js';
import { gpuKernels } from '../engine/backend/webgpu/registry.js';
import { commandLine, toolCommand } from './lib/command.js';

const COMMAND = toolCommand('tour', 'a tiny forward and backward pass on both backends, printing each layer it crosses', {});

interface Dispatch {
  kernel: string;
  label: string;
  file: string;
}

/** The shader files with an entry point (@compute), so a kernel is named after its own file, not a prelude it includes. */
function shaderFiles(): { path: string; text: string }[] {
  return readdirSync('shaders')
    .filter((name) => name.endsWith('.wgsl'))
    .map((name) => ({ path: join('shaders', name), text: readFileSync(join('shaders', name), 'utf8').trim() }))
    .filter((shader) => shader.text.includes('@compute'));
}

/** Records every kernel a backend runs into `sink` (the tour's only hook: it wraps backend.run). */
function traceKernels(backend: Backend, sink: () => Dispatch[]): void {
  const shaders = backend.name === 'webgpu' ? shaderFiles() : [];
  const run = backend.run.bind(backend);
  backend.run = <K extends KernelName>(name: K, inputs: Parameters<Backend['run']>[1], outputs: Parameters<Backend['run']>[2], params: KernelParams[K]) => {
    let label = name as string;
    let file = 'engine/backend/cpu/ (float64 loops)';
    if (backend.name === 'webgpu') {
      const kernel = gpuKernels[name]!;
      label = kernel.label?.(params) ?? name;
      const source = kernel.source(params);
      file = shaders.find((shader) => source.includes(shader.text))?.path ?? '(generated source)';
    }
    sink().push({ kernel: name, label, file });
    run(name, inputs, outputs, params);
  };
}

function printDispatches(dispatches: Dispatch[], indent: string): void {
  for (const d of dispatches) console.log(`${indent}kernel ${d.kernel.padEnd(18)} ${d.label.padEnd(34)} ${d.file}`);
}

/** The tiny network, its calls shown one by one; returns the leaves whose gradients the tour compares. */
async function walk(backendName: 'cpu' | 'webgpu', verbose: boolean): Promise<Float64Array[]> {
  const backend = await E.setBackend(backendName);
  let bucket: Dispatch[] = [];
  traceKernels(backend, () => bucket);
  E.manualSeed(3);
  const x = E.randn([1, 1, 6, 6]);
  const w = E.randn([2, 1, 3, 3]).mul(0.5);
  const v = E.randn([18, 1]).mul(0.3);
  w.requiresGrad = true;
  v.requiresGrad = true;
  const step = (call: string, fn: () => E.Tensor): E.Tensor => {
    bucket = [];
    const out = fn();
    if (verbose) {
      console.log(`  ${call.padEnd(34)} -> shape [${out.shape.join(', ')}], autograd node: ${out.node?.op ?? '(none)'}`);
      printDispatches(bucket, '      ');
    }
    return out;
  };
  if (verbose) console.log(`forward on ${backendName}:`);
  const h = step('E.conv2d(x, w, null, { padding: 1 })', () => E.conv2d(x, w, null, { padding: 1 }));
  const r = step('E.relu(h)', () => E.relu(h));
  const p = step('E.maxPool2d(r, { kernel: 2 })', () => E.maxPool2d(r, { kernel: 2 }));
  const f = step('E.flatten(p)', () => E.flatten(p));
  const y = step('E.matmul(f, v)', () => E.matmul(f, v));
  const loss = step('E.sum(y)', () => E.sum(y));

  // backward: wrap each recorded node's rule so the kernels it runs are shown under its name
  if (verbose) console.log(`backward on ${backendName} (loss.backward(), node by node):`);
  const seen = new Set<E.Tensor>();
  const wrap = (t: E.Tensor) => {
    if (seen.has(t) || !t.node) return;
    seen.add(t);
    const node = t.node;
    const rule = node.backward;
    node.backward = (dy) => {
      showAutograd();
      const grads = rule(dy);
      if (verbose) {
        console.log(`  node ${node.op.padEnd(29)} d/d inputs: ${grads.map((g) => (g ? `[${g.shape.join(', ')}]` : 'none')).join(', ')}`);
        printDispatches(bucket, '      ');
      }
      bucket = [];
      return grads;
    };
    node.inputs.forEach(wrap);
  };
  // what autograd itself runs between the rules: the seed gradient, sums to an input's shape, accumulation
  const showAutograd = () => {
    if (verbose && bucket.length > 0) {
      console.log('  autograd (seed, sums to input shapes, accumulation)');
      printDispatches(bucket, '      ');
    }
    bucket = [];
  };
  wrap(loss);
  bucket = [];
  loss.backward();
  showAutograd();
  const grads = [Float64Array.from(await w.grad!.toArray()), Float64Array.from(await v.grad!.toArray())];
  for (const t of [x, w, v, h, r, p, f, y, loss]) t.dispose();
  return grads;
}

async function main(): Promise<void> {
  if (!commandLine(COMMAND)) return;
  const cpu = await walk('cpu', true);
  console.log('');
  const gpu = await walk('webgpu', true);
  let worst = 0;
  cpu.forEach((g, i) => g.forEach((value, j) => (worst = Math.max(worst, Math.abs(value - gpu[i][j]) / (1e-6 + Math.abs(value))))));
  console.log(`\ngradients of w and v: the WebGPU backend (float32) within ${worst.toExponential(1)} (relative) of the CPU backend (float64)`);
  E.releaseDevice();
  if (worst > 1e-3) {
    console.error('tour: the backends disagree');
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  E.releaseDevice();
  process.exitCode = 1;
});
