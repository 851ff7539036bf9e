// Writes a sample run report to runs/sample/ from synthetic data, to check by eye how image
// grids, line charts, scatter plots and the HTML report look together:
//   npm run build && node dist/experiments/report-sample.mjs
// then open runs/sample/report.html in a browser.
import { join } from 'node:path';
import { appendJsonLine, writeText } from '../engine/io/files';
import { writeImageGrid } from './lib/report/png.js';
import { writeReport } from './lib/report/report.js';
import { lineChart, scatterPlot } from './lib/report/svg.js';
import { commandLine, toolCommand } from './lib/command.js';

const COMMAND = toolCommand('report-sample', 'writes a sample report from synthetic data to runs/sample/', {});

const RUN_DIR = join('runs', 'sample');
const EPOCHS = 10;
const GRID_ROWS = 3;
const GRID_COLUMNS = 4;
const IMAGE_SIZE = 24; // H = W
const CLUSTERS = 10;
const POINTS_PER_CLUSTER = 150;

// mulberry32: a small seeded generator, so the sample is the same on every run.
function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function seededNormal(seed: number): () => number {
  const uniform = seededUniform(seed);
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()); // Box-Muller
}

// NCHW RGB images: image (row, column) is a diagonal gradient whose colour depends on the column
// and whose frequency depends on the row; values deliberately overshoot [0, 1] to show clamping.
function gradientImages(): Float32Array {
  const [N, C, H, W] = [GRID_ROWS * GRID_COLUMNS, 3, IMAGE_SIZE, IMAGE_SIZE];
  const images = new Float32Array(N * C * H * W);
  for (let n = 0; n < N; n++) {
    const [row, column] = [Math.floor(n / GRID_COLUMNS), n % GRID_COLUMNS];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const t = 0.5 + 0.6 * Math.sin(((x + y) / (H + W)) * Math.PI * (row + 1));
        const rgb = [t, (column / (GRID_COLUMNS - 1)) * t, 1 - t];
        rgb.forEach((value, c) => (images[((n * C + c) * H + y) * W + x] = value));
      }
    }
  }
  return images;
}

function lossCurves() {
  const epochs = Array.from({ length: EPOCHS }, (_, i) => i + 1);
  const train = epochs.map((e) => 100 + 120 * Math.exp(-0.45 * e));
  const test = epochs.map((e) => 104 + 110 * Math.exp(-0.4 * e) + 0.4 * e);
  return { epochs, train, test };
}

function clusteredPoints() {
  const normal = seededNormal(7);
  const total = CLUSTERS * POINTS_PER_CLUSTER;
  const points = { x: new Float32Array(total), y: new Float32Array(total), label: new Int32Array(total) };
  for (let i = 0; i < total; i++) {
    const k = i % CLUSTERS; // interleaved, as a data loader would deliver them
    const angle = (2 * Math.PI * k) / CLUSTERS;
    points.x[i] = 2.5 * Math.cos(angle) + 0.6 * normal();
    points.y[i] = 2.5 * Math.sin(angle) + 0.6 * normal();
    points.label[i] = k;
  }
  return points;
}

function main(): void {
  const { epochs, train, test } = lossCurves();
  const metricsLog = join(RUN_DIR, 'metrics.jsonl');
  writeText(metricsLog, '');
  const metrics = epochs.map((epoch, i) => ({ epoch, train_loss: train[i], test_loss: test[i] }));
  metrics.forEach((row) => appendJsonLine(metricsLog, row));

  writeImageGrid(join(RUN_DIR, 'samples.png'), gradientImages(), [GRID_ROWS * GRID_COLUMNS, 3, IMAGE_SIZE, IMAGE_SIZE], {
    columns: GRID_COLUMNS,
    scale: 3,
    padding: 2,
    rowLabels: ['sin x1', 'sin x2', 'sin x3'],
    columnLabels: ['red', 'orange', 'amber', 'yellow'],
  });
  writeText(
    join(RUN_DIR, 'loss.svg'),
    lineChart({
      title: 'Loss per epoch',
      xLabel: 'epoch',
      yLabel: 'loss (nats per image)',
      series: [
        { name: 'train', x: epochs, y: train },
        { name: 'test', x: epochs, y: test },
      ],
    }),
  );
  writeText(
    join(RUN_DIR, 'latent.svg'),
    scatterPlot({
      title: 'Latent means by class',
      xLabel: 'z[0]',
      yLabel: 'z[1]',
      points: clusteredPoints(),
      labelNames: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'],
    }),
  );
  const path = writeReport(RUN_DIR, {
    title: 'Sample report (synthetic data)',
    config: { epochs: EPOCHS, batchSize: 128, learningRate: 1e-3, hidden: [400], latent: 2, note: 'synthetic <demo> & test' },
    metrics,
    figures: [
      { title: 'Samples', file: 'samples.png', caption: 'Synthetic gradients; values beyond [0, 1] are clamped.' },
      { title: 'Loss', file: 'loss.svg', caption: 'Train and test loss per epoch.' },
      { title: 'Latent space', file: 'latent.svg', caption: `${CLUSTERS * POINTS_PER_CLUSTER} points in ${CLUSTERS} classes.` },
    ],
  });
  console.log(`wrote ${path}`);
}

if (commandLine(COMMAND)) main();
