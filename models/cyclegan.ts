// CycleGAN-style translation between the two coloured-MNIST domains (A: digit d in colour d; B: digit d
// in colour sigma(d)), learned without paired images. Four networks:
//   G_AB, G_BA  generators, x (B, 3, 28, 28) -> (B, 3, 28, 28): conv 3x3 3 -> w -> w -> 3 (padding 1, ReLU
//               between, or LeakyReLU with generatorSlope > 0; sigmoid out), so the image keeps its size
//               and the network only repaints it. With generatorKernel 1 every layer is 1x1: the generator
//               is one small network applied to each pixel's colour on its own, a pure recolouring. It
//               cannot move strokes, nor hide the source image in faint patterns for the cycle to read back
//               (CycleGAN's "steganography", Chu et al., 2017). With the cycle term it cannot paint two
//               source colours exactly alike, since the way back sees nothing but the pixel's new colour;
//               it can paint them in two shades of one colour (measured: G_BA painted red as (0, .53, 1.00)
//               and orange as (0, .53, .76), both named blue, and G_AB told them apart on the way back),
//               which cycleNoise and labelledGenerators (below) work against.
//   D_A, D_B    discriminators, x (B, 3, 28, 28) -> score (B, 1): conv 3x3 layers widening the channels
//               (LeakyReLU 0.2 after each), a 2x2 max-pool, then linear -> ReLU (h) -> linear
//               Optionally conditioned on the digit a frozen digit network reads in x (a "labeller", trained
//               on grey MNIST, never on either domain), as a projection discriminator (Miyato & Koyama, 2018):
//                 score = w . h + b + p^T V h,   p (B, 10) = softmax(labeller(brightness x)), V (10, hidden)
//               The term p^T V h lets the score depend on the colour *given the digit*, which is what tells
//               a domain-B digit (colour sigma(d)) from a recoloured A digit of the wrong colour; an
//               unconditioned discriminator has to learn to read digits from the adversarial signal alone.
//               p is computed without gradient: the labeller only names the digit, the generators cannot
//               steer it.
//               With labelledGenerators the generators read the same p of their own input (G(x, p): p U
//               added to the first layer at every pixel), so a generator can paint each digit on its own
//               instead of finding one colour permutation that fits all ten digits at once.
// The discriminators return a raw score. The assignment's sigmoid output lives inside the BCE loss
// (bceWithLogits(s, t) = bce(sigmoid(s), t), without overflow); the least-squares loss (Mao et al., 2017,
// as CycleGAN uses it) reads the raw score.
//
// Losses, with s = D(x) and each mean taken over the batch:
//   adversarial  BCE:  D: 1/2 [bce(s_real, 1) + bce(s_fake, 0)]     G: bce(D(G(x)), 1)
//                LS:   D: 1/2 [(s_real - 1)^2 + s_fake^2]            G: (D(G(x)) - 1)^2
//   cycle        lambda |G_BA(G_AB(a)) - a|_1  and  lambda |G_AB(G_BA(b)) - b|_1   (mean absolute error)
//                With cycleNoise sigma > 0 the way back reads the translation plus N(0, sigma^2) noise,
//                G_BA(G_AB(a) + sigma eps), as Chu et al. (2017) suggest against steganography: shades of
//                one colour closer than the noise no longer carry two source colours back. (Measured with
//                sigma = 0.1: it did not lift the colour hit; labelledGenerators did, docs/results-cyclegan.md.)
//   identity     mu |G_AB(b) - b|_1  and  mu |G_BA(a) - a|_1   (CycleGAN: mu = lambda / 2)
// Each generator's reported loss is its adversarial term plus its identity term plus the cycle that starts
// with it (G_AB: a -> B -> a).
//
// Training orders:
//   'assignment'  per batch: D_A (generators frozen) on real a vs G_BA(b); then G_BA (D_A frozen) to make D_A
//                 call G_BA(b) real; then D_B and G_AB the same way. With cycle terms on, a generator's step
//                 also minimises both cycles through it (the other generator frozen).
//   'joint'       per batch, as CycleGAN: both generators in one step on all their terms (discriminators
//                 frozen), then D_A and D_B on the fakes of that step.
// Freezing a network = its parameters stop requiring gradients for the step (no gradient reaches them, and
// its optimizer is not stepped), as PyTorch's requires_grad_(False).
import * as E from '../engine/index.js';
import { HostRandom } from '../engine/random/philox.js';
import { CHANNELS, epochSeed } from './data/coloured-mnist.js';
import { DIGITS, IMAGE_SIDE } from './data/mnist.js';
import { normalisedBrightness } from './classifier.js';

