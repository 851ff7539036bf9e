// The CycleGAN run's figures and report, rewritten after every epoch: the assignment's translation grids
// (held-out sources beside their translations), round trips, charts of the losses, the metrics and the
// cycle error per epoch, and the loss of every step. Rows and titles name the data set's classes (digits,
// or Fashion-MNIST's garments: models/data/names.ts).
import { join } from 'node:path';
import { writeImageGrid } from '../lib/report/png.js';
import { writeReport } from '../lib/report/report.js';
import { writeText } from '../../engine/io/files.js';
import { lineChart } from '../lib/report/svg.js';
import { trainingFigures } from '../lib/report/training.js';
import { DIGITS, IMAGE_SIDE, type DataSetNames } from '../../models/data/mnist.js';
import { CHANNELS, COLOURED_PIXELS, type ColouredDigits } from '../../models/data/coloured-mnist.js';
import type { TranslationResult } from '../../models/cyclegan/metrics.js';

/** Source/translation pairs per digit row in the assignment's figures. */
export const FIGURE_PAIRS = 4;

/** The first `perDigit` rows of each digit, digit 0's first: what the figures show. */
export function figureRows(data: ColouredDigits, perDigit: number): number[] {
  const rows: number[] = [];
  for (let digit = 0; digit < DIGITS; digit++) {
    const ofDigit = [...data.digit.keys()].filter((i) => data.digit[i] === digit).slice(0, perDigit);
    if (ofDigit.length < perDigit) throw new Error(`cyclegan: only ${ofDigit.length} held-out images of digit ${digit}, the figures need ${perDigit}`);
    rows.push(...ofDigit);
  }
  return rows;
}

const SCALE = 2;
/** The (N, 3, 28, 28) shape of n coloured images. */
export function imageShape(n: number): [number, number, number, number] {
  return [n, CHANNELS, IMAGE_SIDE, IMAGE_SIDE];
}

function copyImage(into: Float32Array, slot: number, from: Float32Array, row: number): void {
  into.set(from.subarray(row * COLOURED_PIXELS, (row + 1) * COLOURED_PIXELS), slot * COLOURED_PIXELS);
}

/** The assignment's figure: per class row, FIGURE_PAIRS pairs (held-out source in even columns, its translation in odd). */
export function writeTranslationFigure(path: string, source: ColouredDigits, result: TranslationResult, rows: number[], labels: [string, string], classes: readonly string[]): void {
  const images = new Float32Array(rows.length * 2 * COLOURED_PIXELS);
  rows.forEach((row, i) => {
    copyImage(images, 2 * i, source.x, row);
    copyImage(images, 2 * i + 1, result.translations, row);
  });
  const columnLabels = Array.from({ length: 2 * FIGURE_PAIRS }, (_, c) => labels[c % 2]);
  writeImageGrid(path, images, imageShape(rows.length * 2), { columns: 2 * FIGURE_PAIRS, scale: SCALE, columnLabels, rowLabels: [...classes] });
}

/** Round trips: per class, A | G_AB(A) | G_BA(G_AB(A)) | B | G_BA(B) | G_AB(G_BA(B)), one example each. */
export function writeRoundTripFigure(
  path: string,
  a: ColouredDigits,
  b: ColouredDigits,
  ab: TranslationResult,
  ba: TranslationResult,
  rowsA: number[],
  rowsB: number[],
  classes: readonly string[],
): void {
  const perRow = 6;
  const images = new Float32Array(DIGITS * perRow * COLOURED_PIXELS);
  for (let digit = 0; digit < DIGITS; digit++) {
    const [ra, rb] = [rowsA[digit * FIGURE_PAIRS], rowsB[digit * FIGURE_PAIRS]];
    const slot = digit * perRow;
    copyImage(images, slot, a.x, ra);
    copyImage(images, slot + 1, ab.translations, ra);
    copyImage(images, slot + 2, ab.reconstructions, ra);
    copyImage(images, slot + 3, b.x, rb);
    copyImage(images, slot + 4, ba.translations, rb);
    copyImage(images, slot + 5, ba.reconstructions, rb);
  }
  writeImageGrid(path, images, imageShape(DIGITS * perRow), {
    columns: perRow,
    scale: SCALE,
    columnLabels: ['A', 'AB', 'ABA', 'B', 'BA', 'BAB'],
    rowLabels: [...classes],
  });
}

