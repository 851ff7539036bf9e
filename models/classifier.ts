// A small CNN that reads grey MNIST digits, the judge of every translation: CycleGAN's "digit kept"
// metric asks it which digit a generated image shows. Trained with the engine on the embedded split
// (8,000 training digits), it reaches about 99% on the 2,000 test digits.
//
//   x (B, 1, 28, 28) -> conv 3x3 (C1) -> ReLU -> max-pool 2 -> (B, C1, 14, 14)
//                    -> conv 3x3 (C2) -> ReLU -> max-pool 2 -> (B, C2, 7, 7)
//                    -> flatten (B, 49 C2) -> linear (hidden) -> ReLU -> linear (10 logits)
//
// Coloured images are judged on their brightness, the largest of the three channels, which for a
// tinted digit g_p c is g_p max(c): the grey digit up to a constant factor, which normalisedBrightness
// removes by scaling each image's brightest pixel to 1.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as E from '../engine/node.js';
import { DIGITS, IMAGE_SIDE, PIXELS, type GreyDigits } from './data/mnist.js';
import { epochSeed } from './data/coloured-mnist.js';
import { HostRandom } from '../engine/random/philox.js';
import { loadSafetensors } from '../engine/io/safetensors-file.js';

const { nn } = E;

export interface ClassifierWidths {
  /** channels of the first and second convolution */
  conv1: number;
  conv2: number;
  /** width of the hidden linear layer */
  hidden: number;
}

export const DEFAULT_CLASSIFIER_WIDTHS: ClassifierWidths = { conv1: 16, conv2: 32, hidden: 64 };

const KERNEL = 3;
const PADDING = 1; // keeps the size through each convolution
const POOL = 2;
const POOLED_SIDE = IMAGE_SIDE / POOL / POOL; // 7
const EVAL_BATCH = 500; // images per forward pass when only predicting

export class DigitClassifier extends nn.Module {
  readonly features: E.nn.Sequential;
  readonly head: E.nn.Sequential;

  constructor(readonly widths: ClassifierWidths = DEFAULT_CLASSIFIER_WIDTHS) {
    super();
    const { conv1, conv2, hidden } = widths;
    this.features = this.module(
      'features',
      new nn.Sequential(
        new nn.Conv2d(1, conv1, KERNEL, { padding: PADDING }),
        new nn.ReLU(),
        new nn.MaxPool2d({ kernel: POOL }),
        new nn.Conv2d(conv1, conv2, KERNEL, { padding: PADDING }),
        new nn.ReLU(),
        new nn.MaxPool2d({ kernel: POOL }),
      ),
    );
    this.head = this.module(
      'head',
      new nn.Sequential(new nn.Flatten(), new nn.Linear(conv2 * POOLED_SIDE * POOLED_SIDE, hidden), new nn.ReLU(), new nn.Linear(hidden, DIGITS)),
    );
  }

  /** x (B, 1, 28, 28) in [0, 1] -> logits (B, 10). */
  forward(x: E.Tensor): E.Tensor {
    if (x.rank !== 4 || x.shape[1] !== 1 || x.shape[2] !== IMAGE_SIDE || x.shape[3] !== IMAGE_SIDE) {
      throw new Error(`DigitClassifier: input ${E.formatShape(x.shape)} must be (B, 1, ${IMAGE_SIDE}, ${IMAGE_SIDE})`);
    }
    return this.head.forward(this.features.forward(x));
  }

  describe(): string {
    const { conv1, conv2, hidden } = this.widths;
    return `DigitClassifier(conv ${conv1}, ${conv2}; hidden ${hidden})`;
  }
}

/** The brightness of coloured images: x (B, 3, H, W) -> (B, 1, H, W), the largest channel per pixel. */
export function brightness(x: E.Tensor): E.Tensor {
  if (x.rank !== 4) throw new Error(`brightness: x ${E.formatShape(x.shape)} must be (B, C, H, W)`);
  return E.max(x, 1, true);
}

/** Brightest pixel of a normalised image; an all-black image stays black instead of dividing by 0. */
const BLACK_FLOOR = 1e-6;

/**
 * Brightness scaled per image so its brightest pixel is 1: x (B, 3, H, W) -> (B, 1, H, W). A digit in a dim
 * palette colour (purple's largest channel is 0.71) then looks to the classifier like the grey digits it
 * was trained on, whose brightest pixel is 1.
 */
export function normalisedBrightness(x: E.Tensor): E.Tensor {
  const b = brightness(x);
  return E.div(b, E.maximum(E.max(b, [1, 2, 3], true), BLACK_FLOOR));
}

