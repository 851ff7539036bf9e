// CycleGAN-style colour translation between the coloured-MNIST domains A (digit d in colour d) and B
// (digit d in colour sigma(d)), judged on held-out images by the digit classifier and the colour rule.
//   npm run cyclegan                                   # the quick preset: CycleGAN's additions, small and quick
//   npm run cyclegan -- --preset assignment            # the assignment's full configuration (150 epochs)
//   npm run cyclegan -- --set cycle=0 --name no-cycle  # switch one addition off
//   npm run cyclegan -- --preset gen-labelled          # per-pixel recolouring conditioned on the digit (docs/results-cyclegan.md)
//   npm run cyclegan -- --preset label-free            # the same, its digit reader trained from the images alone (no label)
// A run writes runs/<name>/: metrics.jsonl (losses and metrics per epoch), steps.jsonl (the summed loss of
// every step), a checkpoint after every epoch (--resume continues it), the figures and report.html,
// rewritten after every epoch (the page reloads itself while the run goes on). `--help` lists every flag,
// config field and preset; the settings are experiments/cyclegan/settings.ts, the figures and report
// experiments/cyclegan/figures.ts.
import { copyFileSync, existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import * as E from '../engine/node.js';
import { DIGITS, loadMnist } from '../models/data/mnist.js';
import { DEFAULT_PERMUTATION, batches, translationDomains, type ColouredDigits } from '../models/data/coloured-mnist.js';
import { DEFAULT_CLASSIFIER_TRAINING, loadClassifier, trainClassifier, type DigitClassifier } from '../models/classifier.js';
import { historyRandom } from '../models/cyclegan/history.js';
import { colouredDigitAccuracy, evaluateTranslation, shapeColourAgreement } from '../models/cyclegan/metrics.js';
import { CycleGan } from '../models/cyclegan/model.js';
import { trainShapeNetwork, type ShapeNetwork } from '../models/cyclegan/shape-labels.js';
import { STEP_LOSSES, makeOptimizers, trainStep } from '../models/cyclegan/train.js';
import { commandLine, runSettings } from './lib/command.js';
import { stopReportOnFailure } from './lib/report/report.js';
import { imagesBesides, imagesOf, selectedEpoch, subsetOf, trainingAndValidation } from './cyclegan/data.js';
import { CYCLEGAN_COMMAND, modelConfig, type CycleGanSettings } from './cyclegan/settings.js';
import { FIGURE_PAIRS, figureRows, imageShape, writeCycleGanReport, writeRoundTripFigure, writeTranslationFigure } from './cyclegan/figures.js';

const SCRIPT = 'cyclegan';

// ---- validation ----------------------------------------------------------------------------------------------

/** The checkpoint of the epoch the validation set picks, beside the run's latest one. */
const SELECTED_CHECKPOINT = 'selected.safetensors';

/**
 * Label-free scores of the validation translations (models/cyclegan/metrics.ts, shapeColourAgreement), each
 * direction against the real validation images of its target domain, and their cycle errors; the judge's
 * digit kept and colour hit on them too, for comparison (they read labels, so they pick nothing).
 */
async function validationMetrics(toB: (x: E.Tensor) => E.Tensor, toA: (x: E.Tensor) => E.Tensor, classifier: DigitClassifier, validation: { A: ColouredDigits; B: ColouredDigits }): Promise<Record<string, number>> {
  const ab = await evaluateTranslation(toB, toA, classifier, validation.A, (d) => DEFAULT_PERMUTATION(d));
  const ba = await evaluateTranslation(toA, toB, classifier, validation.B, (d) => d);
  const agreementAB = shapeColourAgreement(validation.A.x, ab.translations, validation.B.x);
  const agreementBA = shapeColourAgreement(validation.B.x, ba.translations, validation.A.x);
  return {
    val_AB_agreement: agreementAB,
    val_BA_agreement: agreementBA,
    val_AB_cycle_error: ab.metrics.cycleError,
    val_BA_cycle_error: ba.metrics.cycleError,
    val_score: (agreementAB + agreementBA) / 2,
    val_AB_colour_hit: ab.metrics.colourHit,
    val_BA_colour_hit: ba.metrics.colourHit,
  };
}

/** After each epoch's checkpoint: when that epoch is the one validation picks so far, copy it to SELECTED_CHECKPOINT. */
function keepSelectedCheckpoint(dir: string, history: Record<string, number>[]): void {
  const selected = selectedEpoch(history);
  if (!selected || selected !== history[history.length - 1]) return;
  const temporary = join(dir, `${SELECTED_CHECKPOINT}.tmp`);
  copyFileSync(E.train.runPaths(dir).checkpoint, temporary);
  renameSync(temporary, join(dir, SELECTED_CHECKPOINT));
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

/**
 * The label-free labeller (clusterLabeller): a shape network trained from the domains' images alone
 * (models/cyclegan/shape-labels.ts), kept in the run's folder as runs/<name>/shape-network[-first]/ and
 * reused when the run resumes. It sees each domain's training-split images except the validation ones.
 */
async function shapeNetworkFor(dir: string, domains: { a: ColouredDigits; b: ColouredDigits }, validation: { A: ColouredDigits; B: ColouredDigits }, seed: number, progress: E.train.TrainingRunOptions['progress']): Promise<ShapeNetwork> {
  const network = await trainShapeNetwork(
    { a: imagesBesides(domains.a, validation.A), b: imagesBesides(domains.b, validation.B) },
    { a: imagesOf(validation.A), b: imagesOf(validation.B) },
    { rootDir: dir, name: 'shape-network', seed, progress },
  );
  const { clusterSizesA, clusterSizesB, matchAgreement, validationAgreement } = network.report;
  console.log(
    `shape network from colour clusters (no label read): cluster sizes A [${clusterSizesA.join(', ')}], B [${clusterSizesB.join(', ')}]; ` +
      `B's clusters matched to A's with ${(100 * matchAgreement).toFixed(1)}% agreement; validation agreement with the clusters ${(100 * validationAgreement).toFixed(1)}%`,
  );
  return network;
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
  const splitA = trainingAndValidation(train.a, settings.images, settings.validationImages, settings.seed);
  const splitB = trainingAndValidation(train.b, settings.images, settings.validationImages, settings.seed + 1);
  const [a, b] = [splitA.train, splitB.train];
  const [evalA, evalB] = [subsetOf(heldOut.a, settings.evalImages, settings.seed), subsetOf(heldOut.b, settings.evalImages, settings.seed + 1)];
  const stepsPerEpoch = Math.floor(Math.min(a.count, b.count) / settings.batch);
  if (stepsPerEpoch < 1) throw new Error(`${SCRIPT}: ${Math.min(a.count, b.count)} training images per domain do not fill one batch of ${settings.batch}`);
  const validation = splitA.validation && splitB.validation ? { A: splitA.validation, B: splitB.validation } : null;
  console.log(
    `domains: ${a.count} A / ${b.count} B training images, ${validation ? `${validation.A.count} / ${validation.B.count} validation, ` : ''}` +
      `${evalA.count} / ${evalB.count} held out; ${stepsPerEpoch} steps per epoch`,
  );

  const ceiling = { A: await colouredDigitAccuracy(classifier, evalA), B: await colouredDigitAccuracy(classifier, evalB) };
  console.log(`classifier on the held-out source images themselves: A ${(100 * ceiling.A).toFixed(1)}%, B ${(100 * ceiling.B).toFixed(1)}%`);

  const dir = join('runs', name);
  const shapeNetwork = settings.clusterLabeller ? await shapeNetworkFor(dir, train, validation!, settings.seed, parsed.progress) : null;
  E.manualSeed(settings.seed);
  const config = modelConfig(settings);
  const gan = new CycleGan(config);
  const labeller = shapeNetwork?.model ?? (config.labelled ? await labellerFor(settings) : null);
  if (labeller) gan.attachLabeller(labeller);
  const optimizers = makeOptimizers(gan);
  const sigma = Array.from({ length: DIGITS }, (_, d) => DEFAULT_PERMUTATION(d));
  const runConfig = { script: SCRIPT, ...settings, preset: parsed.preset, ...runSettings(settings), model: config, sigma, classifierOnHeldOutSources: ceiling, shapeNetwork: shapeNetwork?.report };
  // the report shows each setting once (config.json keeps them flat and under settings, for --resume)
  const reportConfig = { preset: parsed.preset, ...settings, sigma, classifierOnHeldOutSources: ceiling };
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
      if (validation) {
        progress.phase('scoring the validation translations against real images (no labels)');
        Object.assign(metrics, await validationMetrics(toB, toA, classifier, validation));
      }
      const classes = mnist.names.classes;
      writeTranslationFigure(join(dir, 'translate-AB.png'), evalA, ab, figureA, ['A', 'AB'], classes);
      writeTranslationFigure(join(dir, 'translate-BA.png'), evalB, ba, figureB, ['B', 'BA'], classes);
      writeRoundTripFigure(join(dir, 'round-trips.png'), evalA, evalB, ab, ba, figureA, figureB, classes);
      return metrics;
    },
    onEpoch: ({ history, epochs }) => {
      keepSelectedCheckpoint(dir, history);
      writeCycleGanReport(dir, reportConfig, history, mnist.names, `epoch ${history.length} of ${epochs} done`);
    },
  }));
  const path = writeCycleGanReport(dir, reportConfig, result.history, mnist.names);
  console.log(`wrote ${path} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  const selected = selectedEpoch(result.history);
  if (selected) {
    const percent = (v: number) => `${(100 * v).toFixed(1)}%`;
    console.log(
      `validation picks epoch ${selected.epoch} (agreement A-B ${percent(selected.val_AB_agreement)}, B-A ${percent(selected.val_BA_agreement)}; ${SELECTED_CHECKPOINT}): ` +
        `held out A-B kept ${percent(selected.AB_digit_kept)}, colour ${percent(selected.AB_colour_hit)}, cycle ${selected.AB_cycle_error.toFixed(3)}; ` +
        `B-A kept ${percent(selected.BA_digit_kept)}, colour ${percent(selected.BA_colour_hit)}, cycle ${selected.BA_cycle_error.toFixed(3)}`,
    );
  }
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
