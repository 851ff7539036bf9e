// CycleGAN-style colour translation between the coloured-MNIST domains A (digit d in colour d) and B
// (digit d in colour sigma(d)), judged on held-out images by the digit classifier and the colour rule.
//   npm run cyclegan                                # the default: CycleGAN's additions, small and quick
//   npm run cyclegan -- --preset assignment         # the assignment's full configuration (150 epochs)
//   npm run cyclegan -- --cycle 0 --name no-cycle   # switch one addition off
//   npm run cyclegan -- --gen-kernel 1 --width 32 --lr 2e-3 --identity 0 --labeller <digit network> --gen-labelled \
//     --epochs 22 --decay-epochs 6                  # per-pixel recolouring conditioned on the digit (docs/results-cyclegan.md)
// A run writes runs/<name>/: metrics.jsonl (losses and metrics per epoch), a checkpoint after every epoch
// (--resume continues it), the figures and report.html. `--help` lists every flag.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as E from '../engine/node.js';
import { writeImageGrid } from '../engine/io/png.js';
import { writeReport } from '../engine/io/report.js';
import { writeText } from '../engine/io/files.js';
import { lineChart } from '../engine/io/svg.js';
import { HostRandom } from '../engine/random/philox.js';
import { DIGITS, IMAGE_SIDE, loadMnist } from '../models/data/mnist.js';
import {
  CHANNELS,
  COLOURED_PIXELS,
  DEFAULT_PERMUTATION,
  batches,
  translationDomains,
  type ColouredDigits,
} from '../models/data/coloured-mnist.js';
import { DEFAULT_CLASSIFIER_TRAINING, classifierPath, loadClassifier, trainClassifier, type DigitClassifier } from '../models/classifier.js';
import type { CycleGanConfig, TrainingOrder } from '../models/cyclegan/config.js';
import { historyRandom } from '../models/cyclegan/history.js';
import type { AdversarialLoss } from '../models/cyclegan/losses.js';
import { colouredDigitAccuracy, evaluateTranslation, type TranslationResult } from '../models/cyclegan/metrics.js';
import { CycleGan } from '../models/cyclegan/model.js';
import { STEP_LOSSES, makeOptimizers, trainStep } from '../models/cyclegan/train.js';
import { parseFlags, usage, type FlagValues } from './lib/flags.js';

const SCRIPT = 'cyclegan';

const FLAGS = {
  preset: { default: 'default', help: "'default' (CycleGAN's additions, small) or 'assignment' (the assignment's setup)" },
  epochs: { default: 5, help: 'training epochs' },
  batch: { default: 16, help: 'images per domain per step' },
  width: { default: 16, help: 'channels of the generators (3 -> width -> width -> 3)' },
  'gen-kernel': { default: 3, help: "side of the generators' convolutions: 3 (the assignment's) or 1 (each pixel recoloured on its own)" },
  'gen-slope': { default: 0.2, help: "negative slope of the generators' LeakyReLU (0: ReLU, as the assignment)" },
  'centre-input': { default: true, help: 'generators read 2x - 1 in [-1, 1] instead of x in [0, 1]' },
  'disc-widths': { default: '8,16', help: 'channels of the discriminator convolutions, comma-separated' },
  'disc-hidden': { default: 32, help: 'width of the discriminator hidden linear layer' },
  images: { default: 1000, help: 'training images per domain (0: all)' },
  'eval-images': { default: 0, help: 'held-out images per domain for the metrics (0: all)' },
  adversarial: { default: 'lsgan', help: "adversarial loss: 'lsgan' (least squares) or 'bce'" },
  cycle: { default: 10, help: 'lambda, the weight of the L1 cycle losses (0: off)' },
  identity: { default: 5, help: 'mu, the weight of the L1 identity losses (0: off)' },
  history: { default: 50, help: 'generated images kept per discriminator (0: off)' },
  'gen-labelled': { default: false, help: "the generators read the --labeller's digit probabilities of their input too" },
  labeller: {
    default: '',
    help: "a digit classifier checkpoint that conditions both discriminators (projection), not the judging --classifier; '': unconditioned",
  },
  order: { default: 'joint', help: "'joint' (both generators, then both discriminators) or 'assignment' (D_A, G_BA, D_B, G_AB)" },
  lr: { default: 3e-4, help: 'Adam learning rate of all four networks' },
  'decay-epochs': { default: 0, help: "the last this many epochs decay the learning rate linearly towards 0 (CycleGAN's 'linear' policy); 0: constant" },
  beta1: { default: 0.5, help: "Adam's beta1" },
  beta2: { default: 0.999, help: "Adam's beta2" },
  seed: { default: 1, help: 'seed of the weights, domain split, data order and history choices' },
  data: { default: 'embedded', help: "'embedded' or a directory of MNIST IDX files" },
  classifier: { default: classifierPath(), help: 'the digit classifier checkpoint (trained first when missing)' },
  name: { default: '', help: "run directory under runs/ (default: 'cyclegan' or 'cyclegan-assignment')" },
  resume: { default: false, help: 'continue the run from its last checkpoint' },
  help: { default: false, help: 'print this text' },
};

