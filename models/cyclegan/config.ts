// A CycleGAN's settings as one typed object, every field given: the networks' sizes, the losses and their
// weights, the training order and the optimiser. DEFAULT_CYCLEGAN_CONFIG is the default experiment
// (CycleGAN's additions, small and quick); checkCycleGanConfig names every problem of a config at once.
import type { AdversarialLoss } from './losses.js';
import { KERNEL } from './networks.js';

/**
 * The order of the networks' steps within a batch (train.ts):
 *   'assignment'  D_A, then G_BA, then D_B, then G_AB, each on its own with the others frozen
 *   'joint'       as CycleGAN: both generators in one step, then D_A and D_B on the fakes of that step
 */
export type TrainingOrder = 'assignment' | 'joint';

export interface CycleGanConfig {
  /** channels of the generators' hidden layers (3 -> width -> width -> 3) */
  generatorWidth: number;
  /** side of the generators' convolutions: 3, or 1 for a per-pixel recolouring */
  generatorKernel: number;
  /** negative slope of the generators' hidden activations; 0 is ReLU */
  generatorSlope: number;
  /** the generators read 2x - 1 instead of x */
  centreInput: boolean;
  /** channels of the discriminators' convolutions, in order */
  discriminatorWidths: number[];
  /** width of the discriminators' hidden linear layer */
  discriminatorHidden: number;
  adversarial: AdversarialLoss;
  /** lambda of the cycle losses; 0 turns them off */
  cycleWeight: number;
  /** mu of the identity losses; 0 turns them off */
  identityWeight: number;
  /** generated images kept per discriminator; 0 turns the history buffer off */
  history: number;
  /** condition the discriminators on a frozen digit network's reading of each image (attachLabeller) */
  labelled: boolean;
  /** condition the generators on that reading of their input too (needs labelled) */
  labelledGenerators: boolean;
  order: TrainingOrder;
  /** Adam's learning rate and betas, the same for all four networks */
  lr: number;
  beta1: number;
  beta2: number;
}

/** The default experiment: 3x3 generators of width 16, LSGAN, cycle and identity terms, history, joint order. */
export const DEFAULT_CYCLEGAN_CONFIG: CycleGanConfig = {
  generatorWidth: 16,
  generatorKernel: KERNEL,
  generatorSlope: 0.2,
  centreInput: true,
  discriminatorWidths: [8, 16],
  discriminatorHidden: 32,
  adversarial: 'lsgan',
  cycleWeight: 10,
  identityWeight: 5,
  history: 50,
  labelled: false,
  labelledGenerators: false,
  order: 'joint',
  lr: 3e-4,
  beta1: 0.5,
  beta2: 0.999,
};

/** Throws one error listing every problem of the config (the network constructors check the rest). */
export function checkCycleGanConfig(config: CycleGanConfig): void {
  const problems: string[] = [];
  const positiveInteger = (name: string, v: number) => (Number.isInteger(v) && v > 0) || problems.push(`${name} = ${v} must be a positive integer`);
  positiveInteger('generatorWidth', config.generatorWidth);
  config.discriminatorWidths.forEach((w, i) => positiveInteger(`discriminatorWidths[${i}]`, w));
  positiveInteger('discriminatorHidden', config.discriminatorHidden);
  if (config.adversarial !== 'bce' && config.adversarial !== 'lsgan') problems.push(`adversarial = '${config.adversarial}' must be 'bce' or 'lsgan'`);
  if (config.order !== 'assignment' && config.order !== 'joint') problems.push(`order = '${config.order}' must be 'assignment' or 'joint'`);
  for (const name of ['generatorSlope', 'cycleWeight', 'identityWeight'] as const) {
    if (!(config[name] >= 0)) problems.push(`${name} = ${config[name]} must be >= 0`);
  }
  if (config.labelledGenerators && !config.labelled) problems.push('labelledGenerators needs labelled (the generators read the same labeller)');
  if (problems.length > 0) throw new Error(`CycleGan: ${problems.join('; ')}`);
}
