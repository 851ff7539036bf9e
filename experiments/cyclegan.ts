// CycleGAN-style colour translation between the coloured-MNIST domains A (digit d in colour d) and B
// (digit d in colour sigma(d)), judged on held-out images by the digit classifier and the colour rule.
//   npm run cyclegan                                   # the quick preset: CycleGAN's additions, small and quick
//   npm run cyclegan -- --preset assignment            # the assignment's full configuration (150 epochs)
//   npm run cyclegan -- --set cycle=0 --name no-cycle  # switch one addition off
//   npm run cyclegan -- --preset gen-labelled          # per-pixel recolouring conditioned on the digit (docs/results-cyclegan.md)
// A run writes runs/<name>/: metrics.jsonl (losses and metrics per epoch), steps.jsonl (the summed loss of
// every step), a checkpoint after every epoch (--resume continues it), the figures and report.html,
// rewritten after every epoch (the page reloads itself while the run goes on). `--help` lists every flag,
// config field and preset; the settings are experiments/cyclegan/settings.ts, the figures and report
// experiments/cyclegan/figures.ts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as E from '../engine/node.js';
import { HostRandom } from '../engine/random/philox.js';
import { DIGITS, loadMnist } from '../models/data/mnist.js';
import { COLOURED_PIXELS, DEFAULT_PERMUTATION, batches, translationDomains, type ColouredDigits } from '../models/data/coloured-mnist.js';
import { DEFAULT_CLASSIFIER_TRAINING, loadClassifier, trainClassifier, type DigitClassifier } from '../models/classifier.js';
import { historyRandom } from '../models/cyclegan/history.js';
import { colouredDigitAccuracy, evaluateTranslation } from '../models/cyclegan/metrics.js';
import { CycleGan } from '../models/cyclegan/model.js';
import { STEP_LOSSES, makeOptimizers, trainStep } from '../models/cyclegan/train.js';
import { commandLine, runSettings } from './lib/command.js';
import { stopReportOnFailure } from './lib/report/report.js';
import { CYCLEGAN_COMMAND, modelConfig, type CycleGanSettings } from './cyclegan/settings.js';
import { FIGURE_PAIRS, figureRows, imageShape, writeCycleGanReport, writeRoundTripFigure, writeTranslationFigure } from './cyclegan/figures.js';

const SCRIPT = 'cyclegan';

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

// ---- the classifier ----------------------------------------------------------------------------------------

async function classifierFor(settings: CycleGanSettings, mnist: ReturnType<typeof loadMnist>): Promise<DigitClassifier> {
  if (!existsSync(settings.classifier)) {
    console.log(`no digit classifier at ${settings.classifier}: training it first (the same as \`npm run classifier\`)`);
    // resume: an interrupted classifier run continues where it stopped
    const { model, testAccuracy } = await trainClassifier(mnist, DEFAULT_CLASSIFIER_TRAINING, { resume: true });
    console.log(`classifier test accuracy ${(100 * testAccuracy).toFixed(2)}%`);
    return model;
  }
  const { model, testAccuracy } = await loadClassifier(settings.classifier);
  console.log(`digit classifier: ${settings.classifier} (test accuracy ${(100 * testAccuracy).toFixed(2)}%)`);
  return model;
}

/**
 * The frozen digit network that conditions the discriminators (and the generators with genLabelled). It
 * must be another network than the judge (settings.ts checks it), so that the metrics do not read the
 * translations with the very network the training listened to.
 */
async function labellerFor(settings: CycleGanSettings): Promise<DigitClassifier> {
  const { model, testAccuracy } = await loadClassifier(settings.labeller);
  for (const p of model.parameters()) p.requiresGrad = false;
  model.eval();
  console.log(`${settings.genLabelled ? 'generators and discriminators' : 'discriminators'} conditioned on ${settings.labeller} (test accuracy ${(100 * testAccuracy).toFixed(2)}%)`);
  return model;
}

/** Constant, or CycleGAN's linear decay over the last decayEpochs epochs; a function of the epoch, so --resume follows it. */
function learningRateSchedule(settings: CycleGanSettings): E.optim.LrSchedule | undefined {
  const { decayEpochs, epochs, lr } = settings;
  if (decayEpochs === 0) return undefined;
  return E.optim.linearDecayLr(lr, { constantEpochs: epochs - decayEpochs, decayEpochs });
}