/** What conditions a labelled discriminator: images (B, 1, 28, 28) of normalised brightness -> digit logits (B, 10). */
export interface Labeller {
  forward(x: E.Tensor): E.Tensor;
}

const { nn } = E;

const KERNEL = 3;
const PADDING = 1; // (KERNEL - 1) / 2: keeps the size
const POOL = 2;
/**
 * The discriminators' convolutions are followed by LeakyReLU(0.2), as CycleGAN's: with plain ReLU a
 * discriminator that rejects every fake can go silent on them (all features 0), and then no gradient
 * reaches the generator.
 */
const LEAKY_SLOPE = 0.2;
const IMAGE_SHAPE = [CHANNELS, IMAGE_SIDE, IMAGE_SIDE] as const;

// ---- the networks ------------------------------------------------------------------------------------

/**
 * x (B, 3, 28, 28) in [0, 1] -> (B, 3, 28, 28) in (0, 1): conv 3 -> width -> width -> 3. slope 0 gives the
 * assignment's ReLU; a slope > 0 (LeakyReLU) keeps every unit's gradient alive: with ReLU, early training
 * that darkens everything can leave the hidden units dead and the output a constant black.
 * With classes > 0 the generator is conditioned on class probabilities p (B, classes): the first
 * convolution's output gets p U added at every pixel, U (classes, width), as if p were `classes` constant
 * input channels of a 1x1 convolution.
 */
export class Generator extends nn.Module {
  readonly net: E.nn.Sequential;
  /** U (classes, width) as a Linear without bias; null when unconditioned */
  readonly digit: E.nn.Linear | null;

  constructor(
    readonly width: number,
    readonly slope = 0,
    /** feed the convolutions 2x - 1 in [-1, 1] (CycleGAN's input range) instead of x in [0, 1] */
    readonly centreInput = false,
    /** side of every convolution: 3 (the assignment's) or 1 (a per-pixel recolouring); odd, so padding keeps the size */
    readonly kernel = KERNEL,
    readonly classes = 0,
  ) {
    super();
    if (!Number.isInteger(kernel) || kernel < 1 || kernel % 2 === 0) throw new Error(`Generator: kernel ${kernel} must be a positive odd integer`);
    const activation = () => (slope > 0 ? new nn.LeakyReLU(slope) : new nn.ReLU());
    const conv = (from: number, to: number) => new nn.Conv2d(from, to, kernel, { padding: (kernel - 1) / 2 });
    this.net = this.module('net', new nn.Sequential(conv(CHANNELS, width), activation(), conv(width, width), activation(), conv(width, CHANNELS), new nn.Sigmoid()));
    this.digit = classes > 0 ? this.module('digit', new nn.Linear(classes, width, { bias: false })) : null;
  }

  /**
   * With centreInput the black background is -1, not 0: the first convolution then responds to the
   * background through its weights, not only its bias, and the network can darken the background without
   * darkening the strokes more (which, from [0, 1] inputs, first turns the digits into dark-on-grey negatives).
   * `classes` (B, classes) is required exactly when the generator is conditioned.
   */
  forward(x: E.Tensor, classes?: E.Tensor): E.Tensor {
    checkImages('Generator', x);
    const input = this.centreInput ? E.sub(E.mul(x, 2), 1) : x;
    if (!this.digit) {
      if (classes) throw new Error('Generator: given class probabilities, but it was built without classes');
      return this.net.forward(input);
    }
    checkClasses('Generator', x, classes, this.classes);
    const [first, ...rest] = this.net.layers;
    const B = x.shape[0];
    const h = E.add(first.forward(input) as E.Tensor, E.reshape(this.digit.forward(classes), [B, this.width, 1, 1])); // (B, width, 28, 28)
    return rest.reduce((y, layer) => layer.forward(y) as E.Tensor, h);
  }

