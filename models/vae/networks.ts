// The encoder and decoder networks of the VAEs, in two variants:
//   mlp   the assignment's: encoder 2352 -> 512 -> 256 -> out, decoder in -> 256 -> 512 -> 2352 (ReLU between)
//   conv  the assignment's improvement (more conv layers, no max pooling):
//         encoder (3, 28, 28) -conv k4 s2 p1-> (32, 14, 14) -conv k4 s2 p1-> (64, 7, 7) -> flatten -> linear -> out
//         decoder in -> linear -> (64, 7, 7) -convT k4 s2 p1-> (32, 14, 14) -convT k4 s2 p1-> (3, 28, 28)
// Encoders take images (B, 3, 28, 28) and return (B, out); decoders take codes (B, in) and return
// logits (B, 3, 28, 28): the sigmoid of the assignment's decoder is folded into the loss (bceWithLogits).
import * as E from '../../engine/index.js';
import { CHANNELS, COLOURED_PIXELS } from '../data/coloured-mnist.js';
import { IMAGE_SIDE } from '../data/mnist.js';

const { nn } = E;

export type Variant = 'mlp' | 'conv';
export const VARIANTS: readonly Variant[] = ['mlp', 'conv'];

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
  return new nn.Sequential(
    new nn.Conv2d(CHANNELS, c1, CONV_KERNEL, convOptions),
    new nn.ReLU(),
    new nn.Conv2d(c1, c2, CONV_KERNEL, convOptions),
    new nn.ReLU(),
    new nn.Flatten(),
    new nn.Linear(CONV_FEATURES, outFeatures),
  );
}

/** Codes (B, inFeatures) -> image logits (B, 3, 28, 28). */
export function decoderNetwork(variant: Variant, inFeatures: number): E.nn.Module {
  if (variant === 'mlp') {
    const [h1, h2] = MLP_HIDDEN;
    return new nn.Sequential(
      new nn.Linear(inFeatures, h2),
      new nn.ReLU(),
      new nn.Linear(h2, h1),
      new nn.ReLU(),
      new nn.Linear(h1, COLOURED_PIXELS),
      new nn.Unflatten(1, IMAGE_SHAPE),
    );
  }
  const [c1, c2] = CONV_CHANNELS;
  return new nn.Sequential(
    new nn.Linear(inFeatures, CONV_FEATURES),
    new nn.ReLU(),
    new nn.Unflatten(1, [c2, CONV_SIDE, CONV_SIDE]),
    new nn.ConvTranspose2d(c2, c1, CONV_KERNEL, convOptions),
    new nn.ReLU(),
    new nn.ConvTranspose2d(c1, CHANNELS, CONV_KERNEL, convOptions),
  );
}
