// bench:compare: the same workloads in this engine, in TensorFlow.js's WebGPU backend on the same Dawn
// adapter, and in PyTorch on the CPU (1 and 2 threads) when a python3 with torch is found; optionally in
// an older checkout of this engine too. Every (framework, workload) runs in a child process of its own
// (bench/compare-engine.ts, bench/compare-tfjs.ts, bench/compare_torch.py), and the children are
// interleaved: round after round, each workload in every framework, so a change in the machine's load
// falls on all of them alike. Reported: the median of all timed runs of all rounds, and how many times
// faster the engine is than each other column (their ms / the engine's ms).
//   npm run bench:compare -- [--workloads vae-step,conv-forward] [--rounds 3] [--runs 5] [--warmup 2]
//                            [--baseline DIR] [--json out.json]
// --baseline DIR times the engine of another checkout: copy bench/compare-engine.ts and bench/lib/worker.ts
// into DIR and build there first (`node build.mjs`), e.g. for the checkout a change started from:
//   git worktree add /tmp/base <commit> && cp bench/compare-engine.ts /tmp/base/bench/ &&
//   cp bench/lib/worker.ts /tmp/base/bench/lib/ && ln -s "$PWD/node_modules" /tmp/base/ &&
//   (cd /tmp/base && node build.mjs)    # then --baseline /tmp/base
// A checkout from before the CycleGAN moved to models/cyclegan/ (commit 89f9260) builds the copies of commit
// 8732f89 instead (`git show 8732f89:bench/compare-engine.ts`, likewise bench/lib/worker.ts): the same
// workloads, written against the old module layout.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { formatTable, option } from './lib/cli.js';
import { median } from './lib/timing.js';
import { writeText } from '../engine/io/files.js';

const ENGINE_ONLY = ['gan-assignment-step', 'gan-default-step', 'bias-grad', 'maxpool-backward'];
const WORKLOADS = ['vae-step', 'conv-forward', 'conv-backward', 'gan-assignment-step', 'gan-default-step', 'mul', 'gt-scalar', 'add-scalar', 'where', 'bias-grad', 'maxpool-backward', 'matmul-1024'];
const PYTHONS = ['/usr/bin/python3', 'python3'];
const CHILD_TIMEOUT_MS = 20 * 60 * 1000;

interface Framework {
  name: string;
  command: string;
  args: string[];
  runs: (workload: string) => boolean;
}

/** The first python3 that imports torch, or null (the PyTorch columns are then skipped, and said so). */
function findTorch(): string | null {
  for (const python of PYTHONS) {
    const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
    if (probe.status === 0) return python;
  }
  return null;
}

function frameworks(baseline: string | undefined): Framework[] {
  const node = process.execPath;
  const list: Framework[] = [{ name: 'engine', command: node, args: ['dist/bench/compare-engine.mjs'], runs: () => true }];
  if (baseline) {
    const script = join(resolve(baseline), 'dist', 'bench', 'compare-engine.mjs');
    if (!existsSync(script)) throw new Error(`bench:compare: --baseline ${baseline} has no ${script}; copy bench/compare-engine.ts and bench/lib/worker.ts there and build it first`);
    list.push({ name: 'baseline', command: node, args: [script], runs: () => true });
  }
  list.push({ name: 'tfjs', command: node, args: ['dist/bench/compare-tfjs.mjs'], runs: (w) => !ENGINE_ONLY.includes(w) });
  const python = findTorch();
  if (python) {
    for (const threads of [1, 2]) {
      list.push({ name: `pytorch-${threads}t`, command: python, args: ['bench/compare_torch.py', '--threads', String(threads)], runs: (w) => !ENGINE_ONLY.includes(w) });
    }
  } else {
    console.log(`no python3 with torch found (tried ${PYTHONS.join(', ')}): the PyTorch columns are skipped`);
  }
  return list;
}

