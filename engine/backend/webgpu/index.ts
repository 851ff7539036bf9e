// The WebGPU backend. Storage is a pooled GPUBuffer; a kernel run records one compute pass into the open
// command encoder; the encoder is submitted only when a result is read, when a host write must be ordered
// after it, when the batch grows large, or on flush(). Nothing here reads back inside an op.
//
//   uniforms  every dispatch's uniform record goes into one arena (a 256-byte slot each), written with one
//             queue.writeBuffer just before its batch is submitted; queue order makes reuse safe.
//   pool      freed buffers go to a free list by size class, and are reused even while earlier recorded
//             passes still read them: those passes run first, in queue order.
//   errors    validation errors arrive as uncaptured-error events and are thrown at the next flush/read;
//             passes, bind groups and pipelines carry the kernel's label, so the message names it.
//   debug     with ENGINE_DEBUG=1 (or setDebug(true)) every kernel output is scanned for NaN/Inf on the GPU,
//             and the next flush names the first kernel that produced one.
//   tuning    tunable kernels (matmul, the implicit-GEMM convolutions) run the candidate the adapter's tuning
//             table chooses for each shape class (tuning.ts); ENGINE_TUNE=1 times the classes met without a
//             choice at the next flush, and tune() times one on demand (npm run tune).
//   profile   with ENGINE_PROFILE=1 (or setProfile(true)) every kernel is timed (profiler.ts) and a table per
//             kernel is printed when the process exits.
import type { Backend, MemoryStats, Storage } from '../backend.js';
import type { KernelName, KernelParams } from '../contracts.js';
import { acquireDevice } from './device.js';
import { MAX_WORKGROUPS_PER_DIMENSION, UNIFORM_SLOT_BYTES, gpuKernels, spreadWorkgroups, type GpuDispatch, type GpuRecorder } from './registry.js';
import { FiniteCheck } from './finite-check.js';
import { Profiler } from './profiler.js';
import { setSubgroupSize } from './rows.js';
import { candidatesFor, loadTuningFile, saveTuningFile, setChoice, takePending, tunable, tuningFilePath, tuningKey } from './tuning.js';
import './elementwise.js';
import './reduce.js';
import './matmul.js';
import './shape.js';
import './random.js';
import './optim.js';
import './conv.js';

const BYTES_PER_FLOAT = 4;
const VEC4_BYTES = 16;
const UNIFORM_ARENA_SLOTS = 4096; // also the most dispatches one submitted batch holds
const SLOW_CANDIDATE = 3; // tuning: a candidate this many times slower than the best is run once only

export class GpuStorage implements Storage {
  constructor(
    readonly buffer: GPUBuffer,
    readonly size: number,
  ) {}
}

/** Buffers come in size classes at most 1/8 apart, so a freed buffer fits many later requests. */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return 256;
  const step = 2 ** (Math.floor(Math.log2(bytes)) - 3);
  return Math.ceil(bytes / step) * step;
}

export class WebGpuBackend implements Backend, GpuRecorder {
  readonly name = 'webgpu' as const;
  private freeBuffers = new Map<number, GPUBuffer[]>();
  private freeStaging = new Map<number, GPUBuffer[]>();
  private live = new Set<GpuStorage>();
  private liveBytes = 0;
  private modules = new Map<string, GPUShaderModule>();
  private pipelines = new Map<string, GPUComputePipeline>();
  private encoder: GPUCommandEncoder | null = null;
  private uniformArena: GPUBuffer;
  private uniformStaging = new Uint8Array(UNIFORM_ARENA_SLOTS * UNIFORM_SLOT_BYTES);
  private dispatches = 0;
  private errors: string[] = [];
  private finiteCheck: FiniteCheck | null = null;
  private profiler: Profiler | null = null;

  static async create(): Promise<WebGpuBackend> {
    const { device, adapterName, subgroupSize } = await acquireDevice();
    setSubgroupSize(subgroupSize);
    await loadTuningFile(adapterName); // this adapter's kernel choices, when a tuning file has them (Node)
    return new WebGpuBackend(device, adapterName);
  }