type Flags = FlagValues<typeof FLAGS>;

/** The assignment's configuration: plain BCE GAN, wide generators, batch 128, all images, 150 epochs. */
const ASSIGNMENT_PRESET: Partial<Flags> = {
  epochs: 150,
  batch: 128,
  width: 64,
  'gen-kernel': 3,
  'gen-slope': 0,
  'centre-input': false,
  'disc-widths': '16,32',
  'disc-hidden': 128,
  images: 0,
  adversarial: 'bce',
  cycle: 0,
  identity: 0,
  history: 0,
  order: 'assignment',
  lr: 2e-4,
};

const FIGURE_PAIRS = 4; // source/translation pairs per digit row in the assignment's figures

function parseCommandLine(argv: string[]): Flags {
  const { values: first } = parseFlags(SCRIPT, argv, FLAGS);
  if (first.preset !== 'default' && first.preset !== 'assignment') throw new Error(`${SCRIPT}: --preset must be 'default' or 'assignment', got '${first.preset}'`);
  const base = { ...first, ...(first.preset === 'assignment' ? ASSIGNMENT_PRESET : {}) } as Flags;
  const { values } = parseFlags(SCRIPT, argv, FLAGS, base);
  if (values['gen-labelled'] && values.labeller === '') throw new Error(`${SCRIPT}: --gen-labelled needs --labeller <checkpoint> (the generators read its digit probabilities)`);
  if (values.name === '') values.name = values.preset === 'assignment' ? 'cyclegan-assignment' : 'cyclegan';
  return values;
}

function modelConfig(flags: Flags): CycleGanConfig {
  const widths = flags['disc-widths'].split(',').map(Number);
  return {
    generatorWidth: flags.width,
    generatorKernel: flags['gen-kernel'],
    generatorSlope: flags['gen-slope'],
    centreInput: flags['centre-input'],
    discriminatorWidths: widths,
    discriminatorHidden: flags['disc-hidden'],
    adversarial: flags.adversarial as AdversarialLoss,
    cycleWeight: flags.cycle,
    identityWeight: flags.identity,
    history: flags.history,
    labelled: flags.labeller !== '',
    labelledGenerators: flags['gen-labelled'],
    order: flags.order as TrainingOrder,
    lr: flags.lr,
    beta1: flags.beta1,
    beta2: flags.beta2,
  };
}

// ---- data ------------------------------------------------------------------------------------------------

/** `count` images of `data` chosen uniformly by HostRandom(seed), kept in their original order (0 or more than there are: all). */
function subsetOf(data: ColouredDigits, count: number, seed: number): ColouredDigits {
  if (count <= 0 || count >= data.count) return data;
  const order = Array.from({ length: data.count }, (_, i) => i);
  new HostRandom(seed).shuffle(order);
  const rows = order.slice(0, count).sort((p, q) => p - q);
  const x = new Float32Array(count * COLOURED_PIXELS);
  rows.forEach((row, i) => x.set(data.x.subarray(row * COLOURED_PIXELS, (row + 1) * COLOURED_PIXELS), i * COLOURED_PIXELS));
  return {
    x,
    digit: Uint8Array.from(rows, (r) => data.digit[r]),
    colour: Uint8Array.from(rows, (r) => data.colour[r]),
    source: Uint32Array.from(rows, (r) => data.source[r]),
    count,
  };
}

/** The first `perDigit` rows of each digit, digit 0's first: what the figures show. */
function figureRows(data: ColouredDigits, perDigit: number): number[] {
  const rows: number[] = [];
  for (let digit = 0; digit < DIGITS; digit++) {
    const ofDigit = [...data.digit.keys()].filter((i) => data.digit[i] === digit).slice(0, perDigit);
    if (ofDigit.length < perDigit) throw new Error(`${SCRIPT}: only ${ofDigit.length} held-out images of digit ${digit}, the figures need ${perDigit}`);
    rows.push(...ofDigit);
  }
  return rows;
}

// ---- the classifier ----------------------------------------------------------------------------------------

