// The colour of an image: which palette colour a coloured digit (real or generated) is painted in.
// Colour metrics of every model (reconstruction keeps colour, colour control, CycleGAN's repainting)
// use this one rule:
//   1. weight each pixel by its brightness b = max(r, g, b) and take the weighted mean RGB
//        m = sum_p b_p rgb_p / sum_p b_p
//      so the bright strokes count and the dim anti-aliased edges and the background barely do;
//   2. scale m so its largest channel is 1 (the colour's hue and saturation, not its brightness);
//   3. pick the palette colour nearest to m (Euclidean in RGB), each palette colour scaled the same way.
// A tinted digit has pixels g_p c, so m is proportional to c and step 2 gives exactly c / max(c): every
// real image gets its true colour. (A plain mean of pixels above a threshold confuses yellow with lime.)
import { CHANNELS, COLOURED_PIXELS, PALETTE, paletteColour, type Rgb } from './data/coloured-mnist.js';
import { PIXELS } from './data/digits.js';

/** What imageColour returns for an image with no bright pixel at all (all zero): no colour. */
export const NO_COLOUR = -1;

/** An RGB triple divided by its largest channel (so that channel is 1); black stays black. */
export function scaleToUnitMax([r, g, b]: Rgb): Rgb {
  const largest = Math.max(r, g, b);
  return largest > 0 ? [r / largest, g / largest, b / largest] : [0, 0, 0];
}

/** The palette colours scaled to a largest channel of 1, computed once. */
const SCALED_PALETTE: readonly Rgb[] = PALETTE.map((_, k) => scaleToUnitMax(paletteColour(k)));

/**
 * The brightness-weighted mean RGB of one image x[offset .. offset + 3*784), laid out (3, 28, 28),
 * or null when every pixel is black.
 */
export function weightedMeanRgb(x: Float32Array, offset = 0): Rgb | null {
  if (offset < 0 || offset + COLOURED_PIXELS > x.length) {
    throw new Error(`weightedMeanRgb: image at offset ${offset} does not fit in ${x.length} values (an image is ${COLOURED_PIXELS})`);
  }
  const sums = [0, 0, 0];
  let totalWeight = 0;
  for (let p = 0; p < PIXELS; p++) {
    const r = x[offset + p];
    const g = x[offset + PIXELS + p];
    const b = x[offset + 2 * PIXELS + p];
    const weight = Math.max(r, g, b, 0); // brightness; a negative value (never in [0, 1] images) weighs 0
    sums[0] += weight * r;
    sums[1] += weight * g;
    sums[2] += weight * b;
    totalWeight += weight;
  }
  if (totalWeight === 0) return null;
  return [sums[0] / totalWeight, sums[1] / totalWeight, sums[2] / totalWeight];
}

/** Index of the palette colour nearest to `rgb` once both are scaled to a largest channel of 1. */
export function nearestPaletteColour(rgb: Rgb): number {
  const scaled = scaleToUnitMax(rgb);
  let best = 0;
  let bestDistance = Infinity;
  SCALED_PALETTE.forEach((colour, k) => {
    const distance = (colour[0] - scaled[0]) ** 2 + (colour[1] - scaled[1]) ** 2 + (colour[2] - scaled[2]) ** 2;
    if (distance < bestDistance) [best, bestDistance] = [k, distance];
  });
  return best;
}

/** The palette index of the image x[offset .. offset + 3*784) (CHW), or NO_COLOUR if it is all black. */
export function imageColour(x: Float32Array, offset = 0): number {
  const mean = weightedMeanRgb(x, offset);
  return mean === null ? NO_COLOUR : nearestPaletteColour(mean);
}

/** The colour of each image of a batch x (N, 3, 28, 28): an (N,) array of palette indices (or NO_COLOUR). */
export function imageColours(x: Float32Array): Int32Array {
  if (x.length % COLOURED_PIXELS !== 0) {
    throw new Error(`imageColours: ${x.length} values are not a whole number of ${CHANNELS}x28x28 images (${COLOURED_PIXELS} each)`);
  }
  const count = x.length / COLOURED_PIXELS;
  return Int32Array.from({ length: count }, (_, i) => imageColour(x, i * COLOURED_PIXELS));
}

/** The fraction of images in x (N, 3, 28, 28) whose colour is expected[i] (one expected colour, or one per image). */
export function colourAccuracy(x: Float32Array, expected: number | ArrayLike<number>): number {
  const colours = imageColours(x);
  if (colours.length === 0) throw new Error('colourAccuracy: no images');
  if (typeof expected !== 'number' && expected.length !== colours.length) {
    throw new Error(`colourAccuracy: ${colours.length} images but ${expected.length} expected colours`);
  }
  const want = (i: number) => (typeof expected === 'number' ? expected : expected[i]);
  let hits = 0;
  colours.forEach((colour, i) => (hits += colour === want(i) ? 1 : 0));
  return hits / colours.length;
}

/** A palette colour given by name ('red') or index ('0'), as on a command line. */
export function parsePaletteColour(text: string): number {
  const byName = PALETTE.findIndex(({ name }) => name === text.trim().toLowerCase());
  if (byName >= 0) return byName;
  const index = Number(text);
  if (text.trim() !== '' && Number.isInteger(index) && index >= 0 && index < PALETTE.length) return index;
  const names = PALETTE.map(({ name }, k) => `${k} ${name}`).join(', ');
  throw new Error(`parsePaletteColour: "${text}" is not a palette colour (use a name or an index: ${names})`);
}