  describe(): string {
    const conditioned = this.classes > 0 ? `, conditioned on ${this.classes} classes` : '';
    return `Generator(${CHANNELS} -> ${this.width} -> ${this.width} -> ${CHANNELS}, ${this.kernel}x${this.kernel}${this.slope > 0 ? `, leaky ${this.slope}` : ''}${conditioned})`;
  }
}

/** Throws unless `classes` is (B, count) for the B images of x. */
function checkClasses(where: string, x: E.Tensor, classes: E.Tensor | undefined, count: number): asserts classes is E.Tensor {
  if (!classes || classes.rank !== 2 || classes.shape[0] !== x.shape[0] || classes.shape[1] !== count) {
    throw new Error(`${where}: a conditioned ${where.toLowerCase()} needs class probabilities (${x.shape[0]}, ${count}), got ${classes ? E.formatShape(classes.shape) : 'none'}`);
  }
}

/**
 * x (B, 3, 28, 28) -> score (B, 1): convs 3 -> widths[0] -> widths[1] ..., max-pool 2, linear -> hidden -> 1;
 * with classes > 0, plus the projection p^T V h of class probabilities p (B, classes) onto the hidden features.
 */
export class Discriminator extends nn.Module {
  readonly net: E.nn.Sequential;
  /** V (classes, hidden) as a Linear without bias: projection.forward(p) = p V; null when unconditioned */
  readonly projection: E.nn.Linear | null;

  constructor(
    readonly widths: readonly number[],
    readonly hidden: number,
    readonly classes = 0,
  ) {
    super();
    if (widths.length === 0) throw new Error('Discriminator: needs at least one convolution width');
    const layers: E.nn.Module[] = [];
    widths.forEach((width, i) => {
      layers.push(new nn.Conv2d(i === 0 ? CHANNELS : widths[i - 1], width, KERNEL, { padding: PADDING }), new nn.LeakyReLU(LEAKY_SLOPE));
    });
    const pooledSide = IMAGE_SIDE / POOL;
    layers.push(
      new nn.MaxPool2d({ kernel: POOL }),
      new nn.Flatten(),
      new nn.Linear(widths[widths.length - 1] * pooledSide * pooledSide, hidden),
      new nn.ReLU(),
      new nn.Linear(hidden, 1),
    );
    this.net = this.module('net', new nn.Sequential(...layers));
    this.projection = classes > 0 ? this.module('projection', new nn.Linear(classes, hidden, { bias: false })) : null;
  }

  /** x (B, 3, 28, 28) -> (B, 1); `classes` (B, classes) is required exactly when the discriminator is conditioned. */
  forward(x: E.Tensor, classes?: E.Tensor): E.Tensor {
    checkImages('Discriminator', x);
    if (!this.projection) {
      if (classes) throw new Error('Discriminator: given class probabilities, but it was built without classes');
      return this.net.forward(x);
    }
    checkClasses('Discriminator', x, classes, this.classes);
    const layers = this.net.layers;
    const h = layers.slice(0, -1).reduce((y, layer) => layer.forward(y) as E.Tensor, x); // (B, hidden)
    const score = layers[layers.length - 1].forward(h) as E.Tensor; // (B, 1)
    return E.add(score, E.sum(E.mul(this.projection.forward(classes), h), 1, true));
  }

  describe(): string {
    const conditioned = this.classes > 0 ? `, projection of ${this.classes} classes` : '';
    return `Discriminator(${[CHANNELS, ...this.widths].join(' -> ')}, pool ${POOL}, ${this.hidden} -> 1${conditioned})`;
  }
}

function checkImages(where: string, x: E.Tensor): void {
  if (x.rank !== 4 || IMAGE_SHAPE.some((size, i) => x.shape[i + 1] !== size)) {
    throw new Error(`${where}: input ${E.formatShape(x.shape)} must be (B, ${IMAGE_SHAPE.join(', ')})`);
  }
}