  constructor(
    readonly device: GPUDevice,
    readonly adapterName: string,
  ) {
    this.uniformArena = device.createBuffer({
      label: 'uniform arena',
      size: this.uniformStaging.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    // Dawn reports validation errors asynchronously; the message names the labelled pass or pipeline,
    // that is the kernel. They are rethrown at the next flush or read.
    device.addEventListener('uncapturederror', (event) => {
      this.errors.push((event as GPUUncapturedErrorEvent).error.message);
    });
    // Under Node the switches also come from the environment; in a browser they are these methods alone.
    const env = typeof process === 'undefined' ? {} : process.env;
    if (env.ENGINE_DEBUG === '1') this.setDebug(true);
    if (env.ENGINE_PROFILE === '1') this.setProfile(true);
  }

  /** Turns the NaN/Inf check of every kernel output on or off. */
  setDebug(on: boolean): void {
    this.finiteCheck = on ? new FiniteCheck(this.device) : null;
  }

  /** Turns the kernel profiler on (under Node its table is printed to stderr at exit) or off. */
  setProfile(on: boolean): void {
    if (on === (this.profiler !== null)) return;
    if (!on) {
      this.profiler = null;
      return;
    }
    const profiler = new Profiler(this.device, this.adapterName);
    this.profiler = profiler;
    if (typeof process !== 'undefined') process.once('exit', () => process.stderr.write(`\n${profiler.report()}\n`));
  }

  /** The profiler's table so far (flushed work only), or null when not profiling. */
  profileReport(): string | null {
    return this.profiler?.report() ?? null;
  }

  /** Marks the end of a training step for the profiler's per-step counts (nothing when not profiling). */
  markStep(): void {
    this.profiler?.markStep();
  }

  alloc(n: number): GpuStorage {
    const bytes = Math.max(n, 1) * BYTES_PER_FLOAT;
    const cls = sizeClass(bytes);
    const buffer =
      this.freeBuffers.get(cls)?.pop() ??
      this.device.createBuffer({
        size: cls,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
    const storage = new GpuStorage(buffer, n);
    this.live.add(storage);
    this.liveBytes += n * BYTES_PER_FLOAT;
    return storage;
  }

  free(storage: Storage): void {
    const s = storage as GpuStorage;
    if (!this.live.delete(s)) return;
    this.liveBytes -= s.size * BYTES_PER_FLOAT;
    const cls = s.buffer.size;
    if (!this.freeBuffers.has(cls)) this.freeBuffers.set(cls, []);
    this.freeBuffers.get(cls)!.push(s.buffer);
  }

  write(storage: Storage, data: ArrayLike<number>): void {
    const s = storage as GpuStorage;
    if (data.length !== s.size) throw new Error(`webgpu write: ${data.length} values into storage of ${s.size}`);
    if (s.size === 0) return;
    this.submit(); // the buffer may be a reused one that recorded passes still read
    const values = data instanceof Float32Array ? data : Float32Array.from(data);
    this.device.queue.writeBuffer(s.buffer, 0, values.buffer, values.byteOffset, values.byteLength);
  }

  async read(storage: Storage): Promise<Float32Array> {
    const s = storage as GpuStorage;
    if (s.size === 0) return new Float32Array(0);
    const bytes = s.size * BYTES_PER_FLOAT;
    const cls = sizeClass(bytes);
    const staging =
      this.freeStaging.get(cls)?.pop() ??
      this.device.createBuffer({ size: cls, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.openEncoder().copyBufferToBuffer(s.buffer, 0, staging, 0, bytes);
    this.profiler?.noteReadback();
    await this.flush();
    await staging.mapAsync(GPUMapMode.READ, 0, bytes);
    const result = new Float32Array(staging.getMappedRange(0, bytes).slice(0));
    staging.unmap();
    if (!this.freeStaging.has(cls)) this.freeStaging.set(cls, []);
    this.freeStaging.get(cls)!.push(staging);
    return result;
  }

  /** Records kernel `name`: one dispatch, or a composite variant's; `context` (a composite's name) prefixes the label. */
  run<K extends KernelName>(name: K, inputs: Storage[], outputs: Storage[], params: KernelParams[K], context?: string): void {
    const kernel = gpuKernels[name];
    if (!kernel) throw new Error(`webgpu backend: kernel '${name}' has no WGSL implementation`);
    if (kernel.record?.(this, inputs, outputs, params)) return;
    const label = kernel.label?.(params) ?? name;
    this.dispatch(kernel, inputs, outputs, params, context ? `${context}: ${label}` : label);
  }

  /** Records one dispatch of `kernel` (a composite variant's steps come here too), labelled `label`. */
  dispatch<P>(kernel: GpuDispatch<P>, inputs: Storage[], outputs: Storage[], params: P, label = kernel.label?.(params) ?? 'kernel'): void {
    const count = kernel.workgroups(params);
    const workgroups = typeof count === 'number' ? spreadWorkgroups(count) : count;
    if (workgroups[0] * workgroups[1] * workgroups[2] === 0) return; // empty tensors: nothing to compute
    if (workgroups.some((w) => w > MAX_WORKGROUPS_PER_DIMENSION)) {
      throw new Error(`webgpu: kernel '${label}' needs [${workgroups.join(', ')}] workgroups; at most ${MAX_WORKGROUPS_PER_DIMENSION} per dimension`);
    }
    if (this.dispatches >= UNIFORM_ARENA_SLOTS || this.profiler?.full) this.submit();

    const pipeline = this.pipeline(label, kernel.source(params), kernel.entryPoint ?? 'main', kernel.constants?.(params));
    const entries: GPUBindGroupEntry[] = [];
    const uniforms = kernel.uniforms?.(params);
    if (uniforms) entries.push({ binding: 0, resource: this.uniformSlot(uniforms) });
    const storages = [...inputs, ...outputs] as GpuStorage[];
    for (const s of storages) {
      // Bound in whole 16-byte units (size classes are multiples of 32 bytes), so kernels may read
      // vec4<f32>; every kernel bounds its own loops by the sizes in its uniforms, never by arrayLength.
      const size = Math.ceil((Math.max(s.size, 1) * BYTES_PER_FLOAT) / VEC4_BYTES) * VEC4_BYTES;
      entries.push({ binding: entries.length, resource: { buffer: s.buffer, size } });
    }
    const bindGroup = this.device.createBindGroup({ label, layout: pipeline.getBindGroupLayout(0), entries });
    const timestampWrites = this.profiler?.beginPass(label, storages.reduce((n, s) => n + s.size * BYTES_PER_FLOAT, 0), kernel.flops?.(params) ?? 0);
    const pass = this.openEncoder().beginComputePass({ label, timestampWrites });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(...workgroups);
    pass.end();
    this.dispatches++;
    if (this.finiteCheck) {
      for (const [i, s] of (outputs as GpuStorage[]).entries()) {
        this.finiteCheck.record(this.openEncoder(), s.buffer, s.size, label, i);
      }
    }
    if (this.profiler?.submitsEachDispatch) this.submit();
  }

  async flush(): Promise<void> {
    await this.settle();
    const classes = takePending();
    if (classes.length === 0) return;
    for (const { kernel, params } of classes) await this.tune(kernel as KernelName, params as KernelParams[KernelName]);
    await this.saveTuningFile();
  }

  /** Submits and waits for the recorded work; throws the first error a kernel raised. */
  private async settle(): Promise<void> {
    this.submit();
    await this.device.queue.onSubmittedWorkDone();
    const errors = this.errors.splice(0);
    if (errors.length > 0) throw new Error(`webgpu: ${errors[0]}`);
    if (this.finiteCheck) await this.finiteCheck.report();
    await this.profiler?.collect();
  }

  /**
   * Times every candidate of a tunable kernel that can run the call on a call of params' shape (inputs
   * filled with 0.5), records the fastest as the choice for its shape class and returns the median ms of
   * each. A candidate whose first run takes over SLOW_CANDIDATE times the best so far is not run again.
   */
  async tune<K extends KernelName>(kernel: K, params: KernelParams[K], runs = 3): Promise<{ key: string; choice: string; ms: Record<string, number> }> {
    const t = tunable(kernel);
    if (!t) throw new Error(`webgpu tune: kernel '${kernel}' is not tunable`);
    const key = tuningKey(kernel, params);
    const { inputs, output } = t.operandSizes(params);
    const storages = inputs.map((n) => {
      const s = this.alloc(n);
      this.run('fill', [], [s], { n, value: 0.5 });
      return s;
    });
    const out = this.alloc(output);
    const ms: Record<string, number> = {};
    let best = Infinity;
    for (const candidate of candidatesFor(kernel, params)) {
      setChoice(key, candidate);
      const samples: number[] = [];
      for (let i = 0; i <= runs; i++) {
        const t0 = performance.now();
        this.run(kernel, storages, [out], params);
        await this.settle();
        if (i > 0) samples.push(performance.now() - t0); // the first run compiles the pipeline
        if (i === 1 && samples[0] > SLOW_CANDIDATE * best) break;
      }
      samples.sort((a, b) => a - b);
      ms[candidate] = samples[Math.floor(samples.length / 2)];
      best = Math.min(best, ms[candidate]);
    }
    const choice = Object.entries(ms).sort((a, b) => a[1] - b[1])[0][0];
    setChoice(key, choice);
    for (const s of [...storages, out]) this.free(s);
    return { key, choice, ms };
  }

  /** Writes this adapter's table into the tuning file, keeping the other adapters' tables (atomically). */
  async saveTuningFile(path = tuningFilePath()): Promise<void> {
    await saveTuningFile(this.adapterName, path);
  }

  memory(): MemoryStats {
    return { liveBuffers: this.live.size, liveBytes: this.liveBytes };
  }

  /** Pipelines are cached by source, entry point and constants; shader modules by source. */
  private pipeline(label: string, source: string, entryPoint: string, constants?: Record<string, number>): GPUComputePipeline {
    const key = `${entryPoint}|${JSON.stringify(constants ?? {})}|${source}`;
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      let module = this.modules.get(source);
      if (!module) {
        module = this.device.createShaderModule({ label, code: source });
        this.modules.set(source, module);
      }
      pipeline = this.device.createComputePipeline({ label, layout: 'auto', compute: { module, entryPoint, constants } });
      this.pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  private uniformSlot(record: ArrayBuffer): GPUBufferBinding {
    if (record.byteLength > UNIFORM_SLOT_BYTES) throw new Error(`uniform record of ${record.byteLength} bytes is too large`);
    const offset = this.dispatches * UNIFORM_SLOT_BYTES;
    this.uniformStaging.set(new Uint8Array(record), offset);
    return { buffer: this.uniformArena, offset, size: record.byteLength };
  }

  private openEncoder(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    return this.encoder;
  }

  /** Writes this batch's uniforms, then submits its command buffer (queue order keeps them paired). */
  private submit(): void {
    if (!this.encoder) return;
    if (this.dispatches > 0) {
      this.device.queue.writeBuffer(this.uniformArena, 0, this.uniformStaging, 0, this.dispatches * UNIFORM_SLOT_BYTES);
    }
    this.finiteCheck?.beforeSubmit();
    this.profiler?.beforeSubmit(this.encoder);
    this.device.queue.submit([this.encoder.finish()]);
    this.profiler?.afterSubmit();
    this.encoder = null;
    this.dispatches = 0;
  }

  destroy(): void {
    this.device.destroy();
  }
}
