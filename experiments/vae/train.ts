// The VAE experiment's training path: trains a model for the run's options, measures it on the test set
// after every epoch (loss terms, reconstruction colour, colour control, what the categorical variables
// track), and writes runs/<name>/: metrics.jsonl, steps.jsonl, checkpoints, colour-control.json (which
// `vae sample` uses), latents.json (for the latent explorer page), the figures and report.html. The report
// is rewritten after every epoch (loss curves, reconstructions and colour samples so far; the page reloads
// itself while the run goes on) and once more at the end with every figure.
import { join } from 'node:path';
import * as E from '../../engine/node.js';
import { writeText } from '../../engine/io/files.js';
import { stopReportOnFailure, writeReport, type ReportFigure, type ReportSpec } from '../lib/report/report.js';

import { trainingFigures } from '../lib/report/training.js';
import { loadMnist, type DataSetNames } from '../../models/data/mnist.js';
import { PALETTE, batches, vaeDataset, type ColouredDigits } from '../../models/data/coloured-mnist.js';
import { Vae } from '../../models/vae/model.js';
import { IMAGE_SHAPE } from '../../models/vae/networks.js';
import { stepSettings, trainStep, type LossValues } from '../../models/vae/train.js';
import { combinationsUsed, evaluateSet, reconstructionKeepsColour, variableAccuracies, type TestEvaluation } from '../../models/vae/evaluate.js';
import { colourControlAccuracy, fitColourControl, type ColourControl, type ControlFit, type DiscreteDraw } from '../../models/vae/control.js';
import { colourSamplesFigure, combinationFigures, latentFigures, lossFigures, reconstructionFigure, traversalFigures, writeLatents } from './figures.js';
import type { TrainOptions } from './settings.js';
import type { ProgressMode } from '../../engine/io/progress.js';

/** Seeds of the colours painted on the training and test digits (fixed, so every run sees the same data). */
export const TRAIN_COLOUR_SEED = 2024;
export const TEST_COLOUR_SEED = 2025;
export const CONTROL_FILE = 'colour-control.json';
const RECONSTRUCTIONS_KEPT = 32;

function epochRecord(prefix: string, values: LossValues, capacity: boolean): Record<string, number> {
  const record: Record<string, number> = {
    [`${prefix}_nelbo`]: values.negativeElbo,
    [`${prefix}_reconstruction`]: values.reconstruction,
    [`${prefix}_kl_continuous`]: values.klContinuous,
    [`${prefix}_kl_discrete`]: values.klDiscrete,
  };
  if (capacity) record[`${prefix}_objective`] = values.objective;
  return record;
}

interface Measurement {
  evaluation: TestEvaluation;
  control: ColourControl;
  controlSamples: Float32Array[];
  controlPerColour: number[];
  colourVariable: number;
  metrics: Record<string, number>;
}

/** The colour-selection mechanism, and the data sets its summary may be fitted to. */
interface ControlSetting {
  control: string;
  fit: ControlFit;
  discreteDraw: DiscreteDraw;
  sets: Record<ControlFit, ColouredDigits>;
}

/** The colour control fitted to the setting's fit set (the test set's evaluation is reused when that is the set). */
async function fitControl(model: Vae, testEvaluation: TestEvaluation, setting: ControlSetting, batch: number, tau: number): Promise<ColourControl> {
  const data = setting.sets[setting.fit];
  const evaluation = setting.fit === 'test' ? testEvaluation : await evaluateSet(model, data, batch, tau);
  return fitColourControl(model, evaluation, data, setting.control, setting.fit, setting.discreteDraw);
}