async function classifierFor(flags: Flags, mnist: ReturnType<typeof loadMnist>): Promise<DigitClassifier> {
  if (!existsSync(flags.classifier)) {
    if (flags.classifier !== classifierPath()) throw new Error(`${SCRIPT}: --classifier ${flags.classifier} does not exist`);
    console.log(`no digit classifier at ${flags.classifier}: training it first (the same as \`npm run classifier\`)`);
    // resume: an interrupted classifier run continues where it stopped
    const { model, testAccuracy } = await trainClassifier(mnist, DEFAULT_CLASSIFIER_TRAINING, { resume: true });
    console.log(`classifier test accuracy ${(100 * testAccuracy).toFixed(2)}%`);
    return model;
  }
  const { model, testAccuracy } = await loadClassifier(flags.classifier);
  console.log(`digit classifier: ${flags.classifier} (test accuracy ${(100 * testAccuracy).toFixed(2)}%)`);
  return model;
}

/** How the labeller of docs/results-cyclegan.md was trained (runs/digit-features/classifier.safetensors). */
const LABELLER_COMMAND = 'npm run classifier -- --seed 7 --epochs 4 --decay-every 3 --name digit-features';

/**
 * The frozen digit network that conditions the discriminators (and the generators with --gen-labelled). It
 * must be another network than the judge, so that the metrics do not read the translations with the very
 * network the training listened to.
 */
async function labellerFor(flags: Flags): Promise<DigitClassifier> {
  if (resolve(flags.labeller) === resolve(flags.classifier)) {
    throw new Error(`${SCRIPT}: --labeller ${flags.labeller} is the judging classifier; train a separate one: ${LABELLER_COMMAND}`);
  }
  if (!existsSync(flags.labeller)) throw new Error(`${SCRIPT}: --labeller ${flags.labeller} does not exist; train it with \`${LABELLER_COMMAND}\``);
  const { model, testAccuracy } = await loadClassifier(flags.labeller);
  for (const p of model.parameters()) p.requiresGrad = false;
  model.eval();
  console.log(`${flags['gen-labelled'] ? 'generators and discriminators' : 'discriminators'} conditioned on ${flags.labeller} (test accuracy ${(100 * testAccuracy).toFixed(2)}%)`);
  return model;
}

// ---- figures and report ------------------------------------------------------------------------------------

const SCALE = 2;
/** The (N, 3, 28, 28) shape of n coloured images. */
function imageShape(n: number): [number, number, number, number] {
  return [n, CHANNELS, IMAGE_SIDE, IMAGE_SIDE];
}

function copyImage(into: Float32Array, slot: number, from: Float32Array, row: number): void {
  into.set(from.subarray(row * COLOURED_PIXELS, (row + 1) * COLOURED_PIXELS), slot * COLOURED_PIXELS);
}

/** The assignment's figure: per digit row, FIGURE_PAIRS pairs (held-out source in even columns, its translation in odd). */
function writeTranslationFigure(path: string, source: ColouredDigits, result: TranslationResult, rows: number[], labels: [string, string]): void {
  const images = new Float32Array(rows.length * 2 * COLOURED_PIXELS);
  rows.forEach((row, i) => {
    copyImage(images, 2 * i, source.x, row);
    copyImage(images, 2 * i + 1, result.translations, row);
  });
  const columnLabels = Array.from({ length: 2 * FIGURE_PAIRS }, (_, c) => labels[c % 2]);
  const rowLabels = Array.from({ length: DIGITS }, (_, d) => String(d));
  writeImageGrid(path, images, imageShape(rows.length * 2), { columns: 2 * FIGURE_PAIRS, scale: SCALE, columnLabels, rowLabels });
}

/** Round trips: per digit, A | G_AB(A) | G_BA(G_AB(A)) | B | G_BA(B) | G_AB(G_BA(B)), one example each. */
function writeRoundTripFigure(path: string, a: ColouredDigits, b: ColouredDigits, ab: TranslationResult, ba: TranslationResult, rowsA: number[], rowsB: number[]): void {
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
    rowLabels: Array.from({ length: DIGITS }, (_, d) => String(d)),
  });
}

type EpochMetrics = Record<string, number>;

/** The epochs finished so far, from the run's metrics.jsonl. */
function readMetrics(dir: string): EpochMetrics[] {
  const text = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim();
  return text === '' ? [] : text.split('\n').map((line) => JSON.parse(line) as EpochMetrics);
}