/** Index of the largest of each row of (B, K) values read back to the host: (B,) class indices. */
export function argmaxRows(values: ArrayLike<number>, K: number): Int32Array {
  if (values.length % K !== 0) throw new Error(`argmaxRows: ${values.length} values are not whole rows of ${K}`);
  const rows = values.length / K;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (values[r * K + k] > values[r * K + best]) best = k;
    out[r] = best;
  }
  return out;
}

/** Predicted digits for grey images (N, 1, 28, 28) given as a tensor, in evaluation batches. */
export async function predictDigits(model: DigitClassifier, images: E.Tensor, batchSize = EVAL_BATCH): Promise<Int32Array> {
  const N = images.shape[0];
  const out = new Int32Array(N);
  const wasTraining = model.training;
  model.eval();
  for (let start = 0; start < N; start += batchSize) {
    const size = Math.min(batchSize, N - start);
    const logits = E.noGrad(() => E.tidy(() => model.forward(E.slice(images, [start, 0, 0, 0], [size, 1, IMAGE_SIDE, IMAGE_SIDE]))));
    out.set(argmaxRows(await logits.toArray(), DIGITS), start);
    logits.dispose();
  }
  model.train(wasTraining);
  return out;
}

/** The fraction of `digits` whose prediction equals the label. */
export function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (predicted.length !== labels.length || labels.length === 0) {
    throw new Error(`accuracy: ${predicted.length} predictions for ${labels.length} labels`);
  }
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) hits++;
  return hits / labels.length;
}

/** Test accuracy of the classifier on grey digits held on the host. */
export async function classifierAccuracy(model: DigitClassifier, digits: GreyDigits): Promise<number> {
  const images = E.fromValues(digits.images, [digits.count, 1, IMAGE_SIDE, IMAGE_SIDE]);
  const predicted = await predictDigits(model, images);
  images.dispose();
  return accuracy(predicted, digits.labels);
}

// ---- training --------------------------------------------------------------------------------------

/** Where `npm run classifier` leaves the trained weights, and where CycleGAN looks for them. */
export const CLASSIFIER_RUN = 'classifier';
export const CLASSIFIER_FILE = 'classifier.safetensors';

export function classifierPath(rootDir = 'runs', name = CLASSIFIER_RUN): string {
  return join(rootDir, name, CLASSIFIER_FILE);
}

export interface ClassifierTraining {
  epochs: number;
  batchSize: number;
  lr: number;
  /** the learning rate is multiplied by LR_DECAY after every `decayEvery` epochs */
  decayEvery: number;
  /** largest random shift (pixels, each axis) applied to training digits; 0 turns augmentation off */
  maxShift: number;
  seed: number;
}

export const LR_DECAY = 0.2;

export const DEFAULT_CLASSIFIER_TRAINING: ClassifierTraining = { epochs: 9, batchSize: 64, lr: 2e-3, decayEvery: 6, maxShift: 2, seed: 1 };

/**
 * The grey digits at `indices`, each shifted by up to maxShift pixels in x and y (zeros fill in):
 * (indices.length, 784). The shifts are drawn from `random`, so a seeded epoch is the same everywhere.
 */
export function shiftedBatch(digits: GreyDigits, indices: ArrayLike<number>, maxShift: number, random: HostRandom): Float32Array {
  const out = new Float32Array(indices.length * PIXELS);
  for (let i = 0; i < indices.length; i++) {
    const dx = maxShift > 0 ? random.int(2 * maxShift + 1) - maxShift : 0;
    const dy = maxShift > 0 ? random.int(2 * maxShift + 1) - maxShift : 0;
    const source = indices[i] * PIXELS;
    for (let y = 0; y < IMAGE_SIDE; y++) {
      const sy = y - dy;
      if (sy < 0 || sy >= IMAGE_SIDE) continue;
      for (let x = 0; x < IMAGE_SIDE; x++) {
        const sx = x - dx;
        if (sx >= 0 && sx < IMAGE_SIDE) out[i * PIXELS + y * IMAGE_SIDE + x] = digits.images[source + sy * IMAGE_SIDE + sx];
      }
    }
  }
  return out;
}