// ---- the losses --------------------------------------------------------------------------------------

export type AdversarialLoss = 'bce' | 'lsgan';

/** The adversarial loss of scores s (B, 1) against one target label (1 real, 0 fake), averaged over the batch. */
export function adversarialLoss(kind: AdversarialLoss, scores: E.Tensor, target: 0 | 1): E.Tensor {
  const targets = E.full(scores.shape, target, scores.backend);
  if (kind === 'bce') return nn.bceWithLogits(scores, targets);
  if (kind === 'lsgan') return nn.mse(scores, targets);
  throw new Error(`adversarialLoss: unknown kind '${kind as string}' (use 'bce' or 'lsgan')`);
}

/** A discriminator's loss: 1/2 [loss(real scores, 1) + loss(fake scores, 0)]. */
export function discriminatorLoss(kind: AdversarialLoss, realScores: E.Tensor, fakeScores: E.Tensor): E.Tensor {
  return E.mul(E.add(adversarialLoss(kind, realScores, 1), adversarialLoss(kind, fakeScores, 0)), 0.5);
}

/** A generator's adversarial loss: its fakes' scores against the label 'real'. */
export function generatorAdversarialLoss(kind: AdversarialLoss, fakeScores: E.Tensor): E.Tensor {
  return adversarialLoss(kind, fakeScores, 1);
}

/** Mean absolute error between an image batch and its target (the cycle and identity losses). */
export function l1Loss(images: E.Tensor, target: E.Tensor): E.Tensor {
  return nn.l1(images, target);
}

// ---- the history buffer --------------------------------------------------------------------------------

/** The source of a row: index < capacity is a stored image, capacity + i is image i of the new batch. */
export interface HistoryPlan {
  /** for each new image, the row the discriminator sees instead */
  returned: number[];
  /** for each slot, the row it holds afterwards */
  stored: number[];
  filled: number;
}

/** What HistoryBuffer draws its choices from (a HostRandom, or a scripted stand-in in tests). */
export interface ChoiceSource {
  uniform(): number;
  int(n: number): number;
}

/**
 * The choices of CycleGAN's image pool (Shrivastava et al., 2017), image by image in batch order:
 *   - while the buffer is not full, the new image is stored and shown as it is;
 *   - once full, with probability 1/2 a stored image chosen uniformly is shown instead and the new one
 *     takes its slot; otherwise the new image is shown and the buffer stays as it is.
 * Choices within a batch see earlier ones (a slot refilled by image i may be shown for image j > i).
 */
export function planHistoryQuery(capacity: number, filled: number, batch: number, random: ChoiceSource): HistoryPlan {
  const stored = Array.from({ length: capacity }, (_, slot) => slot);
  const returned: number[] = [];
  for (let i = 0; i < batch; i++) {
    const newRow = capacity + i;
    if (filled < capacity) {
      stored[filled++] = newRow;
      returned.push(newRow);
    } else if (random.uniform() > 0.5) {
      const slot = random.int(capacity);
      returned.push(stored[slot]);
      stored[slot] = newRow;
    } else {
      returned.push(newRow);
    }
  }
  return { returned, stored, filled };
}

/**
 * Keeps up to `capacity` generated images per discriminator (the images are a buffer of the module, so a
 * checkpoint holds them). query() runs on the device: the pool [stored; new] (capacity + B rows) is
 * gathered twice, once for the rows shown and once for the slots kept. capacity 0 shows every batch as is.
 */
export class HistoryBuffer extends nn.Module {
  readonly images: E.Tensor | null;
  /** how many slots hold an image, as a (1,) buffer so checkpoints keep it */
  private readonly filledState: E.Tensor | null;
  private filledOnHost = 0;

  constructor(readonly capacity: number) {
    super();
    if (!Number.isInteger(capacity) || capacity < 0) throw new Error(`HistoryBuffer: capacity must be an integer >= 0, got ${capacity}`);
    this.images = capacity > 0 ? this.buffer('images', E.zeros([capacity, ...IMAGE_SHAPE])) : null;
    this.filledState = capacity > 0 ? this.buffer('filled', E.zeros([1])) : null;
  }

