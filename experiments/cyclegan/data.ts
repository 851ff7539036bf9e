// Which images of the coloured domains a CycleGAN run trains on, validates on and is judged on. The
// training images are a seeded subset of the training split's domain; the validation images are further
// images of the training split that the run does not train on (never the held-out test split, whose
// images give the reported metrics); the held-out images are a seeded subset of the test split's domain.
// The validation images pick the epoch a run reports (selectedEpoch), by a score that reads no label.
import { HostRandom } from '../../engine/random/philox.js';
import { COLOURED_PIXELS, type ColouredDigits } from '../../models/data/coloured-mnist.js';
import type { Images } from '../../models/cyclegan/shape-labels.js';

/** The rows of `data` at `rows` (ascending), as a data set of their own. */
export function pickRows(data: ColouredDigits, rows: readonly number[]): ColouredDigits {
  return {
    x: imageRows(data.x, rows),
    digit: Uint8Array.from(rows, (r) => data.digit[r]),
    colour: Uint8Array.from(rows, (r) => data.colour[r]),
    source: Uint32Array.from(rows, (r) => data.source[r]),
    count: rows.length,
  };
}

/** `count` of the rows 0..total-1 chosen uniformly by HostRandom(seed), ascending (0 or more than there are: all). */
export function subsetRows(total: number, count: number, seed: number): number[] {
  const order = Array.from({ length: total }, (_, i) => i);
  if (count <= 0 || count >= total) return order;
  new HostRandom(seed).shuffle(order);
  return order.slice(0, count).sort((p, q) => p - q);
}

/** `count` images of `data` chosen uniformly by HostRandom(seed), kept in their original order (0 or more than there are: all). */
export function subsetOf(data: ColouredDigits, count: number, seed: number): ColouredDigits {
  return count <= 0 || count >= data.count ? data : pickRows(data, subsetRows(data.count, count, seed));
}

/**
 * A domain's training and validation images: training is subsetOf(data, images, seed) as before; the
 * validation images (`validation` of them, chosen by HostRandom(seed + VALIDATION_SEED_OFFSET)) come from
 * the rows training leaves out. When training takes every row (images 0), the validation rows are taken
 * out of training instead. validation 0: no validation set.
 */
export function trainingAndValidation(data: ColouredDigits, images: number, validation: number, seed: number): { train: ColouredDigits; validation: ColouredDigits | null } {
  if (validation <= 0) return { train: subsetOf(data, images, seed), validation: null };
  const trainRows = subsetRows(data.count, images, seed);
  const usesAll = trainRows.length === data.count;
  const unused = usesAll ? trainRows : complement(trainRows, data.count);
  if (unused.length < validation + (usesAll ? 1 : 0)) {
    throw new Error(`cyclegan: ${validation} validation images per domain need ${validation} training-split images the run does not train on; ${unused.length - (usesAll ? 1 : 0)} are left`);
  }
  const chosen = subsetRows(unused.length, validation, seed + VALIDATION_SEED_OFFSET).map((i) => unused[i]);
  const chosenSet = new Set(chosen);
  return {
    train: usesAll ? pickRows(data, trainRows.filter((row) => !chosenSet.has(row))) : pickRows(data, trainRows),
    validation: pickRows(data, chosen),
  };
}

/**
 * What the label-free labeller (models/cyclegan/shape-labels.ts) trains on: every image of a domain's
 * training split except its validation images (matched by source row), as images alone, so that no
 * digit or colour label can travel further.
 */
export function imagesBesides(data: ColouredDigits, validation: ColouredDigits): Images {
  const excluded = new Set(validation.source);
  const rows = Array.from({ length: data.count }, (_, row) => row).filter((row) => !excluded.has(data.source[row]));
  return { x: imageRows(data.x, rows), count: rows.length };
}

/** The images at `rows` of coloured images x (N, 3, 28, 28), copied in that order. */
function imageRows(x: Float32Array, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * COLOURED_PIXELS);
  rows.forEach((row, i) => out.set(x.subarray(row * COLOURED_PIXELS, (row + 1) * COLOURED_PIXELS), i * COLOURED_PIXELS));
  return out;
}

/** The images of a data set without its labels. */
export function imagesOf(data: ColouredDigits): Images {
  return { x: data.x, count: data.count };
}

/** Offsets the validation draw's seed from the training subset's (seed) and domain B's (seed + 1). */
const VALIDATION_SEED_OFFSET = 2;

function complement(rows: readonly number[], total: number): number[] {
  const taken = new Set(rows);
  return Array.from({ length: total }, (_, i) => i).filter((i) => !taken.has(i));
}

/** The epoch with the highest val_score (the earliest of equals), or null without validation metrics. */
export function selectedEpoch(history: Record<string, number>[]): Record<string, number> | null {
  let best: Record<string, number> | null = null;
  for (const record of history) if (typeof record.val_score === 'number' && (!best || record.val_score > best.val_score)) best = record;
  return best;
}
