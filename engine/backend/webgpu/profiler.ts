// The kernel profiler (ENGINE_PROFILE=1, or setProfile(true) on the WebGPU backend): the time of every
// kernel, summed per kernel label, printed as a table at exit with calls, total ms, share of the profiled
// time, GFLOP/s (matmul, conv) and GB/s (bytes of the kernel's inputs and outputs over its time), plus
// dispatches, submits and readbacks per training step (steps are marked by runTraining).
//   timestamps  where the adapter offers 'timestamp-query': each compute pass writes GPU timestamps at
//               its start and end into a query set, resolved into a buffer at submit and read at the
//               next flush. Only the passes' own time is counted, and nothing waits.
//   waiting     elsewhere: every dispatch is submitted on its own and its time is the gap between the
//               completion of the previous one (or its own submission) and its completion. This
//               perturbs what it measures (no batching, the CPU waits on the queue), and says so.
// Work never flushed (still queued at exit) is not counted. (performance is the global of Node and browsers.)

/** Timestamps one query set holds (WebGPU allows at most 4096): two per pass. */
const QUERY_CAPACITY = 4096;
const NS_PER_MS = 1e6;

interface KernelTotals {
  calls: number;
  ms: number;
  bytes: number;
  flops: number;
}

interface PassRecord {
  label: string;
  bytes: number;
  flops: number;
}

interface PendingBatch {
  passes: PassRecord[];
  readback: GPUBuffer;
}

export class Profiler {
  readonly mode: 'timestamps' | 'waiting';
  private totals = new Map<string, KernelTotals>();
  private passes: PassRecord[] = []; // of the open batch
  private pending: PendingBatch[] = [];
  private querySet: GPUQuerySet | null = null;
  private resolveBuffer: GPUBuffer | null = null;
  private waits: Promise<void>[] = [];
  private lastDoneMs = 0;
  private counts = { dispatches: 0, submits: 0, readbacks: 0, steps: 0 };

  constructor(
    private device: GPUDevice,
    private adapterName: string,
  ) {
    this.mode = device.features.has('timestamp-query') ? 'timestamps' : 'waiting';
    if (this.mode === 'timestamps') {
      this.querySet = device.createQuerySet({ type: 'timestamp', count: QUERY_CAPACITY });
      this.resolveBuffer = device.createBuffer({
        size: QUERY_CAPACITY * 8,
        usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
      });
    }
  }

  /** Whether the open batch must be submitted before another pass can be timed. */
  get full(): boolean {
    return this.mode === 'timestamps' && this.passes.length * 2 >= QUERY_CAPACITY;
  }

  /** Notes a pass about to be recorded; returns where it writes its timestamps (none when waiting). */
  beginPass(label: string, bytes: number, flops: number): GPUComputePassTimestampWrites | undefined {
    this.counts.dispatches++;
    this.passes.push({ label, bytes, flops });
    if (this.mode === 'waiting') return undefined;
    const index = (this.passes.length - 1) * 2;
    return { querySet: this.querySet!, beginningOfPassWriteIndex: index, endOfPassWriteIndex: index + 1 };
  }

  /** Whether every dispatch must be submitted on its own (the waiting mode). */
  get submitsEachDispatch(): boolean {
    return this.mode === 'waiting';
  }

  /** Called with the batch's encoder just before it is finished: resolves the batch's timestamps. */
  beforeSubmit(encoder: GPUCommandEncoder): void {
    this.counts.submits++;
    if (this.mode === 'waiting' || this.passes.length === 0) return;
    const bytes = this.passes.length * 2 * 8;
    const readback = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    encoder.resolveQuerySet(this.querySet!, 0, this.passes.length * 2, this.resolveBuffer!, 0);
    encoder.copyBufferToBuffer(this.resolveBuffer!, 0, readback, 0, bytes);
    this.pending.push({ passes: this.passes, readback });
    this.passes = [];
  }

  /** Called once the batch is submitted: in the waiting mode, times its one dispatch by its completion. */
  afterSubmit(): void {
    if (this.mode === 'timestamps' || this.passes.length === 0) return;
    const passes = this.passes;
    this.passes = [];
    const submittedMs = performance.now();
    this.waits.push(
      this.device.queue.onSubmittedWorkDone().then(() => {
        const doneMs = performance.now();
        const ms = doneMs - Math.max(submittedMs, this.lastDoneMs);
        this.lastDoneMs = doneMs;
        for (const pass of passes) this.add(pass, ms / passes.length);
      }),
    );
  }

  noteReadback(): void {
    this.counts.readbacks++;
  }

  /** Marks the end of a training step (for the per-step counts). */
  markStep(): void {
    this.counts.steps++;
  }

  /** Reads the timestamps of every submitted batch (call after the queue is done). */
  async collect(): Promise<void> {
    await Promise.all(this.waits.splice(0));
    for (const batch of this.pending.splice(0)) {
      await batch.readback.mapAsync(GPUMapMode.READ);
      const stamps = new BigUint64Array(batch.readback.getMappedRange().slice(0));
      batch.readback.destroy();
      batch.passes.forEach((pass, k) => {
        const ns = Number(stamps[2 * k + 1] - stamps[2 * k]);
        this.add(pass, Math.max(ns, 0) / NS_PER_MS);
      });
    }
  }

  private add(pass: PassRecord, ms: number): void {
    const t = this.totals.get(pass.label) ?? { calls: 0, ms: 0, bytes: 0, flops: 0 };
    t.calls++;
    t.ms += ms;
    t.bytes += pass.bytes;
    t.flops += pass.flops;
    this.totals.set(pass.label, t);
  }

  /** The table: one row per kernel label, slowest first, then the per-step counts. */
  report(): string {
    const rows = [...this.totals.entries()].sort((a, b) => b[1].ms - a[1].ms);
    const totalMs = rows.reduce((s, [, t]) => s + t.ms, 0);
    const header = ['kernel', 'calls', 'total ms', 'share', 'ms/call', 'GFLOP/s', 'GB/s'];
    const cells = rows.map(([label, t]) => [
      label,
      String(t.calls),
      t.ms.toFixed(1),
      `${((100 * t.ms) / Math.max(totalMs, 1e-9)).toFixed(1)}%`,
      (t.ms / t.calls).toFixed(3),
      t.flops > 0 && t.ms > 0 ? (t.flops / t.ms / 1e6).toFixed(2) : '-',
      t.ms > 0 ? (t.bytes / t.ms / 1e6).toFixed(2) : '-',
    ]);
    cells.push(['all kernels', String(rows.reduce((s, [, t]) => s + t.calls, 0)), totalMs.toFixed(1), '100%', '-', '-', '-']);
    const widths = header.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c].length)));
    const line = (r: string[]) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
    const how =
      this.mode === 'timestamps'
        ? 'GPU timestamps of each compute pass'
        : 'waiting on each dispatch (no timestamp queries on this adapter): this perturbs the timing';
    const lines = [`ENGINE_PROFILE on ${this.adapterName}, timed by ${how}`, line(header), ...cells.map(line)];
    const { dispatches, submits, readbacks, steps } = this.counts;
    if (steps > 0) {
      const per = (n: number) => (n / steps).toFixed(1);
      lines.push(`${steps} training steps; everything profiled (evaluation too) per step: ${per(dispatches)} dispatches, ${per(submits)} submits, ${per(readbacks)} readbacks, ${(totalMs / steps).toFixed(1)} ms of kernels`);
    } else {
      lines.push(`${dispatches} dispatches, ${submits} submits, ${readbacks} readbacks (no training steps marked)`);
    }
    return lines.join('\n');
  }
}