  get filled(): number {
    return this.filledOnHost;
  }

  /** Reads the filled count back from the state tensor (after a checkpoint was loaded into it). */
  async syncFromState(): Promise<void> {
    if (this.filledState) this.filledOnHost = await this.filledState.item();
  }

  forward(fakes: E.Tensor, random: ChoiceSource): E.Tensor {
    return this.query(fakes, random);
  }

  /** fakes (B, 3, 28, 28), no gradient -> the (B, 3, 28, 28) images the discriminator should see. */
  query(fakes: E.Tensor, random: ChoiceSource): E.Tensor {
    checkImages('HistoryBuffer.query', fakes);
    if (!this.images || !this.filledState) return fakes;
    const plan = planHistoryQuery(this.capacity, this.filledOnHost, fakes.shape[0], random);
    const images = this.images;
    const shown = E.noGrad(() => {
      const pool = E.concat([images, E.detach(fakes)], 0);
      const kept = E.gather(pool, plan.stored);
      nn.assign(images, kept);
      return E.gather(pool, plan.returned);
    });
    this.filledOnHost = plan.filled;
    this.filledState.backend.write(this.filledState.storage, [plan.filled]);
    return shown;
  }

  describe(): string {
    return `HistoryBuffer(${this.capacity})`;
  }
}

// ---- the model and its training step ---------------------------------------------------------------------

export type TrainingOrder = 'assignment' | 'joint';

export interface CycleGanConfig {
  generatorWidth: number;
  /** side of the generators' convolutions: 3, or 1 for a per-pixel recolouring; absent: 3 */
  generatorKernel?: number;
  /** negative slope of the generators' hidden activations; 0 is ReLU */
  generatorSlope: number;
  /** the generators read 2x - 1 instead of x */
  centreInput: boolean;
  discriminatorWidths: number[];
  discriminatorHidden: number;
  adversarial: AdversarialLoss;
  /** lambda of the cycle losses; 0 turns them off */
  cycleWeight: number;
  /** sigma of the Gaussian noise added to a translation before the way back of a cycle; absent: 0 (none) */
  cycleNoise?: number;
  /** mu of the identity losses; 0 turns them off */
  identityWeight: number;
  /** generated images kept per discriminator; 0 turns the history buffer off */
  history: number;
  /** condition the discriminators on a frozen digit network's reading of each image (attachLabeller) */
  labelled: boolean;
  /** condition the generators on that reading of their input too (needs labelled); absent: false */
  labelledGenerators?: boolean;
  order: TrainingOrder;
  lr: number;
  beta1: number;
  beta2: number;
}

/** The four networks and both history buffers, one module tree so one checkpoint holds them all. */
export class CycleGan extends nn.Module {
  readonly gAB: Generator;
  readonly gBA: Generator;
  readonly dA: Discriminator;
  readonly dB: Discriminator;
  readonly historyA: HistoryBuffer;
  readonly historyB: HistoryBuffer;
  /** the frozen digit network of a labelled model (attachLabeller); not a module, so not in the checkpoint */
  private labeller: Labeller | null = null;

  constructor(readonly config: CycleGanConfig) {
    super();
    checkConfig(config);
    const { generatorWidth, generatorSlope, centreInput, discriminatorWidths, discriminatorHidden, history } = config;
    const kernel = config.generatorKernel ?? KERNEL;
    const generatorClasses = config.labelledGenerators ? DIGITS : 0;
    this.gAB = this.module('G_AB', new Generator(generatorWidth, generatorSlope, centreInput, kernel, generatorClasses));
    this.gBA = this.module('G_BA', new Generator(generatorWidth, generatorSlope, centreInput, kernel, generatorClasses));
    const classes = config.labelled ? DIGITS : 0;
    this.dA = this.module('D_A', new Discriminator(discriminatorWidths, discriminatorHidden, classes));
    this.dB = this.module('D_B', new Discriminator(discriminatorWidths, discriminatorHidden, classes));
    this.historyA = this.module('history_A', new HistoryBuffer(history));
    this.historyB = this.module('history_B', new HistoryBuffer(history));
  }

  forward(a: E.Tensor): E.Tensor {
    return this.translate('AB', a);
  }

