// The figures every training run's report shares, drawn from the run's own files: the loss of every step
// (steps.jsonl, raw and smoothed, epoch ends marked), the learning rate and the seconds of each epoch
// (metrics.jsonl). An experiment adds them to its report after every epoch, so they grow with the run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeText } from '../../../engine/io/files.js';
import type { ReportFigure } from './report.js';
import { lineChart, type Series } from './svg.js';

/** One line of steps.jsonl (engine/train/step-log.ts). */
export type StepLine = { epoch: number; step: number; loss: number } & Record<string, number>;

/** Charts draw at most this many points per series; longer logs are drawn as means of equal blocks. */
export const MAX_DRAWN_POINTS = 2000;
/** The smoothed curve averages over about 1/SMOOTHING_SPAN of the steps drawn. */
const SMOOTHING_SPAN = 25;

/** The records of a JSON Lines file; a line that does not parse (cut off by a kill) is skipped. */
export function readJsonLines<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  const records: T[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as T);
    } catch {
      // half a line from a killed writer
    }
  }
  return records;
}

/**
 * An exponential moving average with TensorBoard's debiasing: s_t = b s_{t-1} + (1 - b) v_t with
 * b = 1 - 1/window and s_0 = 0, shown as s_t / (1 - b^t), so the first values are not pulled towards 0.
 */
export function smooth(values: number[], window: number): number[] {
  const b = 1 - 1 / window;
  let s = 0;
  return values.map((v, i) => {
    s = b * s + (1 - b) * v;
    return s / (1 - b ** (i + 1));
  });
}

/** Means of `size` consecutive values (the last block may be shorter), at the mean of their x. */
export function blockMeans(x: number[], y: number[], size: number): { x: number[]; y: number[] } {
  const out = { x: [] as number[], y: [] as number[] };
  for (let start = 0; start < x.length; start += size) {
    const end = Math.min(start + size, x.length);
    const mean = (v: number[]) => v.slice(start, end).reduce((a, b) => a + b, 0) / (end - start);
    out.x.push(mean(x));
    out.y.push(mean(y));
  }
  return out;
}

/** The last step of every epoch but the final one: where the step chart marks an epoch's end. */
export function epochEnds(steps: StepLine[]): number[] {
  const ends: number[] = [];
  steps.forEach((line, i) => {
    const next = steps[i + 1];
    if (next !== undefined && next.epoch !== line.epoch) ends.push(line.step);
  });
  return ends;
}

/** The per-step loss chart, the learning rate and the seconds per epoch, written into `dir`. */
export function trainingFigures(dir: string, history: Record<string, number>[], lossLabel = 'loss'): ReportFigure[] {
  const figures: ReportFigure[] = [];
  const steps = readJsonLines<StepLine>(join(dir, 'steps.jsonl'));
  if (steps.length > 0) figures.push(stepLossFigure(dir, steps, lossLabel));
  const epochs = history.map((record) => record.epoch);
  const rateKeys = Object.keys(history[0] ?? {}).filter((key) => key === 'lr' || key.startsWith('lr_'));
  if (rateKeys.length > 0) {
    const series = rateKeys.map((key) => ({ name: key, x: epochs, y: history.map((record) => record[key]) }));
    writeText(join(dir, 'learning-rate.svg'), lineChart({ title: 'Learning rate', xLabel: 'epoch', yLabel: 'learning rate', series }));
    figures.push({ title: 'Learning rate', file: 'learning-rate.svg', caption: 'The learning rate of each epoch.' });
  }
  if (history.length > 0) {
    const series = [{ name: 'seconds', x: epochs, y: history.map((record) => record.seconds) }];
    writeText(join(dir, 'epoch-seconds.svg'), lineChart({ title: 'Time per epoch', xLabel: 'epoch', yLabel: 'seconds', series }));
    figures.push({ title: 'Time per epoch', file: 'epoch-seconds.svg', caption: "Wall-clock seconds of each epoch's training steps and evaluation." });
  }
  return figures;
}

function stepLossFigure(dir: string, steps: StepLine[], lossLabel: string): ReportFigure {
  const block = Math.ceil(steps.length / MAX_DRAWN_POINTS);
  const drawn = blockMeans(steps.map((line) => line.step), steps.map((line) => line.loss), block);
  const window = Math.max(1, Math.ceil(drawn.x.length / SMOOTHING_SPAN));
  const colour = '#4e79a7';
  const series: Series[] = [
    { name: block > 1 ? `mean of ${block} steps` : 'each step', x: drawn.x, y: drawn.y, colour, faint: true },
    { name: 'smoothed', x: drawn.x, y: smooth(drawn.y, window), colour },
  ];
  const file = 'loss-steps.svg';
  writeText(join(dir, file), lineChart({ title: 'Training loss per step', xLabel: 'step', yLabel: lossLabel, series, verticals: { name: 'epoch end', x: epochEnds(steps) } }));
  const drawnAs = block > 1 ? `, drawn as means of ${block} steps` : '';
  return {
    title: 'Training loss per step',
    file,
    caption: `The ${lossLabel} of ${steps.length} training steps (faint${drawnAs}) and its moving average over about ${window * block} steps; dashed lines end each epoch.`,
  };
}
