// One training step of a VAE and the per-step settings it needs: the Gumbel-softmax temperature and,
// with JointVAE's capacity schedule, the capacities C(step) of both latent kinds. Both schedules are
// functions of the global step, so a resumed run continues them exactly.
import * as E from '../../engine/index.js';
import { capacityAt, gumbelTemperature, type CapacityRamp } from './latents.js';
import type { CapacityTarget, LossTerms, Vae } from './model.js';

/**
 * JointVAE's schedule: each capacity rises linearly from 0 to its maximum over its ramp (a window of
 * training, all of it by default); gamma weighs |KL - C|.
 */
export interface CapacitySchedule {
  gamma: number;
  /** maximum capacity of the continuous latent, nats per image */
  continuous: number;
  /** maximum capacity of the discrete latent, nats per image */
  discrete: number;
  /** fractions [start, end] of training over which each capacity rises; absent: [0, 1] */
  continuousRamp?: CapacityRamp;
  discreteRamp?: CapacityRamp;
}

export interface StepSettings {
  tau: number;
  capacity?: CapacityTarget;
  /** weight of the discrete usage term (models/vae/model.ts); absent or 0: off */
  usage?: number;
}

/** The temperature (and capacities, and the usage weight when given) at `step` of `totalSteps`. */
export function stepSettings(step: number, totalSteps: number, capacity?: CapacitySchedule, usage = 0): StepSettings {
  const tau = gumbelTemperature(step, totalSteps);
  const extra = usage > 0 ? { usage } : {};
  if (!capacity) return { tau, ...extra };
  return {
    tau,
    ...extra,
    capacity: {
      gamma: capacity.gamma,
      continuous: capacityAt(capacity.continuous, step, totalSteps, capacity.continuousRamp),
      discrete: capacityAt(capacity.discrete, step, totalSteps, capacity.discreteRamp),
    },
  };
}

/** The loss terms' values, nats per image. */
export interface LossValues {
  objective: number;
  negativeElbo: number;
  reconstruction: number;
  klContinuous: number;
  klDiscrete: number;
}

const TERM_NAMES = ['objective', 'negativeElbo', 'reconstruction', 'klContinuous', 'klDiscrete'] as const;

/** The five scalar terms as one (5) tensor, so a single readback fetches them all. */
export function stackTerms(terms: LossTerms): E.Tensor {
  return E.concat(TERM_NAMES.map((name) => E.reshape(terms[name], [1])), 0);
}

export function termValues(values: ArrayLike<number>): LossValues {
  return Object.fromEntries(TERM_NAMES.map((name, i) => [name, values[i]])) as unknown as LossValues;
}

export interface StepOptions {
  /**
   * Differentiate the objective summed over the batch (B times the per-image mean), as PyTorch VAEs
   * written with reduction='sum' do. Adam is invariant to the scale of the loss except through its eps
   * (1e-8): once a discrete encoder's softmax saturates, its gradients fall to about that size, and a
   * B times larger gradient keeps Adam's steps at full size where the mean's are damped by eps.
   */
  sumOverBatch?: boolean;
}

/** One Adam step on the batch x (B, 3, 28, 28); returns the batch's loss terms (per image) before the update. */
export async function trainStep(model: Vae, optimizer: E.optim.Adam, x: E.Tensor, settings: StepSettings, { sumOverBatch = false }: StepOptions = {}): Promise<LossValues> {
  const stacked = E.tidy(() => {
    optimizer.zeroGrad();
    const terms = model.loss(x, settings.tau, { capacity: settings.capacity, usage: settings.usage });
    const batchSize = x.shape[0];
    (sumOverBatch ? E.mul(terms.objective, batchSize) : terms.objective).backward();
    optimizer.step();
    return E.noGrad(() => stackTerms(terms));
  });
  const values = termValues(await stacked.toArray());
  stacked.dispose();
  return values;
}
