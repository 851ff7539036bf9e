// The CycleGAN experiment's settings: one typed config (every field with its default, unit and range) for
// the command line of experiments/lib/command.ts, and the model config it becomes. Named presets live in
// experiments/presets/cyclegan/*.json; `cyclegan --help` lists them.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { classifierPath } from '../../models/classifier.js';
import { DEFAULT_CYCLEGAN_CONFIG as D, type CycleGanConfig, type TrainingOrder } from '../../models/cyclegan/config.js';
import type { AdversarialLoss } from '../../models/cyclegan/losses.js';
import { DIGITS } from '../../models/data/digits.js';
import { presetSlug, type CommandSpec, type Values } from '../lib/command.js';
import { FIGURE_PAIRS } from './figures.js';

export const CYCLEGAN_CONFIG = {
  epochs: { default: 5, integer: true, min: 1, help: 'training epochs' },
  batch: { default: 16, integer: true, min: 1, unit: 'images per domain', help: 'images of each domain per step' },
  width: { default: D.generatorWidth, integer: true, min: 1, help: 'channels of the generators (3 -> width -> width -> 3)' },
  genKernel: { default: D.generatorKernel, integer: true, min: 1, help: "side of the generators' convolutions: 3 (the assignment's) or 1 (each pixel recoloured on its own)" },
  genSlope: { default: D.generatorSlope, min: 0, help: "negative slope of the generators' LeakyReLU (0: ReLU, as the assignment)" },
  centreInput: { default: D.centreInput, help: 'generators read 2x - 1 in [-1, 1] instead of x in [0, 1]' },
  discWidths: { default: D.discriminatorWidths, integer: true, min: 1, lengths: [1, 2, 3, 4], help: 'channels of the discriminator convolutions' },
  discHidden: { default: D.discriminatorHidden, integer: true, min: 1, help: 'width of the discriminator hidden linear layer' },
  images: { default: 1000, integer: true, min: 0, unit: 'images per domain', help: 'training images per domain (0: all)' },
  validationImages: { default: 200, integer: true, min: 0, unit: 'images per domain', help: 'training-split images per domain the run does not train on, which pick the reported epoch without labels (0: none)' },
  evalImages: { default: 0, integer: true, min: 0, unit: 'images per domain', help: 'held-out images per domain for the metrics (0: all)' },
  adversarial: { default: D.adversarial, choices: ['lsgan', 'bce'], help: 'adversarial loss: least squares or binary cross-entropy' },
  cycle: { default: D.cycleWeight, min: 0, help: 'lambda, the weight of the L1 cycle losses (0: off)' },
  identity: { default: D.identityWeight, min: 0, help: 'mu, the weight of the L1 identity losses (0: off)' },
  history: { default: D.history, integer: true, min: 0, unit: 'images', help: 'generated images kept per discriminator (0: off)' },
  labeller: { default: '', help: "a digit classifier checkpoint that conditions both discriminators (projection), not the judging classifier; '': none" },
  clusterLabeller: {
    default: false,
    help: "condition on a shape network the run trains first from its images alone: its targets are each domain's colour clusters (models/cyclegan/shape-labels.ts); no label is read",
  },
  genLabelled: { default: D.labelledGenerators, help: "the generators read the labeller's digit probabilities of their input too" },
  order: { default: D.order, choices: ['joint', 'assignment'], help: "'joint' (both generators, then both discriminators) or the assignment's D_A, G_BA, D_B, G_AB" },
  lr: { default: D.lr, min: 1e-12, help: 'Adam learning rate of all four networks' },
  decayEpochs: { default: 0, integer: true, min: 0, unit: 'epochs', help: "the last this many epochs decay the learning rate linearly towards 0 (CycleGAN's 'linear' policy)" },
  beta1: { default: D.beta1, min: 0, max: 0.999999, help: "Adam's beta1" },
  beta2: { default: D.beta2, min: 0, max: 0.999999, help: "Adam's beta2" },
  seed: { default: 1, integer: true, min: 0, help: 'seed of the weights, domain split, data order and history choices' },
  data: { default: 'embedded', help: "'embedded' or a directory of MNIST IDX files" },
  classifier: { default: classifierPath(), help: 'the judging digit classifier checkpoint (trained first when it is missing at its default place)' },
};

