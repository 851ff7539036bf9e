// Trains one of the three VAEs on coloured MNIST and writes runs/<name>/: metrics.jsonl (one line per
// epoch: train and test loss terms, colour metrics), checkpoint, figures, colour-control.json and
// report.html. A second command draws new digits in a chosen colour from a trained run.
//
//   node dist/experiments/vae.mjs --model continuous|discrete|joint [--variant mlp|conv] [--decoder plain|tinted|tinted-split] [--colour-scale 1] [--epochs 3]
//        [--batch 128] [--lr 1e-3] [--latent 3] [--variables 3] [--categories 20] [--hard] [--batch-sum]
//        [--capacity Cc,Cd] [--capacity-ramp Sc-Ec,Sd-Ed] [--gamma 30] [--usage 0] [--seed 0] [--data embedded|<dir>] [--preset assignment]
//        [--control mixture-4] [--fit train|test] [--discrete-draw variables|combinations] [--name <run>] [--resume]
//   node dist/experiments/vae.mjs sample --name <run> --colour <name|index> [--count 64] [--seed 0] [--out <file.png>]
//   node dist/experiments/vae.mjs control --name <run> [--control gaussian,mixture-4,...] [--fit train|test] [--discrete-draw ...] [--seed 0]
//
// --control picks the colour-selection mechanism (models/vae/control.ts: gaussian, gaussian-<scale>,
// mixture-<k>, means) and --fit the images its summary is fitted to; the run's report, metrics and
// colour-control.json (which `sample` uses) follow them. `--resume` on a finished run re-measures and
// re-reports it with the mechanism given. The `control` command measures a finished run's colour-control
// accuracy under each of several mechanisms, without writing anything.
//
// --preset assignment is the assignment's configuration: MLP, 30 epochs, batch 128, Adam 1e-3 (flags
// given as well override it). --capacity turns on JointVAE's capacity schedule: each KL is pulled
// towards a capacity rising linearly from 0 to Cc (continuous) and Cd (discrete) nats, weight --gamma;
// --capacity-ramp gives the fractions of training over which each rises (default 0-1,0-1), so that, for
// example, `0.5-1,0-0.25` lets the discrete latent carry information first and the continuous one later.
// --usage beta adds beta * KL(batch-mean posterior || uniform) per discrete variable to the training
// objective (not to the ELBO), which keeps the discrete encoder from sending every image to one category.
// --batch-sum differentiates the loss summed over the batch (as PyTorch's reduction='sum') instead of
// its per-image mean; Adam then sees B times larger gradients, which lets a saturated discrete encoder
// keep learning (models/vae/train.ts). Reported losses are per image either way. --colour-scale s multiplies
// a tinted decoder's colour logits by s, so Adam can saturate the colours within a short run
// (models/vae/networks.ts, TintedDecoder).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from '../engine/node.js';
import { writeText } from '../engine/io/files.js';
import { writeImageGrid } from '../engine/io/png.js';
import { writeReport, type ReportFigure } from '../engine/io/report.js';
import { runPaths } from '../engine/train/run.js';
import { loadMnist } from '../models/data/mnist.js';
import { PALETTE, batches, vaeDataset, type ColouredDigits } from '../models/data/coloured-mnist.js';
import { parsePaletteColour } from '../models/colour.js';
import { VAE_KINDS, Vae, type VaeConfig, type VaeKind } from '../models/vae/model.js';
import { DECODER_KINDS, IMAGE_SHAPE, VARIANTS, type Variant } from '../models/vae/networks.js';
import type { CapacityRamp } from '../models/vae/latents.js';
import { stepSettings, trainStep, type CapacitySchedule, type LossValues } from '../models/vae/train.js';
import { combinationsUsed, evaluateSet, reconstructionKeepsColour, variableAccuracies, type TestEvaluation } from '../models/vae/evaluate.js';
import {
  CONTROL_FITS, CONTROL_SAMPLES_PER_COLOUR, DEFAULT_CONTROL_FIT, DEFAULT_CONTROL_MECHANISM, DEFAULT_DISCRETE_DRAW, DISCRETE_DRAWS, colourControlAccuracy, fitColourControl, parseControlMechanism, sampleColour,
  type DiscreteDraw,
  type ColourControl, type ControlFit,
} from '../models/vae/control.js';
import { colourSamplesFigure, combinationFigures, latentFigures, lossFigures, reconstructionFigure, traversalFigures, writeLatents } from '../models/vae/figures.js';

