// The CycleGAN model: translation between the two coloured-MNIST domains (A: digit d in colour d; B: digit
// d in colour sigma(d)), learned without paired images. One module tree holds the four networks of
// networks.ts (G_AB, G_BA: A -> B and B -> A; D_A, D_B: is this an A image, a B image?) and the two history
// buffers of history.ts, so one checkpoint holds them all. Its settings are a CycleGanConfig (config.ts);
// what was tried and measured with them is in docs/results-cyclegan.md.
// A labelled model is conditioned on the digit a frozen digit network (the "labeller", trained on grey
// MNIST, never on either domain) reads in each image: p (B, 10) = softmax(labeller(brightness x)). The
// discriminators always read p of the image they score; with labelledGenerators the generators read p of
// their input too. p is computed without gradient: the labeller only names the digit, the generators cannot
// steer it. An unconditioned discriminator has to learn to read digits from the adversarial signal alone.
import * as E from '../../engine/index.js';
import { DIGITS } from '../data/digits.js';
import { normalisedBrightness } from '../classifier.js';
import { checkCycleGanConfig, type CycleGanConfig } from './config.js';
import { HistoryBuffer } from './history.js';
import { Discriminator, Generator } from './networks.js';

const { nn } = E;

/** What conditions a labelled model: images (B, 1, 28, 28) of normalised brightness -> digit logits (B, 10). */
export interface Labeller {
  forward(x: E.Tensor): E.Tensor;
}

export type Direction = 'AB' | 'BA';

export const NETWORKS = ['G_AB', 'G_BA', 'D_A', 'D_B'] as const;
export type NetworkName = (typeof NETWORKS)[number];

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
    checkCycleGanConfig(config);
    const { generatorWidth, generatorKernel: kernel, generatorSlope, centreInput, discriminatorWidths, discriminatorHidden, history } = config;
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
