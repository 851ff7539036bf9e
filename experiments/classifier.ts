// Trains the digit classifier that judges CycleGAN's translations, on grey MNIST (the embedded split
// unless --data names a directory of IDX files), and saves it where the CycleGAN run looks for it:
//   npm run classifier                                   # the judge preset: runs/classifier/classifier.safetensors
//   npm run classifier -- --preset digit-features        # the CycleGAN's labeller: runs/digit-features/
//   npm run classifier -- --epochs 10 --name classifier-long
// The run directory also holds metrics.jsonl (loss and test accuracy per epoch), steps.jsonl (the loss of
// every step), per-epoch checkpoints (--resume continues a killed run) and report.html, rewritten after
// every epoch (the page reloads itself while the run goes on).
import { join } from 'node:path';
import * as E from '../engine/index.js';
import { stopReportOnFailure, writeReport } from './lib/report/report.js';
import { writeText } from '../engine/io/files.js';
import { lineChart } from './lib/report/svg.js';
import { loadMnist, type DataSetNames } from '../models/data/mnist.js';
import { CLASSIFIER_RUN, DEFAULT_CLASSIFIER_TRAINING, trainClassifier } from '../models/classifier.js';
import { commandLine, presetSlug, runSettings, type CommandSpec } from './lib/command.js';

import { readJsonLines, trainingFigures } from './lib/report/training.js';

const D = DEFAULT_CLASSIFIER_TRAINING;
const CONFIG = {
  epochs: { default: D.epochs, integer: true, min: 1, help: 'training epochs' },
  batch: { default: D.batchSize, integer: true, min: 1, unit: 'images', help: 'images per step' },
  lr: { default: D.lr, min: 1e-12, help: 'Adam learning rate' },
  decayEvery: { default: D.decayEvery, integer: true, min: 1, unit: 'epochs', help: 'epochs between learning-rate cuts (x0.2)' },
  shift: { default: D.maxShift, integer: true, min: 0, unit: 'pixels', help: 'largest random shift of a training digit' },
  seed: { default: D.seed, integer: true, min: 0, help: 'seed of the weights, the order and the shifts' },
  data: { default: 'embedded', help: "'embedded' or a directory of MNIST IDX files" },
};

const COMMAND: CommandSpec<typeof CONFIG, Record<string, never>> = {
  script: 'classifier',
  about: 'trains the digit classifier on grey MNIST (the judge of the CycleGAN translations, or its labeller)',
  commands: { train: 'train a preset and write runs/<name>/' },
  training: ['train'],
  config: CONFIG,
  defaultPreset: 'judge',
  resumable: ['epochs'],
  defaultName: (preset) => (preset === 'judge' ? CLASSIFIER_RUN : presetSlug(preset)),
  flags: {},
};

async function main(): Promise<void> {
  const parsed = commandLine(COMMAND);
  if (!parsed) return;
  const { config, name } = parsed;
  await E.setBackend('webgpu');
  const mnist = loadMnist({ data: config.data });
  console.log(`digits: ${mnist.source}, ${mnist.train.count} train / ${mnist.test.count} test`);
  const settings = { epochs: config.epochs, batchSize: config.batch, lr: config.lr, decayEvery: config.decayEvery, maxShift: config.shift, seed: config.seed };
  const started = performance.now();
  const runConfig = { script: 'classifier', preset: parsed.preset, data: mnist.source, ...runSettings(config) };
  const { model, testAccuracy, path } = await stopReportOnFailure(join('runs', name), trainClassifier(mnist, settings, {
    name,
    resume: parsed.resume,
    progress: parsed.progress,
    config: runConfig,
    onEpoch: ({ dir, history, epochs }) => {
      const accuracy = history[history.length - 1].test_accuracy;
      writeClassifierReport(dir, { preset: parsed.preset, ...config, data: mnist.source }, mnist.names, accuracy, `epoch ${history.length} of ${epochs} done`);
    },
  }));
  const seconds = (performance.now() - started) / 1000;
  console.log(`test accuracy ${(100 * testAccuracy).toFixed(2)}% on ${mnist.test.count} images; saved ${path} (${seconds.toFixed(0)} s)`);
  const report = writeClassifierReport(join('runs', name), { preset: parsed.preset, ...config, data: mnist.source, widths: model.widths }, mnist.names, testAccuracy);
  console.log(`wrote ${report}`);
  model.dispose();
  E.releaseDevice();
}

/**
 * report.html with the loss and test accuracy per epoch (read back from the run's metrics.jsonl), the loss
 * of every step, the learning rate and the time per epoch; `live` while the run goes on.
 */
function writeClassifierReport(dir: string, config: Record<string, unknown>, names: DataSetNames, testAccuracy: number, live?: string): string {
  const metrics = readJsonLines<Record<string, number>>(join(dir, 'metrics.jsonl'));
  const epochs = metrics.map((m) => m.epoch);
  writeText(
    join(dir, 'curves.svg'),
    lineChart({
      title: `${names.title} classifier`,
      xLabel: 'epoch',
      yLabel: 'loss / accuracy',
      series: [
        { name: 'train loss', x: epochs, y: metrics.map((m) => m.loss) },
        { name: 'test accuracy', x: epochs, y: metrics.map((m) => m.test_accuracy) },
      ],
    }),
  );
  return writeReport(dir, {
    title: `${names.title} classifier: ${(100 * testAccuracy).toFixed(2)}% test accuracy`,
    config,
    metrics,
    figures: [
      { title: 'Training', file: 'curves.svg', caption: `Mean cross-entropy per epoch and accuracy on the held-out ${names.item === 'digit' ? 'digits' : 'images'}.` },
      ...trainingFigures(dir, metrics, 'cross-entropy'),
    ],
    live,
  });
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  E.releaseDevice();
  process.exitCode = 1;
});