// ---- the run ----------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const parsed = commandLine(CYCLEGAN_COMMAND);
  if (!parsed) return;
  const { config: settings, name } = parsed;
  await E.setBackend('webgpu');
  const mnist = loadMnist({ data: settings.data });
  const classifier = await classifierFor(settings, mnist);

  const train = translationDomains(mnist.train, { seed: settings.seed });
  const heldOut = translationDomains(mnist.test, { seed: settings.seed });
  const [a, b] = [subsetOf(train.a, settings.images, settings.seed), subsetOf(train.b, settings.images, settings.seed + 1)];
  const [evalA, evalB] = [subsetOf(heldOut.a, settings.evalImages, settings.seed), subsetOf(heldOut.b, settings.evalImages, settings.seed + 1)];
  const stepsPerEpoch = Math.floor(Math.min(a.count, b.count) / settings.batch);
  if (stepsPerEpoch < 1) throw new Error(`${SCRIPT}: ${Math.min(a.count, b.count)} training images per domain do not fill one batch of ${settings.batch}`);
  console.log(`domains: ${a.count} A / ${b.count} B training images, ${evalA.count} / ${evalB.count} held out; ${stepsPerEpoch} steps per epoch`);

  const ceiling = { A: await colouredDigitAccuracy(classifier, evalA), B: await colouredDigitAccuracy(classifier, evalB) };
  console.log(`classifier on the held-out source images themselves: A ${(100 * ceiling.A).toFixed(1)}%, B ${(100 * ceiling.B).toFixed(1)}%`);

  E.manualSeed(settings.seed);
  const config = modelConfig(settings);
  const gan = new CycleGan(config);
  const labeller = config.labelled ? await labellerFor(settings) : null;
  if (labeller) gan.attachLabeller(labeller);
  const optimizers = makeOptimizers(gan);
  const sigma = Array.from({ length: DIGITS }, (_, d) => DEFAULT_PERMUTATION(d));
  const runConfig = { script: SCRIPT, ...settings, preset: parsed.preset, ...runSettings(settings), model: config, sigma, classifierOnHeldOutSources: ceiling };
  // the report shows each setting once (config.json keeps them flat and under settings, for --resume)
  const reportConfig = { preset: parsed.preset, ...settings, sigma, classifierOnHeldOutSources: ceiling };
  const dir = join('runs', name);
  const [figureA, figureB] = [figureRows(evalA, FIGURE_PAIRS), figureRows(evalB, FIGURE_PAIRS)];
  let historySynced = false;

  const started = performance.now();
  const result = await stopReportOnFailure(dir, E.train.runTraining({
    name,
    epochs: settings.epochs,
    stepsPerEpoch,
    module: gan,
    optimizers,
    resume: parsed.resume,
    progress: parsed.progress,
    config: runConfig,
    schedule: learningRateSchedule(settings),
    trainEpoch: async ({ epoch, progress }) => {
      if (!historySynced) {
        await Promise.all([gan.historyA.syncFromState(), gan.historyB.syncFromState()]);
        historySynced = true;
      }
      const sums = new Array<number>(STEP_LOSSES.length).fill(0);
      const random = historyRandom(settings.seed, epoch);
      const batchesB = batches(b, { batchSize: settings.batch, seed: settings.seed + 1, epoch, dropLast: true });
      let step = 0;
      for (const batchA of batches(a, { batchSize: settings.batch, seed: settings.seed, epoch, dropLast: true })) {
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
      const metrics = {
        ...means,
        AB_digit_kept: ab.metrics.digitKept,
        AB_colour_hit: ab.metrics.colourHit,
        AB_cycle_error: ab.metrics.cycleError,
        BA_digit_kept: ba.metrics.digitKept,
        BA_colour_hit: ba.metrics.colourHit,
        BA_cycle_error: ba.metrics.cycleError,
      };
      const classes = mnist.names.classes;
      writeTranslationFigure(join(dir, 'translate-AB.png'), evalA, ab, figureA, ['A', 'AB'], classes);
      writeTranslationFigure(join(dir, 'translate-BA.png'), evalB, ba, figureB, ['B', 'BA'], classes);
      writeRoundTripFigure(join(dir, 'round-trips.png'), evalA, evalB, ab, ba, figureA, figureB, classes);
      return metrics;
    },
    onEpoch: ({ history, epochs }) => void writeCycleGanReport(dir, reportConfig, history, mnist.names, `epoch ${history.length} of ${epochs} done`),
  }));
  const path = writeCycleGanReport(dir, reportConfig, result.history, mnist.names);
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