  /** G_AB(x) or G_BA(x), given the labeller's reading of x when the generators are conditioned. */
  translate(direction: Direction, x: E.Tensor): E.Tensor {
    const generator = direction === 'AB' ? this.gAB : this.gBA;
    return this.config.labelledGenerators ? generator.forward(x, this.digitProbabilities(x)) : generator.forward(x);
  }

  /** The labeller's class probabilities p (B, 10) of images x, without gradient. */
  private digitProbabilities(x: E.Tensor): E.Tensor {
    const labeller = this.labeller;
    if (!labeller) throw new Error('CycleGan: a labelled model needs attachLabeller(digit network) before it translates or discriminates');
    return E.noGrad(() => E.softmax(labeller.forward(normalisedBrightness(E.detach(x))), -1));
  }

  /**
   * The frozen digit network of a labelled model. It is not part of the module tree: the run loads it from
   * its own checkpoint, and the model's checkpoint does not hold it.
   */
  attachLabeller(labeller: Labeller): void {
    if (!this.config.labelled) throw new Error('CycleGan.attachLabeller: the model was configured with labelled = false');
    this.labeller = labeller;
  }

  /** D_A's or D_B's score of images x (B, 3, 28, 28), with the labeller's class probabilities when labelled. */
  discriminate(domain: 'A' | 'B', x: E.Tensor): E.Tensor {
    const discriminator = domain === 'A' ? this.dA : this.dB;
    return this.config.labelled ? discriminator.forward(x, this.digitProbabilities(x)) : discriminator.forward(x);
  }

  networks(): Record<NetworkName, E.nn.Module> {
    return { G_AB: this.gAB, G_BA: this.gBA, D_A: this.dA, D_B: this.dB };
  }
}

export const NETWORKS = ['G_AB', 'G_BA', 'D_A', 'D_B'] as const;
export type NetworkName = (typeof NETWORKS)[number];
export type CycleGanOptimizers = Record<NetworkName, E.optim.Adam>;

function checkConfig(config: CycleGanConfig): void {
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
  const { cycleNoise = 0 } = config;
  if (!(Number.isFinite(cycleNoise) && cycleNoise >= 0)) problems.push(`cycleNoise = ${cycleNoise} must be a finite number >= 0`);
  if (problems.length > 0) throw new Error(`CycleGan: ${problems.join('; ')}`);
}

/** One Adam per network, with the configured learning rate and betas. */
export function makeOptimizers(gan: CycleGan): CycleGanOptimizers {
  const { lr, beta1, beta2 } = gan.config;
  const make = (m: E.nn.Module) => new E.optim.Adam(m.parameters(), { lr, betas: [beta1, beta2] });
  return { G_AB: make(gan.gAB), G_BA: make(gan.gBA), D_A: make(gan.dA), D_B: make(gan.dB) };
}

/** Lets gradients reach only the named networks' parameters (the rest are frozen). */
export function setTrainable(gan: CycleGan, trainable: readonly NetworkName[]): void {
  for (const [name, network] of Object.entries(gan.networks())) {
    const on = trainable.includes(name as NetworkName);
    for (const p of network.parameters()) p.requiresGrad = on;
  }
}

/**
 * One optimisation step of the named networks, all others frozen: `build` returns the objective to
 * minimise (and anything else the caller wants from the same forward pass, passed through).
 */
function stepNetworks<T extends { objective: E.Tensor }>(gan: CycleGan, optimizers: CycleGanOptimizers, names: readonly NetworkName[], build: () => T): T {
  setTrainable(gan, names);
  try {
    for (const name of names) optimizers[name].zeroGrad();
    const built = build();
    built.objective.backward();
    for (const name of names) {
      optimizers[name].step();
      optimizers[name].zeroGrad();
    }
    return built;
  } finally {
    setTrainable(gan, NETWORKS);
  }
}

export type Direction = 'AB' | 'BA';

