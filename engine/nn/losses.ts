// Loss functions, composed of engine ops so their gradients come from autograd (bce alone states its
// backward rule, to match PyTorch where the log is clamped). Every loss computes one term per element
// (or per sample, or per distribution, as each says) and then reduces:
//   'none'      the terms themselves
//   'sum'       their sum
//   'mean'      their mean
//   'batchmean' their sum divided by the batch size (axis 0), the usual VAE convention
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { record, noGrad } from '../autograd.js';
import { abs, add, div, eq, exp, log, maximum, mul, neg, softplus, sub } from '../ops/elementwise.js';
import { logSoftmax, mean, softmax, sum } from '../ops/reduce.js';
import { reshape } from '../ops/shape.js';

export type Reduction = 'none' | 'sum' | 'mean' | 'batchmean';

export interface ReductionOptions {
  reduction?: Reduction;
}

/** PyTorch clamps log(p) of BCE at -100 so that p = 0 gives a finite loss. */
const BCE_LOG_FLOOR = -100;
/** PyTorch's BCE backward divides by max(p (1 - p), this) so p = 0 or 1 gives a finite gradient. */
const BCE_GRAD_EPS = 1e-12;
/** q log q is taken as 0 at q = 0; log is evaluated at max(q, this) so 0 * log 0 gives 0, not NaN. */
const PROB_FLOOR = 1e-30;

function reduce(loss: string, terms: Tensor, reduction: Reduction): Tensor {
  switch (reduction) {
    case 'none':
      return terms;
    case 'sum':
      return sum(terms);
    case 'mean':
      return mean(terms);
    case 'batchmean':
      if (terms.rank === 0) throw new Error(`${loss}: reduction 'batchmean' needs a batch axis, got a scalar`);
      return div(sum(terms), terms.shape[0]);
    default:
      throw new Error(`${loss}: unknown reduction '${reduction as string}' (use 'none', 'sum', 'mean' or 'batchmean')`);
  }
}

function checkSameShape(loss: string, a: Tensor, b: Tensor, names: [string, string]): void {
  if (formatShape(a.shape) !== formatShape(b.shape)) {
    throw new Error(`${loss}: ${names[0]} ${formatShape(a.shape)} and ${names[1]} ${formatShape(b.shape)} must have the same shape`);
  }
}

/**
 * Binary cross-entropy on logits x against targets t in [0, 1], per element:
 *   softplus(x) - x t  =  max(x, 0) - x t + log(1 + e^-|x|)
 * which never overflows, so |x| = 100 is fine. Gradient sigmoid(x) - t. Default reduction 'mean'.
 */
export function bceWithLogits(logits: Tensor, target: Tensor, { reduction = 'mean' }: ReductionOptions = {}): Tensor {
  checkSameShape('bceWithLogits', logits, target, ['logits', 'target']);
  return reduce('bceWithLogits', sub(softplus(logits), mul(logits, target)), reduction);
}

/**
 * Binary cross-entropy on probabilities p in [0, 1], per element (PyTorch's BCELoss):
 *   -(t max(log p, -100) + (1 - t) max(log(1 - p), -100))
 * Its gradient is PyTorch's too: (p - t) / max(p (1 - p), 1e-12), finite even at p = 0 or 1 (where the
 * clamped expression itself would give 0 / 0). Prefer bceWithLogits when the logits are at hand.
 */
export function bce(prob: Tensor, target: Tensor, { reduction = 'mean' }: ReductionOptions = {}): Tensor {
  checkSameShape('bce', prob, target, ['prob', 'target']);
  const clampedLog = (x: Tensor) => maximum(log(x), BCE_LOG_FLOOR);
  const [logP, log1mP] = noGrad(() => [clampedLog(prob), clampedLog(sub(1, prob))]);
  const terms = noGrad(() => neg(add(mul(target, logP), mul(sub(1, target), log1mP))));
  const withGrad = record(terms, 'bce', [prob, target], (dy) => [
    div(mul(dy, sub(prob, target)), maximum(mul(prob, sub(1, prob)), BCE_GRAD_EPS)),
    mul(dy, sub(log1mP, logP)),
  ]);
  return reduce('bce', withGrad, reduction);
}

/** Squared error (a - b)^2 per element. Default reduction 'mean' (over all elements, as PyTorch). */
export function mse(prediction: Tensor, target: Tensor, { reduction = 'mean' }: ReductionOptions = {}): Tensor {
  checkSameShape('mse', prediction, target, ['prediction', 'target']);
  const diff = sub(prediction, target);
  return reduce('mse', mul(diff, diff), reduction);
}

/** Absolute error |a - b| per element (gradient sign(a - b), 0 at a = b). Default reduction 'mean'. */
export function l1(prediction: Tensor, target: Tensor, { reduction = 'mean' }: ReductionOptions = {}): Tensor {
  checkSameShape('l1', prediction, target, ['prediction', 'target']);
  return reduce('l1', abs(sub(prediction, target)), reduction);
}

