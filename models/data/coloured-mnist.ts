// Coloured MNIST: grey digits tinted with one of ten palette colours, the data set every experiment
// trains on. Two uses:
//   - VAE data (vaeDataset): each image gets a palette colour drawn uniformly at random, so colour and
//     digit are independent factors the model must both encode.
//   - translation domains (translationDomains): domain A paints digit d with colour d, domain B with
//     colour sigma(d); a translation model learns to repaint A as B while keeping the digit.
// Images are stored as (N, 3, 28, 28) float32, channel-major per image (CHW), values in [0, 1].
//
// Domain split: within each digit, that digit's image indices are shuffled with HostRandom(seed)
// (digits 0..9 in turn, one generator), the first ceil(n_d / 2) go to domain A and the rest to
// domain B, so no source image is in both domains and each domain holds half of every digit.
// Call translationDomains on the training set for training and on the test set for held-out metrics.
import { HostRandom, philox4x32 } from '../../engine/random/philox.js';
import { DIGITS, PIXELS, type GreyDigits } from './digits.js';

export const CHANNELS = 3;
export const COLOURED_PIXELS = CHANNELS * PIXELS; // 3 * 784 = 2352 floats per image
const MAX_CHANNEL_VALUE = 255;

export type Rgb = readonly [number, number, number];

/** Ten well-separated colours (RGB 0-255); palette index k is colour k throughout the project. */
export const PALETTE: readonly { name: string; rgb: Rgb }[] = [
  { name: 'red', rgb: [230, 25, 75] },
  { name: 'green', rgb: [60, 180, 75] },
  { name: 'yellow', rgb: [255, 225, 25] },
  { name: 'blue', rgb: [0, 130, 200] },
  { name: 'orange', rgb: [245, 130, 48] },
  { name: 'purple', rgb: [145, 30, 180] },
  { name: 'cyan', rgb: [70, 240, 240] },
  { name: 'magenta', rgb: [240, 50, 230] },
  { name: 'lime', rgb: [210, 245, 60] },
  { name: 'pink', rgb: [250, 190, 212] },
];

/** Palette colour k as [r, g, b] in [0, 1]. */
export function paletteColour(index: number): Rgb {
  const entry = PALETTE[index];
  if (entry === undefined) throw new Error(`paletteColour: index ${index} is not in 0..${PALETTE.length - 1}`);
  const [r, g, b] = entry.rgb;
  return [r / MAX_CHANNEL_VALUE, g / MAX_CHANNEL_VALUE, b / MAX_CHANNEL_VALUE];
}

/** N coloured digits. x is (N, 3, 28, 28); digit, colour (palette index) and source are (N,). */
export interface ColouredDigits {
  x: Float32Array;
  digit: Uint8Array;
  colour: Uint8Array;
  /** Index of each image in the grey set it was made from. */
  source: Uint32Array;
  count: number;
}

/** One grey image (784) tinted: x[c, h, w] = grey[h, w] * colour[c], returned as (3, 28, 28). */
export function colourise(grey: Float32Array, colour: Rgb): Float32Array {
  if (grey.length !== PIXELS) throw new Error(`colourise: grey image has ${grey.length} pixels, expected ${PIXELS}`);
  const out = new Float32Array(COLOURED_PIXELS);
  colouriseInto(out, 0, grey, 0, colour);
  return out;
}

/** Writes the tinted image of grey[greyOffset .. +784] to out[outOffset .. +3*784]. */
function colouriseInto(out: Float32Array, outOffset: number, grey: Float32Array, greyOffset: number, colour: Rgb): void {
  for (let c = 0; c < CHANNELS; c++) {
    const channelOffset = outOffset + c * PIXELS;
    for (let p = 0; p < PIXELS; p++) out[channelOffset + p] = grey[greyOffset + p] * colour[c];
  }
}

/** Builds coloured images of grey[sources[i]] with palette colour colours[i]. */
function buildColoured(grey: GreyDigits, sources: ArrayLike<number>, colours: ArrayLike<number>): ColouredDigits {
  const count = sources.length;
  const data: ColouredDigits = {
    x: new Float32Array(count * COLOURED_PIXELS),
    digit: new Uint8Array(count),
    colour: Uint8Array.from(colours),
    source: Uint32Array.from(sources),
    count,
  };
  for (let i = 0; i < count; i++) {
    const source = data.source[i];
    data.digit[i] = grey.labels[source];
    colouriseInto(data.x, i * COLOURED_PIXELS, grey.images, source * PIXELS, paletteColour(data.colour[i]));
  }
  return data;
}

/** Every grey image, in order, with a palette colour drawn uniformly by HostRandom(seed). */
export function vaeDataset(grey: GreyDigits, seed: number): ColouredDigits {
  const random = new HostRandom(seed);
  const sources = Uint32Array.from({ length: grey.count }, (_, i) => i);
  const colours = Uint8Array.from({ length: grey.count }, () => random.int(PALETTE.length));
  return buildColoured(grey, sources, colours);
}