type EpochMetrics = Record<string, number>;

function writeCharts(dir: string, history: EpochMetrics[], names: DataSetNames): void {
  const epochs = history.map((r) => r.epoch);
  const series = (keys: string[], names = keys) => keys.map((key, i) => ({ name: names[i], x: epochs, y: history.map((r) => r[key]) }));
  writeText(
    join(dir, 'losses.svg'),
    lineChart({ title: 'Loss of each network (mean per epoch)', xLabel: 'epoch', yLabel: 'loss', series: series(['G_AB', 'G_BA', 'D_A', 'D_B']) }),
  );
  const metricKeys = ['AB_digit_kept', 'AB_colour_hit', 'BA_digit_kept', 'BA_colour_hit'];
  writeText(
    join(dir, 'metrics.svg'),
    lineChart({
      title: 'Held-out translations',
      xLabel: 'epoch',
      yLabel: 'fraction',
      series: series(metricKeys, ['A-B', 'B-A'].flatMap((way) => [`${way} ${names.item} kept`, `${way} colour hit`])),
    }),
  );
  writeText(
    join(dir, 'cycle-error.svg'),
    lineChart({ title: 'Round-trip error (held out)', xLabel: 'epoch', yLabel: 'mean |G(F(x)) - x|', series: series(['AB_cycle_error', 'BA_cycle_error'], ['A-B-A', 'B-A-B']) }),
  );
}

/** report.html after the epochs of `history`; `live` while the run goes on (the page reloads itself). */
export function writeCycleGanReport(dir: string, config: Record<string, unknown>, history: EpochMetrics[], names: DataSetNames, live?: string): string {
  writeCharts(dir, history, names);
  const last = history[history.length - 1];
  const percent = (v: number) => `${(100 * v).toFixed(1)}%`;
  const item = names.item;
  const summary = `A-B ${item} kept ${percent(last.AB_digit_kept)}, colour hit ${percent(last.AB_colour_hit)}; B-A ${percent(last.BA_digit_kept)}, ${percent(last.BA_colour_hit)}`;
  return writeReport(dir, {
    title: `CycleGAN colour translation on coloured ${names.title} after ${last.epoch} epochs: ${summary}`,
    config,
    metrics: history,
    figures: [
      { title: 'A to B', file: 'translate-AB.png', caption: `Even columns: held-out domain-A images (${item} d in colour d); odd columns: their G_AB translations (should be colour sigma(d)).` },
      { title: 'B to A', file: 'translate-BA.png', caption: `Even columns: held-out domain-B images (${item} d in colour sigma(d)); odd columns: their G_BA translations (should be colour d).` },
      { title: 'Round trips', file: 'round-trips.png', caption: `Per ${item}: A, G_AB(A), G_BA(G_AB(A)), then B, G_BA(B), G_AB(G_BA(B)).` },
      { title: 'Losses', file: 'losses.svg', caption: 'Mean training loss of each network per epoch (a generator: adversarial + identity + its own cycle term).' },
      { title: `${item[0].toUpperCase()}${item.slice(1)} kept and colour hit`, file: 'metrics.svg', caption: `Fractions of held-out source images whose translation keeps the ${item} (classifier on brightness) and has the target colour.` },
      { title: 'Cycle error', file: 'cycle-error.svg', caption: 'Mean absolute error of the held-out round trips.' },
      ...trainingFigures(dir, history, 'G_AB + G_BA + D_A + D_B'),
    ],
    live,
  });
}