export type CycleGanSettings = Values<typeof CYCLEGAN_CONFIG>;

/** How the labeller of docs/results-cyclegan.md is trained (runs/digit-features/classifier.safetensors). */
export const LABELLER_COMMAND = 'npm run classifier -- --preset digit-features';

export const CYCLEGAN_COMMAND: CommandSpec<typeof CYCLEGAN_CONFIG, Record<string, never>> = {
  script: 'cyclegan',
  about: 'CycleGAN-style colour translation between the coloured-MNIST domains A and B',
  commands: { train: 'train a preset and write runs/<name>/ (metrics, checkpoints, figures, report.html)' },
  training: ['train'],
  config: CYCLEGAN_CONFIG,
  defaultPreset: 'quick',
  resumable: ['epochs', 'decayEpochs', 'validationImages'],
  defaultName: (preset) => (preset === 'quick' ? 'cyclegan' : `cyclegan-${presetSlug(preset)}`),
  flags: {},
  check: checkSettings,
};

/** Combinations of fields, and the checkpoint files, checked before any data or device work. */
function checkSettings(settings: CycleGanSettings): string | null {
  if (settings.genKernel % 2 === 0) return `genKernel ${settings.genKernel} must be odd (the padding keeps the image size only for an odd kernel)`;
  if (settings.images > 0 && settings.images < settings.batch) return `images ${settings.images} per domain do not fill one batch of ${settings.batch}`;
  if (settings.evalImages > 0 && settings.evalImages < DIGITS * FIGURE_PAIRS) {
    return `evalImages ${settings.evalImages} cannot hold the ${FIGURE_PAIRS} held-out images of each of the ${DIGITS} digits the figures show (0: all)`;
  }
  if (settings.genLabelled && settings.labeller === '' && !settings.clusterLabeller) {
    return 'genLabelled needs a labeller (a checkpoint, or clusterLabeller=true): the generators read its digit probabilities';
  }
  if (settings.clusterLabeller && settings.validationImages === 0) return 'clusterLabeller=true needs validationImages > 0 (they measure its shape network)';
  if (settings.clusterLabeller && settings.labeller !== '') return `clusterLabeller=true trains its own labeller; labeller ${settings.labeller} would be a second one (set labeller='')`;
  if (settings.decayEpochs > settings.epochs) return `decayEpochs ${settings.decayEpochs} is more than the ${settings.epochs} epochs`;
  if (settings.classifier !== classifierPath() && !existsSync(settings.classifier)) return `classifier ${settings.classifier} does not exist`;
  if (settings.labeller !== '') {
    if (resolve(settings.labeller) === resolve(settings.classifier)) return `labeller ${settings.labeller} is the judging classifier; train a separate one: ${LABELLER_COMMAND}`;
    if (!existsSync(settings.labeller)) return `labeller ${settings.labeller} does not exist; train it with \`${LABELLER_COMMAND}\``;
  }
  return null;
}

export function modelConfig(settings: CycleGanSettings): CycleGanConfig {
  return {
    generatorWidth: settings.width,
    generatorKernel: settings.genKernel,
    generatorSlope: settings.genSlope,
    centreInput: settings.centreInput,
    discriminatorWidths: settings.discWidths,
    discriminatorHidden: settings.discHidden,
    adversarial: settings.adversarial as AdversarialLoss,
    cycleWeight: settings.cycle,
    identityWeight: settings.identity,
    history: settings.history,
    labelled: settings.labeller !== '' || settings.clusterLabeller,
    labelledGenerators: settings.genLabelled,
    order: settings.order as TrainingOrder,
    lr: settings.lr,
    beta1: settings.beta1,
    beta2: settings.beta2,
  };
}
