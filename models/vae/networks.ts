// The encoder and decoder networks of the VAEs, in two variants:
//   mlp   the assignment's: encoder 2352 -> 512 -> 256 -> out, decoder in -> 256 -> 512 -> 2352 (ReLU between)
//   conv       the assignment's improvement (more conv layers, no max pooling): strided convolutions downsample
//              encoder (3, 28, 28) -conv k4 s2 p1-> (32, 14, 14) -conv k4 s2 p1-> (64, 7, 7) -> flatten -> linear -> out
//              decoder in -> linear -> (64, 7, 7) -convT k4 s2 p1-> (32, 14, 14) -convT k4 s2 p1-> (3, 28, 28)
//   conv-pool  what the improvement removed: max pooling downsamples, the convolutions keep the size
//              encoder (3, 28, 28) -conv k3 p1, maxpool 2-> (32, 14, 14) -conv k3 p1, maxpool 2-> (64, 7, 7) -> ... as conv
//              decoder as conv
//   conv-deep  conv with one more convolution per side, at 7 x 7: conv k3 p1 (64 -> 64) after the encoder's
//              second convolution, convT k3 p1 (64 -> 64) before the decoder's first
// ReLU follows every convolution but the decoder's last.
// Encoders take images (B, 3, 28, 28) and return (B, out); decoders take codes (B, in) and return
// logits (B, 3, 28, 28): the sigmoid of the assignment's decoder is folded into the loss (bceWithLogits).
// Two decoder kinds:
//   plain   the variant's decoder, three output channels (the assignment's)
//   tinted  the variant's decoder with one output channel, a brightness map a (B, 1, 28, 28), and a linear
//           map of the code to one colour b (B, 3) per image: pixel p = sigmoid(a) sigmoid(b_c), the way the
//           data were made (a grey digit times a colour). A plain MLP decoder has to learn colour x shape
//           with its hidden units; this one gets colour from 3 numbers, which is what makes the colour
//           controllable early in training (docs/results-vae.md).
//   tinted-split  as tinted, but the colour b reads only the code's first categorical variable (K one-hot
//           entries) while the brightness map reads the whole code: the colour can then only come from that
//           variable, which makes it the model's colour knob (discrete and joint models).
import * as E from '../../engine/index.js';
import { CHANNELS, COLOURED_PIXELS } from '../data/coloured-mnist.js';
import { IMAGE_SIDE } from '../data/digits.js';

const { nn } = E;

export type Variant = 'mlp' | 'conv' | 'conv-pool' | 'conv-deep';
export const VARIANTS: readonly Variant[] = ['mlp', 'conv', 'conv-pool', 'conv-deep'];
export type DecoderKind = 'plain' | 'tinted' | 'tinted-split';
export const DECODER_KINDS: readonly DecoderKind[] = ['plain', 'tinted', 'tinted-split'];

/** The part of the code a tinted decoder's colour head reads: `length` entries from `start`. */
export interface CodeSlice {
  start: number;
  length: number;
}

/** The assignment's MLP hidden sizes, encoder order (the decoder mirrors them). */
export const MLP_HIDDEN = [512, 256] as const;
/** Channels of the conv variant after its first and second stride-2 convolution. */
export const CONV_CHANNELS = [32, 64] as const;
const CONV_KERNEL = 4;
const CONV_STRIDE = 2;
const CONV_PADDING = 1; // with k4 s2 this halves the side exactly: 28 -> 14 -> 7
const CONV_SIDE = IMAGE_SIDE / CONV_STRIDE ** CONV_CHANNELS.length; // 7
const CONV_FEATURES = CONV_CHANNELS[CONV_CHANNELS.length - 1] * CONV_SIDE * CONV_SIDE; // 64 * 7 * 7 = 3136

/** One image, (C, H, W) = (3, 28, 28). */
export const IMAGE_SHAPE: [number, number, number] = [CHANNELS, IMAGE_SIDE, IMAGE_SIDE];
const convOptions = { stride: CONV_STRIDE, padding: CONV_PADDING };
/** The size-keeping convolutions of conv-pool and conv-deep: k3, stride 1, padding 1. */
const SAME_KERNEL = 3;
const sameOptions = { stride: 1, padding: 1 };