function writeCharts(dir: string, history: EpochMetrics[]): void {
  const epochs = history.map((r) => r.epoch);
  const series = (keys: string[], names = keys) => keys.map((key, i) => ({ name: names[i], x: epochs, y: history.map((r) => r[key]) }));
  writeText(
    join(dir, 'losses.svg'),
    lineChart({ title: 'Loss of each network (mean per epoch)', xLabel: 'epoch', yLabel: 'loss', series: series(['G_AB', 'G_BA', 'D_A', 'D_B']) }),
  );
  const metricKeys = ['AB_digit_kept', 'AB_colour_hit', 'BA_digit_kept', 'BA_colour_hit'];
  writeText(
    join(dir, 'metrics.svg'),
    lineChart({ title: 'Held-out translations', xLabel: 'epoch', yLabel: 'fraction', series: series(metricKeys, ['A-B digit kept', 'A-B colour hit', 'B-A digit kept', 'B-A colour hit']) }),
  );
  writeText(
    join(dir, 'cycle-error.svg'),
    lineChart({ title: 'Round-trip error (held out)', xLabel: 'epoch', yLabel: 'mean |G(F(x)) - x|', series: series(['AB_cycle_error', 'BA_cycle_error'], ['A-B-A', 'B-A-B']) }),
  );
}

function writeCycleGanReport(dir: string, config: Record<string, unknown>, history: EpochMetrics[]): string {
  writeCharts(dir, history);
  const last = history[history.length - 1];
  const percent = (v: number) => `${(100 * v).toFixed(1)}%`;
  const summary = `A-B digit kept ${percent(last.AB_digit_kept)}, colour hit ${percent(last.AB_colour_hit)}; B-A ${percent(last.BA_digit_kept)}, ${percent(last.BA_colour_hit)}`;
  return writeReport(dir, {
    title: `CycleGAN colour translation after ${last.epoch} epochs: ${summary}`,
    config,
    metrics: history,
    figures: [
      { title: 'A to B', file: 'translate-AB.png', caption: 'Even columns: held-out domain-A images (digit d in colour d); odd columns: their G_AB translations (should be colour sigma(d)).' },
      { title: 'B to A', file: 'translate-BA.png', caption: 'Even columns: held-out domain-B images (digit d in colour sigma(d)); odd columns: their G_BA translations (should be colour d).' },
      { title: 'Round trips', file: 'round-trips.png', caption: 'Per digit: A, G_AB(A), G_BA(G_AB(A)), then B, G_BA(B), G_AB(G_BA(B)).' },
      { title: 'Losses', file: 'losses.svg', caption: 'Mean training loss of each network per epoch (a generator: adversarial + identity + its own cycle term).' },
      { title: 'Digit kept and colour hit', file: 'metrics.svg', caption: 'Fractions of held-out source images whose translation keeps the digit (classifier on brightness) and has the target colour.' },
      { title: 'Cycle error', file: 'cycle-error.svg', caption: 'Mean absolute error of the held-out round trips.' },
    ],
  });
}

/** Constant, or CycleGAN's linear decay over the last --decay-epochs epochs; a function of the epoch, so --resume follows it. */
function learningRateSchedule(flags: Flags): E.optim.LrSchedule | undefined {
  const decayEpochs = flags['decay-epochs'];
  if (decayEpochs === 0) return undefined;
  if (!Number.isInteger(decayEpochs) || decayEpochs < 0 || decayEpochs > flags.epochs) {
    throw new Error(`${SCRIPT}: --decay-epochs must be an integer from 0 to --epochs (${flags.epochs}), got ${decayEpochs}`);
  }
  return E.optim.linearDecayLr(flags.lr, { constantEpochs: flags.epochs - decayEpochs, decayEpochs });
}

