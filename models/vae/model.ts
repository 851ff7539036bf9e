// The three VAEs of the assignment in one Module:
//   continuous  encoder -> (mu, logvar) (B, L) each; z = mu + sigma eps                     decoder from L
//   discrete    encoder -> logits (B, N*K); z = Gumbel-softmax sample at temperature tau    decoder from N*K
//   joint       both encoders (two networks); z = [z_continuous, z_discrete] (B, L + N*K)   one decoder
// and its loss, per image averaged over the batch (nats per image):
//   reconstruction  BCE of the decoder's sigmoid output against the image, summed over 3*28*28
//                   (computed from the logits with bceWithLogits, which is the same value, stably)
//   klContinuous    KL(N(mu, sigma^2) || N(0, I)) summed over the L dimensions
//   klDiscrete      sum over the N variables of KL(softmax(logits) || uniform over K)
//   negative ELBO   reconstruction + klContinuous + klDiscrete
// The training objective is the negative ELBO, or with JointVAE's capacity schedule (Dupont, 2018)
//   reconstruction + gamma |klContinuous - C_continuous| + gamma |klDiscrete - C_discrete|,
// optionally plus a usage term for the discrete latent (not part of the ELBO, training only):
//   beta * sum over the N variables of KL(qbar_n || uniform over K),  qbar_n = batch mean of softmax(logits_n)
// The per-image KL to the uniform prior is just as small when every image picks the same category as when
// the images spread over all K; the usage term tells them apart, and so keeps a discrete encoder from
// collapsing onto one category for every image (the collapse docs/results-vae.md describes).
import * as E from '../../engine/index.js';
import { DECODER_KINDS, VARIANTS, decoderNetwork, encoderNetwork, type DecoderKind, type Variant } from './networks.js';
import { gumbelSoftmax, oneHotArgmax, reparameterise } from './latents.js';

export type VaeKind = 'continuous' | 'discrete' | 'joint';
export const VAE_KINDS: readonly VaeKind[] = ['continuous', 'discrete', 'joint'];

export interface VaeConfig {
  kind: VaeKind;
  variant: Variant;
  /** L: dimensions of the continuous latent (continuous and joint) */
  latent: number;
  /** N: number of categorical variables (discrete and joint) */
  variables: number;
  /** K: categories per variable */
  categories: number;
  /** straight-through (hard) Gumbel-softmax samples */
  hard: boolean;
  /** 'plain' (the assignment's), 'tinted' or 'tinted-split' (brightness map times a colour, models/vae/networks.ts); absent: plain */
  decoder?: DecoderKind;
  /** s: a tinted decoder's colour logits are s times its colour head's output (TintedDecoder); absent: 1 */
  colourScale?: number;
}

/** What the encoders say about a batch: the Gaussian's parameters and/or the categorical logits. */
export interface Encoding {
  /** (B, L), continuous and joint */
  mu?: E.Tensor;
  logvar?: E.Tensor;
  /** (B, N*K), discrete and joint */
  logits?: E.Tensor;
}

export interface LossTerms {
  /** the training objective (the negative ELBO unless a capacity schedule is on) */
  objective: E.Tensor;
  negativeElbo: E.Tensor;
  reconstruction: E.Tensor;
  klContinuous: E.Tensor;
  klDiscrete: E.Tensor;
}

/** JointVAE's capacity term: gamma |KL - C| for each latent kind. */
export interface CapacityTarget {
  gamma: number;
  continuous: number;
  discrete: number;
}

/** What the training objective adds to the negative ELBO (absent: nothing). */
export interface ObjectiveOptions {
  capacity?: CapacityTarget;
  /** beta, the weight of the discrete latent's usage term KL(batch-mean posterior || uniform); 0: off */
  usage?: number;
}

export class Vae extends E.nn.Module {
  readonly continuousEncoder: E.nn.Module | null;
  readonly discreteEncoder: E.nn.Module | null;
  readonly decoder: E.nn.Module;