/** Images (B, 3, 28, 28) -> features (B, outFeatures). */
export function encoderNetwork(variant: Variant, outFeatures: number): E.nn.Module {
  if (variant === 'mlp') {
    const [h1, h2] = MLP_HIDDEN;
    return new nn.Sequential(
      new nn.Flatten(),
      new nn.Linear(COLOURED_PIXELS, h1),
      new nn.ReLU(),
      new nn.Linear(h1, h2),
      new nn.ReLU(),
      new nn.Linear(h2, outFeatures),
    );
  }
  const [c1, c2] = CONV_CHANNELS;
  const downsampling =
    variant === 'conv-pool'
      ? [
          new nn.Conv2d(CHANNELS, c1, SAME_KERNEL, sameOptions),
          new nn.ReLU(),
          new nn.MaxPool2d({ kernel: CONV_STRIDE }),
          new nn.Conv2d(c1, c2, SAME_KERNEL, sameOptions),
          new nn.ReLU(),
          new nn.MaxPool2d({ kernel: CONV_STRIDE }),
        ]
      : [new nn.Conv2d(CHANNELS, c1, CONV_KERNEL, convOptions), new nn.ReLU(), new nn.Conv2d(c1, c2, CONV_KERNEL, convOptions), new nn.ReLU()];
  const deeper = variant === 'conv-deep' ? [new nn.Conv2d(c2, c2, SAME_KERNEL, sameOptions), new nn.ReLU()] : [];
  return new nn.Sequential(...downsampling, ...deeper, new nn.Flatten(), new nn.Linear(CONV_FEATURES, outFeatures));
}

/**
 * Codes (B, inFeatures) -> image logits (B, 3, 28, 28), plain or tinted; `colourInput` is the slice of the
 * code a tinted decoder paints from (default: all of it).
 */
export function decoderNetwork(variant: Variant, inFeatures: number, kind: DecoderKind = 'plain', colourInput?: CodeSlice, colourScale = 1): E.nn.Module {
  if (kind === 'plain') return variantDecoder(variant, inFeatures, CHANNELS);
  return new TintedDecoder(variant, inFeatures, colourInput, colourScale);
}

/** Codes (B, inFeatures) -> logits (B, channels, 28, 28). */
function variantDecoder(variant: Variant, inFeatures: number, channels: number): E.nn.Module {
  if (variant === 'mlp') {
    const [h1, h2] = MLP_HIDDEN;
    return new nn.Sequential(
      new nn.Linear(inFeatures, h2),
      new nn.ReLU(),
      new nn.Linear(h2, h1),
      new nn.ReLU(),
      new nn.Linear(h1, channels * IMAGE_SIDE * IMAGE_SIDE),
      new nn.Unflatten(1, [channels, IMAGE_SIDE, IMAGE_SIDE]),
    );
  }
  const [c1, c2] = CONV_CHANNELS;
  const deeper = variant === 'conv-deep' ? [new nn.ConvTranspose2d(c2, c2, SAME_KERNEL, sameOptions), new nn.ReLU()] : [];
  return new nn.Sequential(
    new nn.Linear(inFeatures, CONV_FEATURES),
    new nn.ReLU(),
    new nn.Unflatten(1, [c2, CONV_SIDE, CONV_SIDE]),
    ...deeper,
    new nn.ConvTranspose2d(c2, c1, CONV_KERNEL, convOptions),
    new nn.ReLU(),
    new nn.ConvTranspose2d(c1, channels, CONV_KERNEL, convOptions),
  );
}

/** log sigmoid(x) = -softplus(-x), finite for any finite x. */
function logSigmoid(x: E.Tensor): E.Tensor {
  return E.neg(E.softplus(E.neg(x)));
}