/** Seeds of the colours painted on the training and test digits (fixed, so every run sees the same data). */
const TRAIN_COLOUR_SEED = 2024;
const TEST_COLOUR_SEED = 2025;
const CONTROL_FILE = 'colour-control.json';
const RECONSTRUCTIONS_KEPT = 32;
const DEFAULT_SAMPLE_COUNT = 64;

interface TrainOptions {
  model: VaeConfig;
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
  data: string;
  capacity: CapacitySchedule | null;
  /** differentiate the loss summed over the batch instead of its per-image mean (models/vae/train.ts) */
  batchSum: boolean;
  /** weight of the discrete usage term (models/vae/model.ts); 0: off */
  usage: number;
  /** colour-selection mechanism and the set it is fitted to (models/vae/control.ts) */
  control: string;
  fit: ControlFit;
  discreteDraw: DiscreteDraw;
  name: string;
}

const DEFAULTS = { variant: 'mlp', epochs: 3, batch: 128, lr: 1e-3, latent: 3, variables: 3, categories: 20, seed: 0, data: 'embedded', gamma: 30 };
const ASSIGNMENT_PRESET = { variant: 'mlp', epochs: 30, batch: 128, lr: 1e-3 };
const VALUE_FLAGS = ['model', 'variant', 'decoder', 'epochs', 'batch', 'lr', 'latent', 'variables', 'categories', 'seed', 'data', 'preset', 'capacity', 'capacity-ramp', 'gamma', 'usage', 'colour-scale', 'name', 'colour', 'count', 'out', 'control', 'fit', 'discrete-draw'];
const BOOLEAN_FLAGS = ['hard', 'resume', 'batch-sum'];

// ---- command line ------------------------------------------------------------------------------------

/** `--key value` pairs and boolean flags; anything else is an error naming the argument. */
function parseArguments(args: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const key = args[i].replace(/^--/, '');
    if (!args[i].startsWith('--') || (!VALUE_FLAGS.includes(key) && !BOOLEAN_FLAGS.includes(key))) {
      throw new Error(`vae: unknown argument "${args[i]}" (flags: ${[...VALUE_FLAGS, ...BOOLEAN_FLAGS].map((f) => `--${f}`).join(' ')})`);
    }
    if (BOOLEAN_FLAGS.includes(key)) flags.set(key, 'true');
    else if (i + 1 >= args.length) throw new Error(`vae: --${key} needs a value`);
    else flags.set(key, args[++i]);
  }
  return flags;
}

function numberFlag(flags: Map<string, string>, key: string, fallback: number, integer = true): number {
  const text = flags.get(key);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < 0) {
    throw new Error(`vae: --${key} must be a ${integer ? 'non-negative integer' : 'non-negative number'}, got "${text}"`);
  }
  return value;
}

function choice<T extends string>(flags: Map<string, string>, key: string, options: readonly T[], fallback?: T): T {
  const value = flags.get(key) ?? fallback;
  if (value === undefined || !options.includes(value as T)) throw new Error(`vae: --${key} must be one of ${options.join(', ')}, got "${value ?? ''}"`);
  return value as T;
}

function parseCapacity(flags: Map<string, string>, kind: VaeKind): CapacitySchedule | null {
  const text = flags.get('capacity');
  if (text === undefined) {
    if (flags.has('capacity-ramp')) throw new Error('vae: --capacity-ramp needs --capacity Cc,Cd');
    return null;
  }
  const parts = text.split(',').map(Number);
  if (parts.length !== 2 || parts.some((p) => !Number.isFinite(p) || p < 0)) {
    throw new Error(`vae: --capacity must be "Cc,Cd" (maximum continuous and discrete capacities in nats), got "${text}"`);
  }
  const [continuous, discrete] = parts;
  if ((kind === 'discrete' && continuous > 0) || (kind === 'continuous' && discrete > 0)) {
    throw new Error(`vae: --capacity ${text}: a ${kind} model has no ${kind === 'discrete' ? 'continuous' : 'discrete'} latent, so its capacity must be 0`);
  }
  const schedule: CapacitySchedule = { continuous, discrete, gamma: numberFlag(flags, 'gamma', DEFAULTS.gamma, false) };
  const rampText = flags.get('capacity-ramp');
  if (rampText !== undefined) [schedule.continuousRamp, schedule.discreteRamp] = parseRamps(rampText);
  return schedule;
}

