// Trains the digit classifier that judges CycleGAN's translations, on grey MNIST (the embedded split
// unless --data names a directory of IDX files), and saves it where the CycleGAN run looks for it:
//   npm run classifier                       # runs/classifier/classifier.safetensors
//   node dist/experiments/classifier.mjs --epochs 10 --name classifier-long
// The run directory also holds metrics.jsonl (loss and test accuracy per epoch), per-epoch checkpoints
// (--resume continues a killed run) and report.html.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from '../engine/index.js';
import { writeReport } from '../engine/io/report.js';
import { writeText } from '../engine/io/files.js';
import { lineChart } from '../engine/io/svg.js';
import { loadMnist } from '../models/data/mnist.js';
import { CLASSIFIER_RUN, DEFAULT_CLASSIFIER_TRAINING, trainClassifier } from '../models/classifier.js';
import { parseFlags, usage } from './lib/flags.js';

const SCRIPT = 'classifier';
const FLAGS = {
  epochs: { default: DEFAULT_CLASSIFIER_TRAINING.epochs, help: 'training epochs' },
  batch: { default: DEFAULT_CLASSIFIER_TRAINING.batchSize, help: 'batch size' },
  lr: { default: DEFAULT_CLASSIFIER_TRAINING.lr, help: 'Adam learning rate' },
  'decay-every': { default: DEFAULT_CLASSIFIER_TRAINING.decayEvery, help: 'epochs between learning-rate cuts (x0.2)' },
  shift: { default: DEFAULT_CLASSIFIER_TRAINING.maxShift, help: 'largest random shift of a training digit, in pixels' },
  seed: { default: DEFAULT_CLASSIFIER_TRAINING.seed, help: 'seed of the weights, the order and the shifts' },
  data: { default: 'embedded', help: "'embedded' or a directory of MNIST IDX files" },
  name: { default: CLASSIFIER_RUN, help: 'run directory under runs/' },
  resume: { default: false, help: 'continue the run from its last checkpoint' },
  help: { default: false, help: 'print this text' },
};

async function main(): Promise<void> {
  const { values: flags } = parseFlags(SCRIPT, process.argv.slice(2), FLAGS);
  if (flags.help) return void console.log(usage(SCRIPT, FLAGS));
  await E.setBackend('webgpu');
  const mnist = loadMnist({ data: flags.data });
  console.log(`digits: ${mnist.source}, ${mnist.train.count} train / ${mnist.test.count} test`);
  const settings = { epochs: flags.epochs, batchSize: flags.batch, lr: flags.lr, decayEvery: flags['decay-every'], maxShift: flags.shift, seed: flags.seed };
  const started = performance.now();
  const { model, testAccuracy, path } = await trainClassifier(mnist, settings, { name: flags.name, resume: flags.resume });
  const seconds = (performance.now() - started) / 1000;
  console.log(`test accuracy ${(100 * testAccuracy).toFixed(2)}% on ${mnist.test.count} digits; saved ${path} (${seconds.toFixed(0)} s)`);
  writeClassifierReport(join('runs', flags.name), { ...settings, data: mnist.source, widths: model.widths }, testAccuracy);
  model.dispose();
  E.releaseDevice();
}

/** report.html with the loss and test accuracy per epoch, read back from the run's metrics.jsonl. */
function writeClassifierReport(dir: string, config: Record<string, unknown>, testAccuracy: number): void {
  const metrics = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, number>);
  const epochs = metrics.map((m) => m.epoch);
  writeText(
    join(dir, 'curves.svg'),
    lineChart({
      title: 'Digit classifier',
      xLabel: 'epoch',
      yLabel: 'loss / accuracy',
      series: [
        { name: 'train loss', x: epochs, y: metrics.map((m) => m.loss) },
        { name: 'test accuracy', x: epochs, y: metrics.map((m) => m.test_accuracy) },
      ],
    }),
  );
  const path = writeReport(dir, {
    title: `Digit classifier: ${(100 * testAccuracy).toFixed(2)}% test accuracy`,
    config,
    metrics,
    figures: [{ title: 'Training', file: 'curves.svg', caption: 'Mean cross-entropy per epoch and accuracy on the held-out digits.' }],
  });
  console.log(`wrote ${path}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  E.releaseDevice();
  process.exitCode = 1;
});