/** Every test metric of the issue: loss terms, reconstruction colour, colour control, variable accuracies. */
async function measure(model: Vae, setting: ControlSetting, batch: number, tau: number, phase: (text: string) => void = () => {}): Promise<Measurement> {
  model.eval();
  const test = setting.sets.test;
  phase('evaluating on the test set');
  const evaluation = await evaluateSet(model, test, batch, tau, RECONSTRUCTIONS_KEPT);
  phase(`fitting the colour control (${setting.control} on the ${setting.fit} set)`);
  const control = await fitControl(model, evaluation, setting, batch, tau);
  phase('measuring the colour control');
  const accuracy = await colourControlAccuracy(model, control);
  const metrics: Record<string, number> = {
    ...epochRecord('test', evaluation.loss, false),
    recon_keeps_colour: reconstructionKeepsColour(evaluation, test),
    control_mean: accuracy.mean,
    control_min: accuracy.min,
    ...Object.fromEntries(PALETTE.map(({ name }, c) => [`control_${name}`, accuracy.perColour[c]])),
  };
  const { variables: N, categories: K } = model.config;
  const variables = variableAccuracies(evaluation, test, N, K);
  let colourVariable = 0;
  if (variables && evaluation.categories) {
    colourVariable = variables.colour.bestVariable;
    Object.assign(metrics, {
      colour_variable_accuracy: variables.colour.best,
      colour_variable: variables.colour.bestVariable,
      digit_variable_accuracy: variables.digit.best,
      digit_variable: variables.digit.bestVariable,
      combinations_used: combinationsUsed(evaluation.categories, N),
    });
  }
  model.train();
  return { evaluation, control, controlSamples: accuracy.images, controlPerColour: accuracy.perColour, colourVariable, metrics };
}

export async function train(options: TrainOptions, run: { resume: boolean; progress: ProgressMode }): Promise<void> {
  const { model: config, epochs, batch, lr, seed, capacity, name } = options;
  E.manualSeed(seed);
  const grey = loadMnist({ data: options.data });
  const trainSet = vaeDataset(grey.train, TRAIN_COLOUR_SEED);
  const testSet = vaeDataset(grey.test, TEST_COLOUR_SEED);
  const setting: ControlSetting = { control: options.control, fit: options.fit, discreteDraw: options.discreteDraw, sets: { train: trainSet, test: testSet } };
  const model = new Vae(config);
  const optimizer = new E.optim.Adam(model.parameters(), { lr });
  const stepsPerEpoch = Math.ceil(trainSet.count / batch);
  const totalSteps = epochs * stepsPerEpoch;
  console.log(`${model.describe()}: ${model.parameterCount().toLocaleString('en-US')} parameters; ${trainSet.count} training / ${testSet.count} test images (${grey.source})`);
  const runConfig = { script: 'vae', ...options, data: grey.source, totalSteps };
  const report = (figures: ReportFigure[], rows: Record<string, number>[], live?: string): ReportSpec => ({
    title: `${model.describe()} on coloured ${grey.names.title}`,
    // the flat settings, one row each (config.json also keeps the nested options the code reads back)
    config: { preset: options.preset, name: options.name, ...options.settings, data: grey.source, parameters: model.parameterCount(), totalSteps },
    metrics: rows.map((record) => reportRow(model, record)),
    figures,
    live,
  });

  let last: Measurement | null = null;
  const { dir, history } = await stopReportOnFailure(join('runs', name), E.train.runTraining({
    name,
    resume: run.resume,
    progress: run.progress,
    epochs,
    stepsPerEpoch,
    module: model,
    optimizers: optimizer,
    config: runConfig,
    trainEpoch: async ({ epoch, progress }) => {
      const sums = new Map<keyof LossValues, number>();
      let step = 0;
      for (const b of batches(trainSet, { batchSize: batch, seed, epoch })) {
        const settings = stepSettings(epoch * stepsPerEpoch + step, totalSteps, capacity ?? undefined, options.usage);
        const x = E.tensor(b.x, [b.size, ...IMAGE_SHAPE]);
        const values = await trainStep(model, optimizer, x, settings, { sumOverBatch: options.batchSum });
        x.dispose();
        E.train.checkFiniteLoss('vae', { ...values }, epoch, step + 1);
        for (const [key, value] of Object.entries(values) as [keyof LossValues, number][]) sums.set(key, (sums.get(key) ?? 0) + value);
        progress.update(++step, { loss: values.negativeElbo, samples: b.size });
      }
      const mean = Object.fromEntries([...sums].map(([key, sum]) => [key, sum / step])) as unknown as LossValues;
      const tau = stepSettings((epoch + 1) * stepsPerEpoch, totalSteps).tau;
      last = await measure(model, setting, batch, tau, (text) => progress.phase(text));
      return { ...epochRecord('train', mean, capacity !== null), ...(model.hasDiscrete ? { tau } : {}), ...last.metrics };
    },
    onEpoch: ({ dir, history, epochs: total }) => {
      writeReport(dir, report(epochFigures(dir, model, testSet, last!, history), history, `epoch ${history.length} of ${total} done`));
    },
  }));
  // A resumed run whose epochs were all done already measures the restored model here.
  const final = last ?? (await measure(model, setting, batch, stepSettings(totalSteps, totalSteps).tau));
  // ... and its report's last row shows that measurement (metrics.jsonl keeps what each epoch measured)
  const rows = last ? history : [...history.slice(0, -1), { ...history[history.length - 1], ...final.metrics }];
  writeText(join(dir, CONTROL_FILE), JSON.stringify(final.control) + '\n');
  writeLatents(dir, final.evaluation, testSet, model.config.latent, model.config.variables); // for the latent explorer page
  const figures = await runFigures(dir, model, testSet, final, history, grey.names);
  const reportPath = writeReport(dir, report(figures, rows));
  console.log(`test negative ELBO ${final.metrics.test_nelbo.toFixed(1)} nats/image; colour control (${final.control.mechanism}) mean ${(100 * final.metrics.control_mean).toFixed(1)}%, min ${(100 * final.metrics.control_min).toFixed(1)}%`);
  console.log(`colour control per colour: ${PALETTE.map(({ name }, c) => `${name} ${(100 * final.controlPerColour[c]).toFixed(0)}%`).join(', ')}`);
  console.log(`wrote ${reportPath}`);
}