/** "Sc-Ec,Sd-Ed": the fractions of training over which the continuous and discrete capacities rise. */
function parseRamps(text: string): [CapacityRamp, CapacityRamp] {
  const ramps = text.split(',').map((part) => part.split('-').map(Number));
  const valid = (r: number[]) => r.length === 2 && r[0] >= 0 && r[1] > r[0] && r[1] <= 1;
  if (ramps.length !== 2 || !ramps.every(valid)) {
    throw new Error(`vae: --capacity-ramp must be "Sc-Ec,Sd-Ed" with 0 <= start < end <= 1 (fractions of training), got "${text}"`);
  }
  return ramps.map(([start, end]) => [start, end] as const) as [CapacityRamp, CapacityRamp];
}

/** --control (checked here, so a typo fails before training), --fit and --discrete-draw. */
function controlOptions(flags: Map<string, string>): { control: string; fit: ControlFit; discreteDraw: DiscreteDraw } {
  const control = flags.get('control') ?? DEFAULT_CONTROL_MECHANISM;
  parseControlMechanism(control);
  return { control, fit: choice(flags, 'fit', CONTROL_FITS, DEFAULT_CONTROL_FIT), discreteDraw: choice(flags, 'discrete-draw', DISCRETE_DRAWS, DEFAULT_DISCRETE_DRAW) };
}

function trainOptions(flags: Map<string, string>): TrainOptions {
  const preset = flags.get('preset');
  if (preset !== undefined && preset !== 'assignment') throw new Error(`vae: --preset must be "assignment", got "${preset}"`);
  const base = preset === 'assignment' ? { ...DEFAULTS, ...ASSIGNMENT_PRESET } : DEFAULTS;
  const kind = choice(flags, 'model', VAE_KINDS);
  const variant = choice(flags, 'variant', VARIANTS, base.variant as Variant);
  const model: VaeConfig = {
    kind,
    variant,
    latent: numberFlag(flags, 'latent', base.latent),
    variables: numberFlag(flags, 'variables', base.variables),
    categories: numberFlag(flags, 'categories', base.categories),
    hard: flags.has('hard'),
    decoder: choice(flags, 'decoder', DECODER_KINDS, 'plain'),
    ...(flags.has('colour-scale') ? { colourScale: numberFlag(flags, 'colour-scale', 1, false) } : {}),
  };
  const epochs = numberFlag(flags, 'epochs', base.epochs);
  return {
    model,
    epochs,
    batch: numberFlag(flags, 'batch', base.batch),
    lr: numberFlag(flags, 'lr', base.lr, false),
    seed: numberFlag(flags, 'seed', base.seed),
    data: flags.get('data') ?? base.data,
    capacity: parseCapacity(flags, kind),
    batchSum: flags.has('batch-sum'),
    usage: numberFlag(flags, 'usage', 0, false),
    ...controlOptions(flags),
    name: flags.get('name') ?? `vae-${kind}-${variant}`,
  };
}

