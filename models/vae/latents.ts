// Sampling the latent codes, as compositions of engine ops (so their gradients come from autograd),
// and the two schedules that go with them:
//   reparameterise   z = mu + sigma eps, sigma = exp(logvar / 2), eps ~ N(0, I)
//   gumbelSoftmax    y = softmax((logits + g) / tau) per group of K, g ~ Gumbel(0, 1); with hard, the
//                    one-hot of argmax y in the forward pass and y's gradient in the backward pass
//   gumbelTemperature  tau(step) = max(tauMin, exp(-r step)), r = ln 2 / (0.75 total steps): tau falls
//                    from 1 to 0.5 over the first three quarters of training and stays there
//   capacityAt       JointVAE's capacity C(step), rising linearly from 0 to its maximum over a window of
//                    training (all of it by default)
import * as E from '../../engine/index.js';

/** z (B, L) = mu + exp(logvar / 2) * eps with eps ~ N(0, I) drawn from the engine's stream. */
export function reparameterise(mu: E.Tensor, logvar: E.Tensor): E.Tensor {
  const eps = E.randn(mu.shape, { backend: mu.backend });
  return E.add(mu, E.mul(E.exp(E.mul(logvar, 0.5)), eps));
}

/** logits (B, N*K) viewed as (B, N, K). */
function grouped(logits: E.Tensor, K: number): E.Tensor {
  const [B, features] = logits.shape;
  if (logits.rank !== 2 || features % K !== 0) {
    throw new Error(`gumbelSoftmax: logits ${E.formatShape(logits.shape)} must be (B, N*K) with K = ${K}`);
  }
  return E.reshape(logits, [B, features / K, K]);
}

/** One-hot (B, N, K) of the largest entry of each group of y (B, N, K); no gradient. */
export function oneHotArgmax(y: E.Tensor): E.Tensor {
  return E.noGrad(() => E.eq(y, E.max(y, -1, true)));
}

/**
 * A relaxed one-hot sample (B, N*K) of N categorical variables of K categories each, with temperature
 * tau. hard: the forward value is the exact one-hot of the sample's argmax, the gradient is the
 * relaxed sample's (straight-through: y_hard - detach(y) + y).
 */
export function gumbelSoftmax(logits: E.Tensor, K: number, tau: number, { hard = false } = {}): E.Tensor {
  if (!(tau > 0)) throw new Error(`gumbelSoftmax: temperature must be > 0, got ${tau}`);
  const g = E.randGumbel(logits.shape, { backend: logits.backend });
  const y = E.softmax(grouped(E.div(E.add(logits, g), tau), K), -1);
  const sample = hard ? E.add(E.sub(oneHotArgmax(y), E.detach(y)), y) : y;
  return E.reshape(sample, logits.shape);
}

/** The temperature floor and the fraction of training after which it is reached. */
export const TEMPERATURE_MIN = 0.5;
export const TEMPERATURE_ANNEAL_FRACTION = 0.75;

/** tau = max(0.5, exp(-r step)) with r = ln 2 / (0.75 totalSteps), so tau = 0.5 from 75% of training on. */
export function gumbelTemperature(step: number, totalSteps: number): number {
  if (!(totalSteps > 0) || step < 0) throw new Error(`gumbelTemperature: step ${step} of ${totalSteps} steps`);
  const rate = Math.log(1 / TEMPERATURE_MIN) / (TEMPERATURE_ANNEAL_FRACTION * totalSteps);
  return Math.max(TEMPERATURE_MIN, Math.exp(-rate * step));
}

/** The part of training, as fractions [start, end] of all steps, over which a capacity rises. */
export type CapacityRamp = readonly [number, number];
export const FULL_RAMP: CapacityRamp = [0, 1];

/**
 * JointVAE's capacity: 0 before the ramp's start, rising linearly to `maximum` at its end, then held:
 * C = maximum * clamp((step / totalSteps - start) / (end - start), 0, 1). The default ramp is the whole run.
 */
export function capacityAt(maximum: number, step: number, totalSteps: number, [start, end]: CapacityRamp = FULL_RAMP): number {
  if (!(totalSteps > 0) || step < 0 || !(maximum >= 0)) throw new Error(`capacityAt: capacity ${maximum} at step ${step} of ${totalSteps}`);
  if (!(start >= 0 && end > start && end <= 1)) throw new Error(`capacityAt: ramp [${start}, ${end}] must satisfy 0 <= start < end <= 1`);
  const fraction = (step / totalSteps - start) / (end - start);
  return maximum * Math.min(1, Math.max(0, fraction));
}