/** One child's timed runs, or the reason it gave none. */
function runChild(framework: Framework, workload: string, warmup: number, runs: number): number[] | string {
  const args = [...framework.args, '--workload', workload, '--warmup', String(warmup), '--runs', String(runs)];
  const child = spawnSync(framework.command, args, { encoding: 'utf8', timeout: CHILD_TIMEOUT_MS, maxBuffer: 1 << 24 });
  const line = (child.stdout ?? '').split('\n').find((l) => l.startsWith('{'));
  if (child.status !== 0 || !line) {
    const why = (child.stderr ?? '').split('\n').filter((l) => /error/i.test(l))[0] ?? `exit ${child.status ?? child.signal}`;
    return why.trim();
  }
  return (JSON.parse(line) as { samples: number[] }).samples;
}

function positiveInteger(args: string[], name: string, fallback: number): number {
  const text = option(args, name);
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value < 1 || (text !== undefined && !/^\d+$/.test(text))) {
    throw new Error(`bench:compare: --${name} must be a positive integer, got '${text}'`);
  }
  return value;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const workloads = option(args, 'workloads')?.split(',') ?? WORKLOADS;
  for (const w of workloads) if (!WORKLOADS.includes(w)) throw new Error(`bench:compare: unknown workload '${w}' (have ${WORKLOADS.join(', ')})`);
  const rounds = positiveInteger(args, 'rounds', 3);
  const runs = positiveInteger(args, 'runs', 5);
  const warmup = positiveInteger(args, 'warmup', 2);
  const list = frameworks(option(args, 'baseline'));
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`date ${new Date().toISOString()}, load average ${load()}`);
  console.log(`${rounds} rounds x ${runs} timed runs (after ${warmup} warm-up) per workload and framework, interleaved`);

  const samples = new Map<string, number[]>();
  const failures = new Map<string, string>();
  for (let round = 1; round <= rounds; round++) {
    for (const workload of workloads) {
      for (const framework of list.filter((f) => f.runs(workload))) {
        const key = `${framework.name}|${workload}`;
        if (failures.has(key)) continue;
        const result = runChild(framework, workload, warmup, runs);
        if (typeof result === 'string') failures.set(key, result);
        else samples.set(key, [...(samples.get(key) ?? []), ...result]);
        const ms = typeof result === 'string' ? `failed: ${result}` : `${median(result).toFixed(1)} ms`;
        console.log(`round ${round}/${rounds}  ${workload.padEnd(20)} ${framework.name.padEnd(11)} ${ms}`);
      }
    }
  }
  console.log(`load average at the end ${load()}`);

  const medianOf = (framework: string, workload: string) => {
    const s = samples.get(`${framework}|${workload}`);
    return s ? median(s) : null;
  };
  const others = list.filter((f) => f.name !== 'engine').map((f) => f.name);
  const header = ['workload', ...list.map((f) => `${f.name} ms`), ...others.map((name) => `${name} / engine`)];
  const rows = workloads.map((w) => {
    const engine = medianOf('engine', w);
    const ms = list.map((f) => medianOf(f.name, w));
    const ratios = others.map((name) => {
      const other = medianOf(name, w);
      return engine && other ? (other / engine).toFixed(2) : '-';
    });
    return [w, ...ms.map((m) => (m === null ? '-' : m.toFixed(1))), ...ratios];
  });
  console.log('\nmedian ms; "X / engine" is how many times faster the engine is than X (below 1: slower)');
  console.log(formatTable(header, rows));
  for (const [key, why] of failures) console.log(`failed: ${key.replace('|', ' ')}: ${why}`);

  const path = option(args, 'json');
  if (path) {
    const records = [...samples.entries()].map(([key, s]) => {
      const [framework, workload] = key.split('|');
      return { framework, workload, medianMs: median(s), samples: s };
    });
    writeText(path, JSON.stringify({ date: new Date().toISOString(), rounds, runs, warmup, records }, null, 2) + '\n');
    console.log(`wrote ${records.length} records to ${path}`);
  }
}

await main();