export interface TranslationOptions {
  /** sigma: domain B paints digit d with palette colour sigma(d). A permutation of 0..9 with no fixed point. */
  permutation?: (digit: number) => number;
  seed: number;
}

export const DEFAULT_PERMUTATION = (digit: number): number => (digit + 1) % DIGITS;

/** Domain A (digit d in colour d) and domain B (digit d in colour sigma(d)) from disjoint halves of `grey`. */
export function translationDomains(grey: GreyDigits, options: TranslationOptions): { a: ColouredDigits; b: ColouredDigits } {
  const sigma = permutationTable(options.permutation ?? DEFAULT_PERMUTATION);
  const { a, b } = splitHalvesByDigit(grey, options.seed);
  const identityColour = (sources: number[]) => sources.map((s) => grey.labels[s]);
  const sigmaColour = (sources: number[]) => sources.map((s) => sigma[grey.labels[s]]);
  return { a: buildColoured(grey, a, identityColour(a)), b: buildColoured(grey, b, sigmaColour(b)) };
}

/** sigma(0..9) as a table, after checking it is a permutation of 0..9 with no fixed point. */
function permutationTable(permutation: (digit: number) => number): number[] {
  const table = Array.from({ length: DIGITS }, (_, d) => permutation(d));
  const sorted = [...table].sort((p, q) => p - q);
  if (sorted.some((value, i) => value !== i)) {
    throw new Error(`translationDomains: permutation must map 0..${DIGITS - 1} onto itself one-to-one, got [${table.join(', ')}]`);
  }
  const fixed = table.findIndex((value, d) => value === d);
  if (fixed >= 0) {
    throw new Error(
      `translationDomains: permutation must have no fixed point, but sigma(${fixed}) = ${fixed} ([${table.join(', ')}]); ` +
        `domain B would paint digit ${fixed} in its own colour`,
    );
  }
  return table;
}

/** Per digit: shuffle its indices, first ceil(n_d / 2) to a, the rest to b; each half sorted ascending. */
function splitHalvesByDigit(grey: GreyDigits, seed: number): { a: number[]; b: number[] } {
  const random = new HostRandom(seed);
  const a: number[] = [];
  const b: number[] = [];
  for (let digit = 0; digit < DIGITS; digit++) {
    const indices: number[] = [];
    grey.labels.forEach((label, i) => label === digit && indices.push(i));
    random.shuffle(indices);
    const half = Math.ceil(indices.length / 2);
    a.push(...indices.slice(0, half));
    b.push(...indices.slice(half));
  }
  const ascending = (p: number, q: number) => p - q;
  return { a: a.sort(ascending), b: b.sort(ascending) };
}

export interface Batch {
  /** (size, 3, 28, 28), a fresh copy owned by the caller. */
  x: Float32Array;
  digit: Uint8Array;
  colour: Uint8Array;
  /** Row of each batch image in the data set. */
  indices: Int32Array;
  size: number;
}

export interface BatchOptions {
  batchSize: number;
  seed: number;
  epoch: number;
  /** Skip the last batch when it would be smaller than batchSize. */
  dropLast?: boolean;
}

/** Second key word that marks the epoch-seed derivation, so it never reads a HostRandom stream (key word 0). */
const EPOCH_SEED_KEY = 0x45504f43; // 'EPOC'

/**
 * The seed of one epoch's shuffle: word 0 of Philox(counter [epoch, 0, 0, 0], key [seed, EPOCH_SEED_KEY]).
 * Unlike seed + epoch, (seed 1, epoch 0) and (seed 0, epoch 1) give unrelated orders.
 */
export function epochSeed(seed: number, epoch: number): number {
  return philox4x32([epoch, 0, 0, 0], [seed, EPOCH_SEED_KEY])[0];
}

/**
 * Batches over a shuffled order of the whole data set: every image exactly once per epoch, a new
 * order for each (seed, epoch). Each batch is copied out when it is yielded, so the iterator holds
 * at most one batch of pixels beyond the data set itself.
 */
export function* batches(data: ColouredDigits, options: BatchOptions): Generator<Batch> {
  const { batchSize, seed, epoch, dropLast = false } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batches: batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`batches: epoch must be a non-negative integer, got ${epoch}`);
  const order = Int32Array.from({ length: data.count }, (_, i) => i);
  new HostRandom(epochSeed(seed, epoch)).shuffle(order);
  for (let start = 0; start < data.count; start += batchSize) {
    const indices = order.subarray(start, Math.min(start + batchSize, data.count));
    if (dropLast && indices.length < batchSize) return;
    yield gatherBatch(data, indices);
  }
}

function gatherBatch(data: ColouredDigits, indices: Int32Array): Batch {
  const size = indices.length;
  const x = new Float32Array(size * COLOURED_PIXELS);
  indices.forEach((row, i) => x.set(data.x.subarray(row * COLOURED_PIXELS, (row + 1) * COLOURED_PIXELS), i * COLOURED_PIXELS));
  return {
    x,
    digit: Uint8Array.from(indices, (row) => data.digit[row]),
    colour: Uint8Array.from(indices, (row) => data.colour[row]),
    indices: Int32Array.from(indices),
    size,
  };
}
