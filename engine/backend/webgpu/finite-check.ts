// Debug mode: after every kernel, a tiny kernel scans each output for NaN/Inf and sets a flag in the slot
// of that (kernel, output) pair. At the next flush the flags are read back once and the first flagged slot
// names the kernel that produced the first non-finite value. Slots are numbered across batches until the
// report, so a batch submitted early (by a host write) keeps its flags.
import finiteCheckSource from '../../../shaders/finite-check.wgsl';
import indexCommonSource from '../../../shaders/index_common.wgsl';
import { UNIFORM_SLOT_BYTES, spreadWorkgroups } from './registry.js';

const WORKGROUP_SIZE = 256;
const SLOTS = 1 << 16;
const CHECKS_PER_BATCH = 16384; // outputs checked per batch: a few per dispatch

export class FiniteCheck {
  private flags: GPUBuffer;
  private readback: GPUBuffer;
  private uniforms: GPUBuffer;
  private uniformStaging = new Uint32Array((CHECKS_PER_BATCH * UNIFORM_SLOT_BYTES) / 4);
  private pipeline: GPUComputePipeline;
  private labels: string[] = [];
  private checksInBatch = 0;

  constructor(private device: GPUDevice) {
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    this.flags = device.createBuffer({ label: 'finite-check flags', size: SLOTS * 4, usage });
    this.readback = device.createBuffer({ size: SLOTS * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.uniforms = device.createBuffer({
      size: this.uniformStaging.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    const module = device.createShaderModule({ label: 'finite-check', code: indexCommonSource + finiteCheckSource });
    this.pipeline = device.createComputePipeline({
      label: 'finite-check',
      layout: 'auto',
      compute: { module, entryPoint: 'main', constants: { WG: WORKGROUP_SIZE } },
    });
  }

  /** Records a scan of `buffer[0..n)` into the encoder; the caller submits before CHECKS_PER_BATCH. */
  record(encoder: GPUCommandEncoder, buffer: GPUBuffer, n: number, kernel: string, output: number): void {
    if (n === 0) return;
    if (this.labels.length >= SLOTS) {
      throw new Error(`ENGINE_DEBUG: more than ${SLOTS} kernel outputs between two reads; call flush() more often`);
    }
    if (this.checksInBatch >= CHECKS_PER_BATCH) throw new Error('ENGINE_DEBUG: too many checks in one batch');
    const slot = this.labels.length;
    this.labels.push(`'${kernel}' (output ${output})`);
    const offset = this.checksInBatch * UNIFORM_SLOT_BYTES;
    this.uniformStaging.set([n, slot], offset / 4);
    this.checksInBatch++;
    const bindGroup = this.device.createBindGroup({
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.uniforms, offset, size: 16 } },
        { binding: 1, resource: { buffer, size: n * 4 } },
        { binding: 2, resource: { buffer: this.flags } },
      ],
    });
    const pass = encoder.beginComputePass({ label: `finite-check of ${kernel}` });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(...spreadWorkgroups(Math.ceil(n / WORKGROUP_SIZE)));
    pass.end();
  }

  /** Writes this batch's uniform records; called right before the batch is submitted. */
  beforeSubmit(): void {
    if (this.checksInBatch === 0) return;
    this.device.queue.writeBuffer(this.uniforms, 0, this.uniformStaging, 0, (this.checksInBatch * UNIFORM_SLOT_BYTES) / 4);
    this.checksInBatch = 0;
  }

  /** Reads the flags of every check since the last report; throws naming the first non-finite output. */
  async report(): Promise<void> {
    const used = this.labels.length;
    if (used === 0) return;
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(this.flags, 0, this.readback, 0, used * 4);
    encoder.clearBuffer(this.flags, 0, used * 4);
    this.device.queue.submit([encoder.finish()]);
    await this.readback.mapAsync(GPUMapMode.READ, 0, used * 4);
    const flags = new Uint32Array(this.readback.getMappedRange(0, used * 4).slice(0));
    this.readback.unmap();
    const labels = this.labels;
    this.labels = [];
    const first = flags.findIndex((f) => f !== 0);
    if (first >= 0) throw new Error(`ENGINE_DEBUG: kernel ${labels[first]} produced NaN or Inf`);
  }
}