  constructor(readonly config: VaeConfig) {
    super();
    checkConfig(config);
    const { variant, latent, variables, categories } = config;
    this.continuousEncoder = this.hasContinuous ? this.module('continuous_encoder', encoderNetwork(variant, 2 * latent)) : null;
    this.discreteEncoder = this.hasDiscrete ? this.module('discrete_encoder', encoderNetwork(variant, variables * categories)) : null;
    // tinted-split paints from the first categorical variable, which follows the continuous part in the code
    const colourInput = config.decoder === 'tinted-split' ? { start: this.hasContinuous ? latent : 0, length: categories } : undefined;
    this.decoder = this.module('decoder', decoderNetwork(variant, this.codeSize, config.decoder ?? 'plain', colourInput, config.colourScale));
  }

  get hasContinuous(): boolean {
    return this.config.kind !== 'discrete';
  }

  get hasDiscrete(): boolean {
    return this.config.kind !== 'continuous';
  }

  /** Width of the decoder's input: L, N*K or L + N*K. */
  get codeSize(): number {
    const { latent, variables, categories } = this.config;
    return (this.hasContinuous ? latent : 0) + (this.hasDiscrete ? variables * categories : 0);
  }

  encode(x: E.Tensor): Encoding {
    const encoding: Encoding = {};
    if (this.continuousEncoder) {
      const { latent } = this.config;
      const h = this.continuousEncoder.forward(x) as E.Tensor; // (B, 2L): [mu, logvar]
      const B = h.shape[0];
      encoding.mu = E.slice(h, [0, 0], [B, latent]);
      encoding.logvar = E.slice(h, [0, latent], [B, latent]);
    }
    if (this.discreteEncoder) encoding.logits = this.discreteEncoder.forward(x) as E.Tensor;
    return encoding;
  }

  /** A random code (B, codeSize) from the posterior: reparameterised and/or Gumbel-softmax at temperature tau. */
  sampleCode(encoding: Encoding, tau: number): E.Tensor {
    const parts: E.Tensor[] = [];
    if (encoding.mu && encoding.logvar) parts.push(reparameterise(encoding.mu, encoding.logvar));
    if (encoding.logits) parts.push(gumbelSoftmax(encoding.logits, this.config.categories, tau, { hard: this.config.hard }));
    return parts.length === 1 ? parts[0] : E.concat(parts, 1);
  }

  /** The most likely code: mu and/or the one-hot argmax of each categorical, (B, codeSize). */
  modeCode(encoding: Encoding): E.Tensor {
    const parts: E.Tensor[] = [];
    if (encoding.mu) parts.push(encoding.mu);
    if (encoding.logits) {
      const [B, features] = encoding.logits.shape;
      const { categories } = this.config;
      parts.push(E.reshape(oneHotArgmax(E.reshape(encoding.logits, [B, features / categories, categories])), [B, features]));
    }
    return parts.length === 1 ? parts[0] : E.concat(parts, 1);
  }

  /** Image logits (B, 3, 28, 28) from codes (B, codeSize). */
  decode(code: E.Tensor): E.Tensor {
    return this.decoder.forward(code) as E.Tensor;
  }

  /** Image logits (B, 3, 28, 28) decoded from a posterior sample of x, with the encoding. */
  forward(x: E.Tensor, tau: number): { logits: E.Tensor; encoding: Encoding } {
    const encoding = this.encode(x);
    return { logits: this.decode(this.sampleCode(encoding, tau)), encoding };
  }

  /** The loss terms of one batch x (B, 3, 28, 28), with a posterior sample at temperature tau. */
  loss(x: E.Tensor, tau: number, objective: ObjectiveOptions = {}): LossTerms {
    const { logits, encoding } = this.forward(x, tau);
    return lossTerms(logits, x, encoding, this.config.categories, objective);
  }

