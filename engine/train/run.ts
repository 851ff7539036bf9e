// Training runs that survive being killed. A run lives in `runs/<name>/`:
//   config.json              the run's settings (when given)
//   metrics.jsonl            one JSON line per finished epoch: {epoch, ...metrics, lr, seconds}
//   steps.jsonl              one JSON line per step: {epoch, step, loss, lr}, from the Progress updates
//                            (engine/train/step-log.ts), written in blocks and at each epoch's end
//   checkpoint.safetensors   after every epoch: model, optimizers, epochs done, random stream position
//                            and the metrics history, written to a .tmp name and renamed
// resume: true (the scripts' --resume) restores the checkpoint and continues with the next epoch. The metrics
// file is then rewritten from the checkpoint's history, so a line appended by an epoch whose checkpoint
// never landed (or half a line cut off by the kill) does not survive: the file always matches the model.
// steps.jsonl is cut back the same way, to the lines of the epochs the checkpoint holds.
// After each epoch's checkpoint, `onEpoch` (when given) sees the history so far, e.g. to rewrite a report.
//
// Epochs are counted from 0 where code sees them (trainEpoch, schedules) and from 1 where people do
// (progress lines, the `epoch` field of metrics.jsonl: the number of epochs done).
//
// For a resumed run to repeat the uninterrupted one exactly, draw all randomness from the engine's
// stream (restored here) or derive it from the epoch number (e.g. the data order).
import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { Module } from '../nn/module.js';
import { Optimizer } from '../optim/optimizer.js';
import type { LrSchedule } from '../optim/schedule.js';
import { getRandomState, setRandomState, type RandomState } from '../ops/random.js';
import { appendJsonLine, temporaryPath, writeText } from '../io/files.js';
import { Progress, type ProgressMode, type ProgressStream } from '../io/progress.js';
import { loadCheckpoint, saveCheckpoint, type Optimizers } from './checkpoint.js';
import { markStep } from '../runtime.js';
import { CHECKPOINT_FILE, checkRunName } from './names.js';
import { StepLog } from './step-log.js';


export interface EpochContext {
  /** 0-based epoch index */
  epoch: number;
  /** call progress.update(step, { loss, samples }) after each step (1-based) */
  progress: Progress;
}

/** One line of metrics.jsonl. */
export type EpochRecord = { epoch: number; seconds: number } & Record<string, number>;

/** What onEpoch sees after an epoch's checkpoint landed. */
export interface EpochEnd {
  dir: string;
  /** every epoch's record so far; the last is the epoch just done (epoch: the number of epochs done) */
  history: EpochRecord[];
  /** the run's total */
  epochs: number;
}

export interface TrainingRunOptions {
  /** the run directory is `<rootDir>/<name>` */
  name: string;
  rootDir?: string;
  epochs: number;
  stepsPerEpoch: number;
  module: Module;
  optimizers: Optimizers;
  /** continue from the last checkpoint (the scripts' --resume); default false: a run over an existing checkpoint is refused */
  resume?: boolean;
  /** learning rate per epoch, set on every optimizer (a record gives one schedule per optimizer key) */
  schedule?: LrSchedule | Record<string, LrSchedule>;
  /** saved as config.json */
  config?: Record<string, unknown>;
  /** where progress lines go (default stdout) */
  stream?: ProgressStream;
  /** 'bar', 'lines' (one every 10 s), 'off' (epoch lines only); default 'auto': the bar on a terminal */
  progress?: ProgressMode;
  /** trains one epoch and returns its metrics (e.g. mean loss, test loss) */
  trainEpoch: (context: EpochContext) => Promise<Record<string, number>>;
  /** called after each epoch's checkpoint (e.g. to rewrite report.html while the run goes on) */
  onEpoch?: (end: EpochEnd) => void | Promise<void>;
}

export interface TrainingRunResult {
  dir: string;
  /** every epoch's record, including those of earlier sessions of a resumed run */
  history: EpochRecord[];
}

/** What a run stores in its checkpoint's extra JSON. */
interface RunState {
  epochsDone: number;
  random: RandomState;
  history: EpochRecord[];
}

/** Present while a process writes the run; holds its process id. */
const LOCK_FILE = '.lock';

export function runPaths(dir: string) {
  return {
    checkpoint: join(dir, CHECKPOINT_FILE),
    metrics: join(dir, 'metrics.jsonl'),
    steps: join(dir, 'steps.jsonl'),
    config: join(dir, 'config.json'),
  };
}

/**
 * Stops a run whose loss terms stopped being finite, with the step, every term's value and what to do:
 * the checkpoint of the last finished epoch is left as it was.
 */
export function checkFiniteLoss(context: string, terms: Record<string, number>, epoch: number, step: number): void {
  if (Object.values(terms).every(Number.isFinite)) return;
  const values = Object.entries(terms).map(([name, value]) => `${name} ${value}`).join(', ');
  throw new Error(
    `${context}: the loss became non-finite at step ${step} of epoch ${epoch + 1} (${values}); the checkpoint of the last ` +
      'finished epoch is kept. Rerun with ENGINE_DEBUG=1 to name the first kernel that produced a NaN or Inf, or lower the learning rate.',
  );
}