/** The generator terms of one batch, each a scalar tensor (null when off or not needed). */
interface GeneratorTerms {
  fakeA: E.Tensor | null; // G_BA(b)
  fakeB: E.Tensor | null; // G_AB(a)
  adversarialAB: E.Tensor | null; // D_B calling G_AB(a) real
  adversarialBA: E.Tensor | null;
  cycleA: E.Tensor | null; // |G_BA(G_AB(a)) - a|
  cycleB: E.Tensor | null;
  identityAB: E.Tensor | null; // |G_AB(b) - b|
  identityBA: E.Tensor | null;
}

/** The terms the generators of `directions` need: their adversarial and identity terms, and both cycles. */
function generatorTerms(gan: CycleGan, a: E.Tensor, b: E.Tensor, directions: readonly Direction[]): GeneratorTerms {
  const { adversarial, cycleWeight, identityWeight } = gan.config;
  const [forAB, forBA] = [directions.includes('AB'), directions.includes('BA')];
  const cycles = cycleWeight > 0;
  const identities = identityWeight > 0;
  const fakeB = forAB || cycles ? gan.translate('AB', a) : null;
  const fakeA = forBA || cycles ? gan.translate('BA', b) : null;
  return {
    fakeA,
    fakeB,
    adversarialAB: forAB ? generatorAdversarialLoss(adversarial, gan.discriminate('B', fakeB!)) : null,
    adversarialBA: forBA ? generatorAdversarialLoss(adversarial, gan.discriminate('A', fakeA!)) : null,
    cycleA: cycles ? l1Loss(gan.translate('BA', withCycleNoise(gan, fakeB!)), a) : null,
    cycleB: cycles ? l1Loss(gan.translate('AB', withCycleNoise(gan, fakeA!)), b) : null,
    identityAB: identities && forAB ? l1Loss(gan.translate('AB', b), b) : null,
    identityBA: identities && forBA ? l1Loss(gan.translate('BA', a), a) : null,
  };
}

/** A translation x as the way back of a cycle reads it: x + sigma eps, eps ~ N(0, 1) (x itself when sigma = 0). */
function withCycleNoise(gan: CycleGan, x: E.Tensor): E.Tensor {
  const sigma = gan.config.cycleNoise ?? 0;
  return sigma > 0 ? E.add(x, E.randn(x.shape, { backend: x.backend, std: sigma })) : x;
}

/** adversarial + lambda cycle + mu identity, leaving out the absent terms. */
function weightedSum(gan: CycleGan, adversarial: E.Tensor, cycle: E.Tensor | null, identity: E.Tensor | null): E.Tensor {
  let total = adversarial;
  if (cycle) total = E.add(total, E.mul(cycle, gan.config.cycleWeight));
  if (identity) total = E.add(total, E.mul(identity, gan.config.identityWeight));
  return total;
}

/** G_AB's own loss: its adversarial term, its identity term and the cycle that starts with it (a -> B -> a). */
function lossAB(gan: CycleGan, t: GeneratorTerms): E.Tensor {
  return weightedSum(gan, t.adversarialAB!, t.cycleA, t.identityAB);
}

function lossBA(gan: CycleGan, t: GeneratorTerms): E.Tensor {
  return weightedSum(gan, t.adversarialBA!, t.cycleB, t.identityBA);
}

/** Losses of one step, in the order trainStep returns them. */
export const STEP_LOSSES = ['G_AB', 'G_BA', 'D_A', 'D_B', 'cycle_A', 'cycle_B'] as const;

/** One discriminator step: real images as real, the (history-mixed) fakes as fake; returns its loss. */
export function stepDiscriminator(
  gan: CycleGan,
  optimizers: CycleGanOptimizers,
  name: 'D_A' | 'D_B',
  real: E.Tensor,
  fakes: E.Tensor,
  random: ChoiceSource,
): E.Tensor {
  const [domain, history] = name === 'D_A' ? (['A', gan.historyA] as const) : (['B', gan.historyB] as const);
  const shown = history.query(E.detach(fakes), random);
  const { objective } = stepNetworks(gan, optimizers, [name], () => ({
    objective: discriminatorLoss(gan.config.adversarial, gan.discriminate(domain, real), gan.discriminate(domain, shown)),
  }));
  return objective;
}