  describe(): string {
    const { kind, variant, latent, variables, categories, hard, decoder = 'plain', colourScale = 1 } = this.config;
    const continuous = this.hasContinuous ? `L=${latent}` : '';
    const discrete = this.hasDiscrete ? `N=${variables}xK=${categories}${hard ? ' hard' : ''}` : '';
    return `Vae(${kind}, ${variant}${decoder === 'plain' ? '' : ` ${decoder}`}${colourScale === 1 ? '' : ` colour x${colourScale}`}, ${[continuous, discrete].filter(Boolean).join(', ')})`;
  }
}

/** The loss terms (each a scalar, per image averaged over the batch) of decoded logits against x. */
export function lossTerms(logits: E.Tensor, x: E.Tensor, encoding: Encoding, K: number, { capacity, usage = 0 }: ObjectiveOptions = {}): LossTerms {
  const reconstruction = E.nn.bceWithLogits(logits, x, { reduction: 'batchmean' });
  const zero = () => E.zeros([], x.backend);
  const klContinuous = encoding.mu && encoding.logvar ? E.nn.klNormal(encoding.mu, encoding.logvar, { reduction: 'batchmean' }) : zero();
  const klDiscrete = encoding.logits ? E.nn.klCategoricalUniform(encoding.logits, K, { reduction: 'batchmean' }) : zero();
  const negativeElbo = E.add(E.add(reconstruction, klContinuous), klDiscrete);
  let objective = negativeElbo;
  if (capacity) {
    const penalty = (kl: E.Tensor, c: number) => E.mul(E.abs(E.sub(kl, c)), capacity.gamma);
    objective = E.add(reconstruction, E.add(penalty(klContinuous, capacity.continuous), penalty(klDiscrete, capacity.discrete)));
  }
  if (usage > 0 && encoding.logits) objective = E.add(objective, E.mul(usageKl(encoding.logits, K), usage));
  return { objective, negativeElbo, reconstruction, klContinuous, klDiscrete };
}

/**
 * The usage term sum_n KL(qbar_n || uniform over K) of logits (B, N*K), qbar_n (K) the batch mean of
 * softmax(logits_n): 0 when the batch uses every category equally, N ln K when every image picks the same.
 */
export function usageKl(logits: E.Tensor, K: number): E.Tensor {
  const [B, features] = logits.shape;
  const meanPosterior = E.mean(E.softmax(E.reshape(logits, [B, features / K, K]), -1), 0); // (N, K)
  return E.nn.klCategoricalUniform(meanPosterior, K, { input: 'probs', reduction: 'sum' });
}

function checkConfig(config: VaeConfig): void {
  const { kind, variant, latent, variables, categories } = config;
  if (!['continuous', 'discrete', 'joint'].includes(kind)) throw new Error(`Vae: kind "${kind}" is not continuous, discrete or joint`);
  if (!VARIANTS.includes(variant)) throw new Error(`Vae: variant "${variant}" is not one of ${VARIANTS.join(', ')}`);
  if (config.decoder !== undefined && !DECODER_KINDS.includes(config.decoder)) {
    throw new Error(`Vae: decoder "${config.decoder}" is not ${DECODER_KINDS.join(', ')}`);
  }
  // the scale's own range is checked by TintedDecoder, the only place that uses it
  const { colourScale = 1 } = config;
  if (colourScale !== 1 && (config.decoder ?? 'plain') === 'plain') throw new Error(`Vae: colour scale ${colourScale} needs a tinted decoder (the plain one has no colour head)`);
  if (config.decoder === 'tinted-split' && kind === 'continuous') throw new Error('Vae: decoder "tinted-split" paints from a categorical variable; a continuous model has none');
  for (const [name, value] of Object.entries({ latent, variables, categories })) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`Vae: ${name} must be a positive integer, got ${value}`);
  }
  if (categories < 2) throw new Error(`Vae: a categorical variable needs at least 2 categories, got ${categories}`);
}