// ---- training ----------------------------------------------------------------------------------------

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
async function measure(model: Vae, setting: ControlSetting, batch: number, tau: number): Promise<Measurement> {
  model.eval();
  const test = setting.sets.test;
  const evaluation = await evaluateSet(model, test, batch, tau, RECONSTRUCTIONS_KEPT);
  const control = await fitControl(model, evaluation, setting, batch, tau);
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

async function train(options: TrainOptions): Promise<void> {
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

  let last: Measurement | null = null;
  const { dir, history } = await E.train.runTraining({
    name,
    epochs,
    stepsPerEpoch,
    module: model,
    optimizers: optimizer,
    config: { ...options, data: grey.source, totalSteps },
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
      progress.phase('evaluating on the test set, fitting the colour control');
      last = await measure(model, setting, batch, tau);
      return { ...epochRecord('train', mean, capacity !== null), ...(model.hasDiscrete ? { tau } : {}), ...last.metrics };
    },
  });
  // A resumed run whose epochs were all done already measures the restored model here.
  const final = last ?? (await measure(model, setting, batch, stepSettings(totalSteps, totalSteps).tau));
  // ... and its report's last row shows that measurement (metrics.jsonl keeps what each epoch measured)
  const rows = last ? history : [...history.slice(0, -1), { ...history[history.length - 1], ...final.metrics }];
  writeText(join(dir, CONTROL_FILE), JSON.stringify(final.control) + '\n');
  writeLatents(dir, final.evaluation, testSet, model.config.latent, model.config.variables); // for the latent explorer page
  const figures = await runFigures(dir, model, testSet, final, history);
  const report = writeReport(dir, {
    title: `${model.describe()} on coloured MNIST`,
    config: { ...options, data: grey.source, parameters: model.parameterCount(), totalSteps },
    metrics: rows.map((record) => reportRow(model, record)),
    figures,
  });
  console.log(`test negative ELBO ${final.metrics.test_nelbo.toFixed(1)} nats/image; colour control (${final.control.mechanism}) mean ${(100 * final.metrics.control_mean).toFixed(1)}%, min ${(100 * final.metrics.control_min).toFixed(1)}%`);
  console.log(`colour control per colour: ${PALETTE.map(({ name }, c) => `${name} ${(100 * final.controlPerColour[c]).toFixed(0)}%`).join(', ')}`);
  console.log(`wrote ${report}`);
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

async function runFigures(dir: string, model: Vae, test: ColouredDigits, final: Measurement, history: Record<string, number>[]): Promise<ReportFigure[]> {
  const figures = [
    ...lossFigures(dir, history, model.hasContinuous, model.hasDiscrete),
    reconstructionFigure(dir, test, final.evaluation, final.metrics.recon_keeps_colour),
    colourSamplesFigure(dir, final.controlSamples, final.controlPerColour),
    ...latentFigures(dir, final.evaluation, test, model.config.latent),
  ];
  if (model.hasDiscrete) figures.push(...(await combinationFigures(dir, model)));
  if (model.config.kind === 'joint') figures.push(...(await traversalFigures(dir, model, final.evaluation, final.colourVariable)));
  return figures;
}

// ---- sampling ----------------------------------------------------------------------------------------

async function sample(flags: Map<string, string>): Promise<void> {
  const name = flags.get('name');
  if (!name) throw new Error('vae sample: --name <run> is required (a run directory under runs/)');
  const colourText = flags.get('colour');
  if (colourText === undefined) throw new Error('vae sample: --colour <name|index> is required');
  const colour = parsePaletteColour(colourText);
  const { dir, model } = await loadRun('sample', name, [CONTROL_FILE]);
  const control = JSON.parse(readFileSync(join(dir, CONTROL_FILE), 'utf8')) as ColourControl;
  E.manualSeed(numberFlag(flags, 'seed', DEFAULTS.seed));
  const count = numberFlag(flags, 'count', DEFAULT_SAMPLE_COUNT);
  const images = await sampleColour(model, control, colour, count);
  const out = flags.get('out') ?? join(dir, `sample-${PALETTE[colour].name}.png`);
  writeImageGrid(out, images, [count, ...IMAGE_SHAPE], { scale: 2 });
  const measured = measuredHitRate(dir, PALETTE[colour].name);
  const rate = measured === null ? 'not measured in this run' : `${(100 * measured).toFixed(0)}% of its samples had the colour when the run measured it`;
  console.log(`wrote ${count} samples asked to be ${PALETTE[colour].name} to ${out} (${rate})`);
  if (measured !== null && measured < HONEST_HIT_RATE) {
    console.warn(
      `vae sample: warning: run "${name}" puts ${PALETTE[colour].name} in only ${(100 * measured).toFixed(0)}% of its samples, so most of these are other colours. ` +
        `The tinted joint VAE reaches 100% on every colour: ${BEST_CONTROL_COMMAND} (docs/results-vae.md).`,
    );
  }
}

/** Below this measured hit rate for the asked colour, vae sample warns. */
const HONEST_HIT_RATE = 0.9;
const BEST_CONTROL_COMMAND =
  'npm run vae:joint -- --decoder tinted-split --latent 8 --variables 1 --categories 10 --usage 30 --batch-sum --colour-scale 10 --epochs 20';

/** The colour-control hit rate the run's last epoch measured for colour `name` (metrics.jsonl), or null. */
function measuredHitRate(dir: string, name: string): number | null {
  const path = runPaths(dir).metrics;
  if (!existsSync(path)) return null;
  const lines = readFileSync(path, 'utf8').trim().split('\n').filter(Boolean);
  const last = lines.length > 0 ? (JSON.parse(lines[lines.length - 1]) as Record<string, number>) : {};
  const value = last[`control_${name}`];
  return typeof value === 'number' ? value : null;
}

/** A trained run's directory, options and model (in eval mode); `needs` are further files it must have. */
async function loadRun(command: string, name: string, needs: string[] = []): Promise<{ dir: string; options: TrainOptions & { totalSteps: number }; model: Vae }> {
  E.train.checkRunName(name, `vae ${command}`);
  const dir = join('runs', name);
  const paths = runPaths(dir);
  for (const file of [paths.config, paths.checkpoint, ...needs.map((need) => join(dir, need))]) {
    if (!existsSync(file)) throw new Error(`vae ${command}: ${file} is missing; train the run "${name}" first`);
  }
  const options = JSON.parse(readFileSync(paths.config, 'utf8')) as TrainOptions & { totalSteps: number };
  const model = new Vae(options.model);
  await E.train.loadCheckpoint(paths.checkpoint, model);
  model.eval();
  return { dir, options, model };
}

// ---- comparing colour-selection mechanisms on a finished run --------------------------------------------

/** Colour-control accuracy of a finished run under each mechanism of --control (comma-separated); writes nothing. */
async function compareControls(flags: Map<string, string>): Promise<void> {
  const name = flags.get('name');
  if (!name) throw new Error('vae control: --name <run> is required (a run directory under runs/)');
  const mechanisms = (flags.get('control') ?? DEFAULT_CONTROL_MECHANISM).split(',');
  mechanisms.forEach(parseControlMechanism);
  const fit = choice(flags, 'fit', CONTROL_FITS, DEFAULT_CONTROL_FIT);
  const discreteDraw = choice(flags, 'discrete-draw', DISCRETE_DRAWS, DEFAULT_DISCRETE_DRAW);
  const seed = numberFlag(flags, 'seed', DEFAULTS.seed);
  const { options, model } = await loadRun('control', name);
  const grey = loadMnist({ data: options.data });
  const sets = { train: vaeDataset(grey.train, TRAIN_COLOUR_SEED), test: vaeDataset(grey.test, TEST_COLOUR_SEED) };
  const tau = stepSettings(options.totalSteps, options.totalSteps).tau;
  const evaluation = await evaluateSet(model, sets[fit], options.batch, tau);
  console.log(`${name}: colour control fitted on the ${fit} set (${sets[fit].count} images), ${CONTROL_SAMPLES_PER_COLOUR} decodes per colour, seed ${seed}`);
  console.log(['mechanism', 'mean', 'min', ...PALETTE.map((p) => p.name), 'seconds'].join('\t'));
  for (const mechanism of mechanisms) {
    const start = performance.now();
    E.manualSeed(seed);
    const control = fitColourControl(model, evaluation, sets[fit], mechanism, fit, discreteDraw);
    const { perColour, mean, min } = await colourControlAccuracy(model, control);
    const percent = (x: number) => (100 * x).toFixed(1);
    console.log([mechanism, percent(mean), percent(min), ...perColour.map(percent), ((performance.now() - start) / 1000).toFixed(1)].join('\t'));
  }
}

// ---- main --------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const command = ['sample', 'train', 'control'].includes(args[0]) ? args.shift() : 'train';
  const flags = parseArguments(args);
  await E.setBackend('webgpu');
  try {
    if (command === 'sample') await sample(flags);
    else if (command === 'control') await compareControls(flags);
    else await train(trainOptions(flags));
  } finally {
    E.releaseDevice();
  }
}

main().catch((error) => {
  console.error(process.env.DEBUG ? error : (error as Error).message);
  process.exitCode = 1;
});
