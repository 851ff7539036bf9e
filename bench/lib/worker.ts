// The timing loop of bench:compare's framework workers (bench/compare-engine.ts, bench/compare-tfjs.ts):
// `--workload NAME [--warmup 2] [--runs 5]`, one setup, warm-up runs, timed runs, and one JSON line
// {framework, workload, samples} on stdout for bench/compare.ts to read.

/** A workload prepares its inputs once and returns one timed run, which ends when its results are computed. */
export type WorkloadSetup = () => Promise<() => Promise<void>>;

function numberOption(args: string[], framework: string, name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  const text = at < 0 ? String(fallback) : args[at + 1];
  if (!/^\d+$/.test(text ?? '')) throw new Error(`compare-${framework}: --${name} must be a non-negative integer, got '${text}'`);
  return Number(text);
}

/** Parses the command line, runs the named workload and prints its samples; `start` readies the framework first. */
export async function runWorker(framework: string, workloads: Record<string, WorkloadSetup>, start: () => Promise<void>): Promise<void> {
  const args = process.argv.slice(2);
  const name = args[args.indexOf('--workload') + 1];
  const setup = workloads[name];
  if (!args.includes('--workload') || !setup) throw new Error(`compare-${framework}: --workload must be one of ${Object.keys(workloads).join(', ')}, got '${name}'`);
  const [warmup, runs] = [numberOption(args, framework, 'warmup', 2), numberOption(args, framework, 'runs', 5)];
  await start();
  const run = await setup();
  for (let i = 0; i < warmup; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await run();
    samples.push(performance.now() - t0);
  }
  console.log(JSON.stringify({ framework, workload: name, samples }));
}