/** One epoch of Adam on cross-entropy; calls onStep(step, loss, samples) after each batch, returns the mean loss. */
export async function trainClassifierEpoch(
  model: DigitClassifier,
  optimizer: E.optim.Adam,
  digits: GreyDigits,
  settings: ClassifierTraining,
  epoch: number,
  onStep: (step: number, loss: number, samples: number) => void = () => {},
): Promise<number> {
  const random = new HostRandom(epochSeed(settings.seed, epoch));
  const order = Int32Array.from({ length: digits.count }, (_, i) => i);
  random.shuffle(order);
  const steps = Math.floor(digits.count / settings.batchSize);
  let total = 0;
  for (let step = 0; step < steps; step++) {
    const indices = order.subarray(step * settings.batchSize, (step + 1) * settings.batchSize);
    const pixels = shiftedBatch(digits, indices, settings.maxShift, random);
    const labels = Array.from(indices, (i) => digits.labels[i]);
    const loss = E.tidy(() => {
      optimizer.zeroGrad();
      const x = E.fromValues(pixels, [indices.length, 1, IMAGE_SIDE, IMAGE_SIDE]);
      const l = nn.crossEntropy(model.forward(x), labels);
      l.backward();
      optimizer.step();
      return l;
    });
    const value = await loss.item();
    loss.dispose();
    total += value;
    onStep(step + 1, value, indices.length);
  }
  optimizer.zeroGrad();
  return total / steps;
}

export interface TrainedClassifier {
  model: DigitClassifier;
  testAccuracy: number;
  path: string;
}

/** Where and how trainClassifier runs; `config` adds fields to config.json, onEpoch is runTraining's. */
export interface ClassifierRun {
  rootDir?: string;
  name?: string;
  resume?: boolean;
  progress?: E.train.TrainingRunOptions['progress'];
  config?: Record<string, unknown>;
  onEpoch?: E.train.TrainingRunOptions['onEpoch'];
}

/**
 * Trains the classifier as a resumable run in `runs/<name>/` (metrics.jsonl, steps.jsonl, per-epoch
 * checkpoints) and saves the final weights to classifierPath(); returns the model and its test accuracy.
 */
export async function trainClassifier(
  data: { train: GreyDigits; test: GreyDigits },
  settings: ClassifierTraining = DEFAULT_CLASSIFIER_TRAINING,
  { rootDir = 'runs', name = CLASSIFIER_RUN, resume, progress, config, onEpoch }: ClassifierRun = {},
): Promise<TrainedClassifier> {
  E.manualSeed(settings.seed);
  const model = new DigitClassifier();
  const optimizer = new E.optim.Adam(model.parameters(), { lr: settings.lr });
  const stepsPerEpoch = Math.floor(data.train.count / settings.batchSize);
  if (stepsPerEpoch < 1) throw new Error(`trainClassifier: ${data.train.count} training digits do not fill one batch of ${settings.batchSize}`);
  await E.train.runTraining({
    name,
    rootDir,
    resume,
    progress,
    epochs: settings.epochs,
    stepsPerEpoch,
    module: model,
    optimizers: optimizer,
    schedule: E.optim.stepLr(settings.lr, { stepSize: settings.decayEvery, gamma: LR_DECAY }),
    config: { ...config, ...settings, lrDecay: LR_DECAY, widths: model.widths },
    onEpoch,
    trainEpoch: async ({ epoch, progress }) => {
      const loss = await trainClassifierEpoch(model, optimizer, data.train, settings, epoch, (step, value, samples) =>
        progress.update(step, { loss: value, samples }),
      );
      return { loss, test_accuracy: await classifierAccuracy(model, data.test) };
    },
  });
  const path = classifierPath(rootDir, name);
  const testAccuracy = await classifierAccuracy(model, data.test);
  await E.train.saveCheckpoint(path, model, undefined, { testAccuracy, widths: model.widths });
  optimizer.dispose();
  return { model, testAccuracy, path };
}

/** Loads the classifier saved at `path` (its widths come from the file); throws naming the command to run if missing. */
export async function loadClassifier(path = classifierPath()): Promise<{ model: DigitClassifier; testAccuracy: number }> {
  if (!existsSync(path)) throw new Error(`loadClassifier: ${path} does not exist; train it with \`npm run classifier\``);
  const extra = JSON.parse(loadSafetensors(path).metadata.extra ?? '{}') as { widths?: ClassifierWidths; testAccuracy?: number };
  if (!extra.widths || typeof extra.testAccuracy !== 'number') throw new Error(`loadClassifier: ${path} holds no classifier widths and test accuracy`);
  const model = new DigitClassifier(extra.widths);
  await E.train.loadCheckpoint(path, model);
  return { model, testAccuracy: extra.testAccuracy };
}