/**
 * One training step on a batch of each domain, a and b (B, 3, 28, 28), in the configured order.
 * Returns the step's losses as one (6,) tensor in the order of STEP_LOSSES (cycle terms 0 when off).
 */
export function trainStep(gan: CycleGan, optimizers: CycleGanOptimizers, a: E.Tensor, b: E.Tensor, random: ChoiceSource): E.Tensor {
  return E.tidy(() => (gan.config.order === 'joint' ? jointStep(gan, optimizers, a, b, random) : assignmentStep(gan, optimizers, a, b, random)));
}

/** CycleGAN's generator step: both generators on the sum of all their terms, the discriminators frozen. */
export function stepBothGenerators(gan: CycleGan, optimizers: CycleGanOptimizers, a: E.Tensor, b: E.Tensor) {
  return stepNetworks(gan, optimizers, ['G_AB', 'G_BA'], () => {
    const terms = generatorTerms(gan, a, b, ['AB', 'BA']);
    const losses = [lossAB(gan, terms), lossBA(gan, terms)];
    return { objective: E.add(losses[0], losses[1]), terms, losses };
  });
}

function jointStep(gan: CycleGan, optimizers: CycleGanOptimizers, a: E.Tensor, b: E.Tensor, random: ChoiceSource): E.Tensor {
  const { terms, losses } = stepBothGenerators(gan, optimizers, a, b);
  const dA = stepDiscriminator(gan, optimizers, 'D_A', a, terms.fakeA!, random);
  const dB = stepDiscriminator(gan, optimizers, 'D_B', b, terms.fakeB!, random);
  return stepLossVector([...losses, dA, dB, terms.cycleA, terms.cycleB]);
}

/**
 * The generator step of the assignment order: one generator on its adversarial and identity terms and both
 * cycles through it, every other network frozen. Returns its own loss and the terms.
 */
export function stepOneGenerator(gan: CycleGan, optimizers: CycleGanOptimizers, a: E.Tensor, b: E.Tensor, direction: Direction) {
  return stepNetworks(gan, optimizers, [direction === 'AB' ? 'G_AB' : 'G_BA'], () => {
    const terms = generatorTerms(gan, a, b, [direction]);
    const bothCycles = terms.cycleA && terms.cycleB ? E.add(terms.cycleA, terms.cycleB) : null;
    const [adversarial, identity] = direction === 'AB' ? [terms.adversarialAB!, terms.identityAB] : [terms.adversarialBA!, terms.identityBA];
    const own = direction === 'AB' ? lossAB(gan, terms) : lossBA(gan, terms);
    return { objective: weightedSum(gan, adversarial, bothCycles, identity), terms, own };
  });
}

function assignmentStep(gan: CycleGan, optimizers: CycleGanOptimizers, a: E.Tensor, b: E.Tensor, random: ChoiceSource): E.Tensor {
  const dA = stepDiscriminator(gan, optimizers, 'D_A', a, E.noGrad(() => gan.translate('BA', b)), random);
  const stepBA = stepOneGenerator(gan, optimizers, a, b, 'BA');
  const dB = stepDiscriminator(gan, optimizers, 'D_B', b, E.noGrad(() => gan.translate('AB', a)), random);
  const stepAB = stepOneGenerator(gan, optimizers, a, b, 'AB');
  return stepLossVector([stepAB.own, stepBA.own, dA, dB, stepAB.terms.cycleA, stepAB.terms.cycleB]);
}

/** The losses as one (n,) tensor without gradient (absent terms as 0), read back with one transfer. */
function stepLossVector(losses: (E.Tensor | null)[]): E.Tensor {
  return E.noGrad(() => E.concat(losses.map((l) => (l ? E.reshape(E.detach(l), [1]) : E.zeros([1]))), 0));
}

/** The history buffers' choices for one epoch, from (seed, epoch) alone, so a resumed run repeats them. */
export function historyRandom(seed: number, epoch: number): HostRandom {
  return new HostRandom(epochSeed((seed ^ HISTORY_SEED_SALT) >>> 0, epoch));
}

const HISTORY_SEED_SALT = 0x48495354; // 'HIST': keeps these choices apart from the data order of the same seed