/**
 * Cross-entropy of logits (B, K) against integer class labels (B): per sample
 *   -log softmax(logits)[b, label_b]
 * computed with logSoftmax and a one-hot mask. Labels may be a host array (checked against K) or a
 * tensor of integer values on the logits' backend. Default reduction 'mean' (over the batch).
 */
export function crossEntropy(
  logits: Tensor,
  labels: Tensor | readonly number[] | Int32Array | Uint8Array,
  { reduction = 'mean' }: ReductionOptions = {},
): Tensor {
  if (logits.rank !== 2) throw new Error(`crossEntropy: logits must be (B, K), got ${formatShape(logits.shape)}`);
  const [B, K] = logits.shape;
  const labelTensor = labelsOnBackend(labels, B, K, logits);
  // oneHot (B, K) = [labels[b] == k], by broadcasting labels (B, 1) against 0..K-1 (K)
  const classes = Tensor.empty([K], logits.backend);
  logits.backend.write(classes.storage, Array.from({ length: K }, (_, k) => k));
  const oneHot = eq(reshape(labelTensor, [B, 1]), classes);
  const terms = neg(sum(mul(logSoftmax(logits, 1), oneHot), 1));
  return reduce('crossEntropy', terms, reduction);
}

function labelsOnBackend(labels: Tensor | readonly number[] | Int32Array | Uint8Array, B: number, K: number, like: Tensor): Tensor {
  if (labels instanceof Tensor) {
    if (labels.rank !== 1 || labels.size !== B) {
      throw new Error(`crossEntropy: labels ${formatShape(labels.shape)} must be (B) = [${B}]`);
    }
    if (labels.backend !== like.backend) throw new Error(`crossEntropy: labels live on ${labels.backend.name}, logits on ${like.backend.name}`);
    return labels;
  }
  if (labels.length !== B) throw new Error(`crossEntropy: ${labels.length} labels for a batch of ${B}`);
  const bad = Array.from(labels).findIndex((c) => !Number.isInteger(c) || c < 0 || c >= K);
  if (bad >= 0) throw new Error(`crossEntropy: label ${labels[bad]} at position ${bad} is not a class index in 0..${K - 1}`);
  const t = Tensor.empty([B], like.backend);
  like.backend.write(t.storage, Array.from(labels));
  return t;
}

/**
 * KL(N(mu, sigma^2) || N(0, 1)) per latent dimension, with logvar = log sigma^2:
 *   -1/2 (1 + logvar - mu^2 - e^logvar)
 * 'none' gives these terms (shape of mu); default reduction 'sum' (as in the PyTorch VAE example);
 * 'batchmean' gives the per-sample KL averaged over the batch.
 */
export function klNormal(mu: Tensor, logvar: Tensor, { reduction = 'sum' }: ReductionOptions = {}): Tensor {
  checkSameShape('klNormal', mu, logvar, ['mu', 'logvar']);
  const inner = sub(sub(add(logvar, 1), mul(mu, mu)), exp(logvar));
  return reduce('klNormal', mul(inner, -0.5), reduction);
}

export interface KlCategoricalOptions extends ReductionOptions {
  /** whether the input holds logits (softmax is applied) or probabilities; default 'logits' */
  input?: 'logits' | 'probs';
}

/**
 * KL(q || uniform over K classes) for categorical distributions laid side by side on the last axis:
 * x (..., N*K) holds N distributions of K classes each (N = 1 for a plain (..., K) input). Per
 * distribution
 *   sum_k q_k log(q_k K)  =  sum_k q_k log q_k + log K
 * With logits, log q = logSoftmax (exact for any logits); with probabilities, 0 log 0 is taken as 0.
 * 'none' gives one KL per distribution, shape (..., N); default reduction 'sum'.
 */
export function klCategoricalUniform(x: Tensor, K: number, { reduction = 'sum', input = 'logits' }: KlCategoricalOptions = {}): Tensor {
  const last = x.shape[x.rank - 1];
  if (x.rank < 1 || !Number.isInteger(K) || K < 1 || last % K !== 0) {
    throw new Error(`klCategoricalUniform: the last axis of ${formatShape(x.shape)} must hold whole groups of K = ${K} classes`);
  }
  const grouped = reshape(x, [...x.shape.slice(0, -1), last / K, K]);
  const q = input === 'logits' ? softmax(grouped, -1) : grouped;
  const logQ = input === 'logits' ? logSoftmax(grouped, -1) : log(maximum(grouped, PROB_FLOOR));
  const perDistribution = sum(mul(q, add(logQ, Math.log(K))), -1);
  return reduce('klCategoricalUniform', perDistribution, reduction);
}
