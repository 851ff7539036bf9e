// One training step of a VAE and the per-step settings it needs: the Gumbel-softmax temperature and,
// with JointVAE's capacity schedule, the capacities C(step) of both latent kinds. Both schedules are
// functions of the global step, so a resumed run continues them exactly.
import * as E from '../../engine/index.js';
import { capacityAt, gumbelTemperature } from './latents.js';
import type { CapacityTarget, LossTerms, Vae } from './model.js';

/** JointVAE's schedule: each capacity rises linearly from 0 to its maximum over training; gamma weighs |KL - C|. */
export interface CapacitySchedule {
  gamma: number;
  /** maximum capacity of the continuous latent, nats per image */
  continuous: number;
  /** maximum capacity of the discrete latent, nats per image */
  discrete: number;
}

export interface StepSettings {
  tau: number;
  capacity?: CapacityTarget;
}

/** The temperature (and capacities) at `step` of `totalSteps`. */
export function stepSettings(step: number, totalSteps: number, capacity?: CapacitySchedule): StepSettings {
  const tau = gumbelTemperature(step, totalSteps);
  if (!capacity) return { tau };
  return {
    tau,
    capacity: {
      gamma: capacity.gamma,
      continuous: capacityAt(capacity.continuous, step, totalSteps),
      discrete: capacityAt(capacity.discrete, step, totalSteps),
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
    const terms = model.loss(x, settings.tau, settings.capacity);
    const batchSize = x.shape[0];
    (sumOverBatch ? E.mul(terms.objective, batchSize) : terms.objective).backward();
    optimizer.step();
    return E.noGrad(() => stackTerms(terms));
  });
  const values = termValues(await stacked.toArray());
  stacked.dispose();
  return values;
}