/** log(exp(x) + exp(y)) without overflow: m + log(exp(x - m) + exp(y - m)), m = max(x, y) (no gradient needed through m). */
function logAddExp(x: E.Tensor, y: E.Tensor): E.Tensor {
  const m = E.detach(E.maximum(x, y));
  return E.add(m, E.log(E.add(E.exp(E.sub(x, m)), E.exp(E.sub(y, m)))));
}

/**
 * The tinted decoder: codes (B, in) -> logits (B, 3, 28, 28) of p = sigmoid(a) sigmoid(b_c), with a the
 * brightness map and b the colour. The logits are log p - log(1 - p), where
 *   log p       = log sigmoid(a) + log sigmoid(b)
 *   log (1 - p) = log(sigmoid(-a) + sigmoid(a) sigmoid(-b))   (1 - s(a) s(b), written as a sum of two
 *                 positive terms, so nothing cancels even when p rounds to 1 in float32)
 *
 * The colour logits are b = s (W c + w0), c the colour head's slice of the code, s = `colourScale`. Why s:
 * Adam moves each parameter by about lr per step whatever its gradient, so with a one-hot c (one
 * categorical variable) a colour logit moves at most about 2 lr per step: 20 epochs of 63 steps at lr 1e-3
 * reach |b| ~ 1.3, sigmoid(b) in [0.21, 0.79], and every colour stays halfway to grey (measured: the
 * joint-split run's ten colours all lie in that band, and three of them are named a neighbouring palette
 * colour). Scaling by s lets b move s times as far per step. W and w0 start divided by s, so the initial
 * colours are those of an unscaled head and only the pace changes.
 */
export class TintedDecoder extends nn.Module {
  readonly brightness: E.nn.Module;
  readonly colour: E.nn.Linear;
  readonly colourInput: CodeSlice;

  constructor(
    readonly variant: Variant,
    readonly inFeatures: number,
    colourInput: CodeSlice = { start: 0, length: inFeatures },
    readonly colourScale = 1,
  ) {
    super();
    const { start, length } = colourInput;
    if (!(Number.isInteger(start) && Number.isInteger(length) && start >= 0 && length >= 1 && start + length <= inFeatures)) {
      throw new Error(`TintedDecoder: colour input [${start}, ${start + length}) is not inside the code's ${inFeatures} entries`);
    }
    if (!(Number.isFinite(colourScale) && colourScale > 0)) throw new Error(`TintedDecoder: colour scale must be a positive number, got ${colourScale}`);
    this.colourInput = colourInput;
    this.brightness = this.module('brightness', variantDecoder(variant, inFeatures, 1));
    this.colour = this.module('colour', new nn.Linear(length, CHANNELS));
    if (colourScale !== 1) E.noGrad(() => E.tidy(() => this.colour.parameters().forEach((p) => nn.assign(p, E.div(p, colourScale)))));
  }

  forward(code: E.Tensor): E.Tensor {
    const B = code.shape[0];
    const { start, length } = this.colourInput;
    const colourCode = length === this.inFeatures ? code : E.slice(code, [0, start], [B, length]);
    const a = this.brightness.forward(code) as E.Tensor; // (B, 1, 28, 28)
    const b = E.reshape(this.colourLogits(colourCode), [B, CHANNELS, 1, 1]); // (B, 3, 1, 1)
    const logP = E.add(logSigmoid(a), logSigmoid(b)); // (B, 3, 28, 28) by broadcasting
    const logOneMinusP = logAddExp(logSigmoid(E.neg(a)), E.add(logSigmoid(a), logSigmoid(E.neg(b))));
    return E.sub(logP, logOneMinusP);
  }

  /** The colour head: its slice of the code (B, length) -> colour logits b (B, 3). */
  colourLogits(colourCode: E.Tensor): E.Tensor {
    const b = this.colour.forward(colourCode);
    return this.colourScale === 1 ? b : E.mul(b, this.colourScale);
  }

  describe(): string {
    const scale = this.colourScale === 1 ? '' : `, colour logits x ${this.colourScale}`;
    return `TintedDecoder(${this.variant}, ${this.inFeatures} -> brightness (1, ${IMAGE_SIDE}, ${IMAGE_SIDE}) x colour (${CHANNELS})${scale})`;
  }
}