// ---- the run ----------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) return void console.log(usage(SCRIPT, FLAGS));
  const flags = parseCommandLine(argv);
  await E.setBackend('webgpu');
  const mnist = loadMnist({ data: flags.data });
  const classifier = await classifierFor(flags, mnist);

  const train = translationDomains(mnist.train, { seed: flags.seed });
  const heldOut = translationDomains(mnist.test, { seed: flags.seed });
  const [a, b] = [subsetOf(train.a, flags.images, flags.seed), subsetOf(train.b, flags.images, flags.seed + 1)];
  const [evalA, evalB] = [subsetOf(heldOut.a, flags['eval-images'], flags.seed), subsetOf(heldOut.b, flags['eval-images'], flags.seed + 1)];
  const stepsPerEpoch = Math.floor(Math.min(a.count, b.count) / flags.batch);
  if (stepsPerEpoch < 1) throw new Error(`${SCRIPT}: ${Math.min(a.count, b.count)} training images per domain do not fill one batch of ${flags.batch}`);
  console.log(`domains: ${a.count} A / ${b.count} B training images, ${evalA.count} / ${evalB.count} held out; ${stepsPerEpoch} steps per epoch`);

  const ceiling = { A: await colouredDigitAccuracy(classifier, evalA), B: await colouredDigitAccuracy(classifier, evalB) };
  console.log(`classifier on the held-out source images themselves: A ${(100 * ceiling.A).toFixed(1)}%, B ${(100 * ceiling.B).toFixed(1)}%`);

  E.manualSeed(flags.seed);
  const config = modelConfig(flags);
  const gan = new CycleGan(config);
  const labeller = config.labelled ? await labellerFor(flags) : null;
  if (labeller) gan.attachLabeller(labeller);
  const optimizers = makeOptimizers(gan);
  const sigma = Array.from({ length: DIGITS }, (_, d) => DEFAULT_PERMUTATION(d));
  const runConfig = { ...flags, model: config, sigma, classifierOnHeldOutSources: ceiling };
  const dir = join('runs', flags.name);
  const [figureA, figureB] = [figureRows(evalA, FIGURE_PAIRS), figureRows(evalB, FIGURE_PAIRS)];
  let historySynced = false;

  const started = performance.now();
  const result = await E.train.runTraining({
    name: flags.name,
    epochs: flags.epochs,
    stepsPerEpoch,
    module: gan,
    optimizers,
    resume: flags.resume,
    config: runConfig,
    schedule: learningRateSchedule(flags),
    trainEpoch: async ({ epoch, progress }) => {
      if (!historySynced) {
        await Promise.all([gan.historyA.syncFromState(), gan.historyB.syncFromState()]);
        historySynced = true;
      }
      const sums = new Array<number>(STEP_LOSSES.length).fill(0);
      const random = historyRandom(flags.seed, epoch);
      const batchesB = batches(b, { batchSize: flags.batch, seed: flags.seed + 1, epoch, dropLast: true });
      let step = 0;
      for (const batchA of batches(a, { batchSize: flags.batch, seed: flags.seed, epoch, dropLast: true })) {
        const batchB = batchesB.next().value;
        if (!batchB || step === stepsPerEpoch) break;
        const xA = E.fromValues(batchA.x, imageShape(batchA.size));
        const xB = E.fromValues(batchB.x, imageShape(batchB.size));
        const losses = trainStep(gan, optimizers, xA, xB, random);
        const values = await losses.toArray();
        [xA, xB, losses].forEach((t) => t.dispose());
        E.train.checkFiniteLoss(SCRIPT, Object.fromEntries(STEP_LOSSES.map((name, i) => [name, values[i]])), epoch, step + 1);
        values.forEach((v, i) => (sums[i] += v));
        step++;
        progress.update(step, { loss: values[0] + values[1] + values[2] + values[3], samples: 2 * batchA.size });
      }
      const means = Object.fromEntries(STEP_LOSSES.map((name, i) => [name, sums[i] / step]));
      const [toB, toA] = [(x: E.Tensor) => gan.translate('AB', x), (x: E.Tensor) => gan.translate('BA', x)];
      progress.phase('translating the held-out images both ways, judging them');
      const ab = await evaluateTranslation(toB, toA, classifier, evalA, (d) => DEFAULT_PERMUTATION(d));
      const ba = await evaluateTranslation(toA, toB, classifier, evalB, (d) => d);
      const record = {
        epoch: epoch + 1,
        ...means,
        AB_digit_kept: ab.metrics.digitKept,
        AB_colour_hit: ab.metrics.colourHit,
        AB_cycle_error: ab.metrics.cycleError,
        BA_digit_kept: ba.metrics.digitKept,
        BA_colour_hit: ba.metrics.colourHit,
        BA_cycle_error: ba.metrics.cycleError,
      };
      writeTranslationFigure(join(dir, 'translate-AB.png'), evalA, ab, figureA, ['A', 'AB']);
      writeTranslationFigure(join(dir, 'translate-BA.png'), evalB, ba, figureB, ['B', 'BA']);
      writeRoundTripFigure(join(dir, 'round-trips.png'), evalA, evalB, ab, ba, figureA, figureB);
      writeCycleGanReport(dir, runConfig, [...readMetrics(dir), record]);
      const { epoch: _, ...metrics } = record;
      return metrics;
    },
  });
  const path = writeCycleGanReport(dir, runConfig, result.history);
  console.log(`wrote ${path} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  gan.dispose();
  classifier.dispose();
  labeller?.dispose();
  Object.values(optimizers).forEach((o) => o.dispose());
  E.releaseDevice();
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  E.releaseDevice();
  process.exitCode = 1;
});
