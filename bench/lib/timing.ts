// Timing helpers shared by the bench scripts: the median of several timed runs, with the engine's current
// backend flushed before and after each run so a time covers the submitted work and nothing else.
import { performance } from 'node:perf_hooks';
import { flush } from '../../engine/runtime.js';

export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median: no values');
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export interface TimingOptions {
  /** untimed runs first (pipeline compilation, buffer pool warm-up) */
  warmup: number;
  /** timed runs; the median is reported */
  runs: number;
  /** stop adding timed runs once this many milliseconds are spent (at least one run is always timed) */
  budgetMs?: number;
}

export interface Timing {
  /** median milliseconds of one run */
  ms: number;
  /** every timed run, in order */
  samples: number[];
}

/**
 * Times `fn` (which records work on the current backend, e.g. after `await E.setBackend('webgpu')`),
 * flushing after each run. Work still queued before the first run is flushed first, so it is not counted.
 */
export async function timeGpu(fn: () => void, options: TimingOptions): Promise<Timing> {
  await flush();
  for (let i = 0; i < options.warmup; i++) {
    fn();
    await flush();
  }
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < options.runs) {
    const t0 = performance.now();
    fn();
    await flush();
    samples.push(performance.now() - t0);
    if (options.budgetMs !== undefined && performance.now() - start > options.budgetMs) break;
  }
  return { ms: median(samples), samples };
}