/** Runs epochs until `epochs` are done, checkpointing after each; see the top of this file. */
export async function runTraining(options: TrainingRunOptions): Promise<TrainingRunResult> {
  const { name, epochs, stepsPerEpoch } = options;
  const resume = options.resume ?? false;
  const stream = options.stream ?? process.stdout;
  checkRunName(name, 'runTraining');
  for (const [what, n] of [['epochs', epochs], ['stepsPerEpoch', stepsPerEpoch]] as const) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`runTraining: ${what} must be a positive integer, got ${n}`);
  }
  const dir = join(options.rootDir ?? 'runs', name);
  const paths = runPaths(dir);
  const releaseLock = lockRun(dir, name);
  try {
    return await trainLocked(options, dir, paths, resume, stream);
  } finally {
    releaseLock();
  }
}

/**
 * Makes `dir/.lock` hold this process's id while the run writes, so a second writer of the same run fails at
 * once naming the first; a lock left by a process that no longer exists (killed) is taken over.
 */
function lockRun(dir: string, name: string): () => void {
  const path = join(dir, LOCK_FILE);
  mkdirSync(dir, { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx'); // fails when the file exists, atomically
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) {
        throw new Error(`runTraining: run "${name}" is being written by process ${holder} (${path}); wait for it to finish, or choose another --name`);
      }
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`runTraining: could not take the lock ${path}`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0 only asks whether the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function trainLocked(
  options: TrainingRunOptions,
  dir: string,
  paths: ReturnType<typeof runPaths>,
  resume: boolean,
  stream: ProgressStream,
): Promise<TrainingRunResult> {
  const { name, epochs, stepsPerEpoch, module, optimizers, trainEpoch } = options;
  removeTemporaryFiles(dir);

  const state = await startingState(paths.checkpoint, module, optimizers, resume, name);
  if (state.epochsDone > 0) stream.write(`resuming run ${name} after epoch ${state.epochsDone}/${epochs}\n`);
  writeText(paths.metrics, state.history.map((record) => JSON.stringify(record) + '\n').join(''));
  if (options.config) writeText(paths.config, JSON.stringify(options.config, null, 2) + '\n');

  const history = [...state.history];
  const steps = new StepLog(paths.steps, state.epochsDone);
  try {
    for (let epoch = state.epochsDone; epoch < epochs; epoch++) {
      const rates = applySchedule(optimizers, options.schedule, epoch);
      module.train();
      const onStep = (step: number, loss: number) => {
        markStep();
        steps.record({ epoch: epoch + 1, step: epoch * stepsPerEpoch + step, loss, ...rates });
      };
      const progress = new Progress({ name: `epoch ${epoch + 1}/${epochs}`, total: stepsPerEpoch, stream, onStep, mode: options.progress });
      const startMs = performance.now();
      let metrics: Record<string, number>;
      try {
        metrics = await trainEpoch({ epoch, progress });
      } finally {
        progress.stop(); // the heartbeat timer, also when the epoch fails
      }
      const seconds = (performance.now() - startMs) / 1000;
      progress.end(metrics);
      steps.flush();
      const record: EpochRecord = { epoch: epoch + 1, ...metrics, ...rates, seconds };
      history.push(record);
      appendJsonLine(paths.metrics, record);
      const saved: RunState = { epochsDone: epoch + 1, random: getRandomState(), history };
      await saveCheckpoint(paths.checkpoint, module, optimizers, { ...saved });
      await options.onEpoch?.({ dir, history: [...history], epochs });
    }
  } finally {
    steps.flush(); // the steps before a failure stay readable; a resume drops them
  }
  return { dir, history };
}

/** A fresh start, or the state restored from the checkpoint (model, optimizers and random stream). */
async function startingState(checkpoint: string, module: Module, optimizers: Optimizers, resume: boolean, name: string): Promise<RunState> {
  const fresh: RunState = { epochsDone: 0, random: getRandomState(), history: [] };
  if (!existsSync(checkpoint)) return fresh;
  if (!resume) {
    throw new Error(`runTraining: run "${name}" already has ${checkpoint}; pass --resume (resume: true) to continue it, or choose another name`);
  }
  const extra = (await loadCheckpoint(checkpoint, module, optimizers)) as Partial<RunState>;
  if (!Number.isInteger(extra.epochsDone) || !extra.random || !Array.isArray(extra.history)) {
    throw new Error(`runTraining: ${checkpoint} was not written by a training run (no epochsDone, random state and history)`);
  }
  setRandomState(extra.random);
  return extra as RunState;
}

/** Sets each optimizer's learning rate for this epoch; returns the rates for the metrics record. */
function applySchedule(optimizers: Optimizers, schedule: TrainingRunOptions['schedule'], epoch: number): Record<string, number> {
  if (optimizers instanceof Optimizer) {
    if (typeof schedule === 'function') optimizers.lr = schedule(epoch);
    return { lr: optimizers.lr };
  }
  const rates: Record<string, number> = {};
  for (const [key, optimizer] of Object.entries(optimizers)) {
    const forKey = typeof schedule === 'function' ? schedule : schedule?.[key];
    if (forKey) optimizer.lr = forKey(epoch);
    rates[`lr_${key}`] = optimizer.lr;
  }
  return rates;
}

/** A kill during a write leaves `<file>.tmp` behind; the completed file it was replacing is intact. */
function removeTemporaryFiles(dir: string): void {
  if (!existsSync(dir)) return;
  const suffix = temporaryPath('');
  for (const file of readdirSync(dir)) if (file.endsWith(suffix)) rmSync(join(dir, file), { force: true });
}
