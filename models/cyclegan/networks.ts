// The CycleGAN's networks: the generators that repaint an image of one coloured-MNIST domain into the
// other, and the discriminators that score whether an image belongs to a domain.
//   Generator      x (B, 3, 28, 28) -> (B, 3, 28, 28): conv 3x3 3 -> w -> w -> 3 (padding 1, ReLU between, or
//                  LeakyReLU with slope > 0; sigmoid out), so the image keeps its size and the network only
//                  repaints it. With kernel 1 every layer is 1x1: one small network applied to each pixel's
//                  colour on its own, a pure recolouring that cannot move strokes, nor hide the source image
//                  in faint patterns for the cycle to read back (CycleGAN's "steganography", Chu et al., 2017).
//                  Optionally conditioned on class probabilities p (B, classes): p U added to the first
//                  layer at every pixel, so a generator can paint each digit on its own.
//   Discriminator  x (B, 3, 28, 28) -> score (B, 1): conv 3x3 layers widening the channels (LeakyReLU 0.2
//                  after each), a 2x2 max-pool, then linear -> ReLU (h) -> linear. Optionally conditioned on
//                  class probabilities p as a projection discriminator (Miyato & Koyama, 2018):
//                    score = w . h + b + p^T V h,   V (classes, hidden)
//                  The term p^T V h lets the score depend on the colour *given the digit*, which is what tells
//                  a domain-B digit (colour sigma(d)) from a recoloured A digit of the wrong colour.
// The discriminators return a raw score: the sigmoid of a BCE discriminator lives inside its loss
// (losses.ts), and the least-squares loss reads the raw score.
import * as E from '../../engine/index.js';
import { CHANNELS } from '../data/coloured-mnist.js';
import { IMAGE_SIDE } from '../data/digits.js';

const { nn } = E;

export const KERNEL = 3;
const PADDING = 1; // (KERNEL - 1) / 2: keeps the size
const POOL = 2;
/**
 * The discriminators' convolutions are followed by LeakyReLU(0.2), as CycleGAN's: with plain ReLU a
 * discriminator that rejects every fake can go silent on them (all features 0), and then no gradient
 * reaches the generator.
 */
const LEAKY_SLOPE = 0.2;
export const IMAGE_SHAPE = [CHANNELS, IMAGE_SIDE, IMAGE_SIDE] as const;

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

/** Throws unless x is a batch of coloured images (B, 3, 28, 28). */
export function checkImages(where: string, x: E.Tensor): void {
  if (x.rank !== 4 || IMAGE_SHAPE.some((size, i) => x.shape[i + 1] !== size)) {
    throw new Error(`${where}: input ${E.formatShape(x.shape)} must be (B, ${IMAGE_SHAPE.join(', ')})`);
  }
}