/** The columns of the report's metrics table (metrics.jsonl has every metric, per colour too). */
const REPORT_COLUMNS = [
  'epoch', 'train_nelbo', 'test_nelbo', 'test_kl_continuous', 'test_kl_discrete',
  'recon_keeps_colour', 'control_mean', 'control_min', 'colour_variable_accuracy', 'digit_variable_accuracy', 'seconds',
];

/** The report's columns for this model: no KL column for a latent kind it does not have. */
function reportRow(model: Vae, record: Record<string, number>): Record<string, number> {
  const absent = [model.hasContinuous ? '' : 'test_kl_continuous', model.hasDiscrete ? '' : 'test_kl_discrete'];
  return Object.fromEntries(REPORT_COLUMNS.filter((key) => key in record && !absent.includes(key)).map((key) => [key, record[key]]));
}

/** The figures of the report rewritten after each epoch: those cheap to draw from the epoch's measurement. */
function epochFigures(dir: string, model: Vae, test: ColouredDigits, measured: Measurement, history: Record<string, number>[]): ReportFigure[] {
  return [
    ...lossFigures(dir, history, model.hasContinuous, model.hasDiscrete),
    ...trainingFigures(dir, history, 'negative ELBO (nats per image)'),
    reconstructionFigure(dir, test, measured.evaluation, measured.metrics.recon_keeps_colour),
    colourSamplesFigure(dir, measured.controlSamples, measured.controlPerColour),
  ];
}

/** Every figure: the epoch's, the latent space, and by latent kind the combinations and traversals. */
async function runFigures(dir: string, model: Vae, test: ColouredDigits, final: Measurement, history: Record<string, number>[], names: DataSetNames): Promise<ReportFigure[]> {
  const figures = [...epochFigures(dir, model, test, final, history), ...latentFigures(dir, final.evaluation, test, model.config.latent, names)];
  if (model.hasDiscrete) figures.push(...(await combinationFigures(dir, model)));
  if (model.config.kind === 'joint') figures.push(...(await traversalFigures(dir, model, final.evaluation, final.colourVariable)));
  return figures;
}
