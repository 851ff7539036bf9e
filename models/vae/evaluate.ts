// Measuring a trained VAE on held-out images:
//   - the test loss terms (negative ELBO in nats per image; discrete codes relaxed at the given temperature);
//   - the encodings (means mu, argmax category of each variable) and the colour of each reconstruction,
//     decoded from the most likely code (mu and the argmax one-hots);
//   - for each categorical variable, the accuracy of mapping each category to the majority palette
//     colour (and digit) of the test images that select it.
import * as E from '../../engine/index.js';
import { COLOURED_PIXELS, PALETTE, type ColouredDigits } from '../data/coloured-mnist.js';
import { DIGITS } from '../data/digits.js';
import { imageColours } from '../colour.js';
import { lossTerms, type Vae } from './model.js';
import { IMAGE_SHAPE } from './networks.js';
import { stackTerms, termValues, type LossValues } from './train.js';

export interface TestEvaluation {
  count: number;
  /** mean loss terms over the set, nats per image */
  loss: LossValues;
  /** (count, L) posterior means; null without a continuous latent */
  mu: Float32Array | null;
  /** (count, N) argmax category of each variable; null without a discrete latent */
  categories: Int32Array | null;
  /** (count) palette colour of each reconstruction */
  reconstructionColours: Int32Array;
  /** indices of the images whose reconstructions are kept for figures */
  keptIndices: number[];
  /** (keptIndices.length, 3, 28, 28) their reconstructions */
  reconstructions: Float32Array;
}

/** `count` indices spread evenly over 0 .. total - 1 (the embedded test set is ordered by digit). */
export function spreadIndices(count: number, total: number): number[] {
  return Array.from({ length: Math.min(count, total) }, (_, j) => Math.floor((j * total) / Math.min(count, total)));
}

/** Runs the whole set through the model in batches, without gradients; keeps `keep` reconstructions spread over the set. */
export async function evaluateSet(model: Vae, data: ColouredDigits, batchSize: number, tau: number, keep = 0): Promise<TestEvaluation> {
  const keptIndices = spreadIndices(keep, data.count);
  const { latent, variables, categories: K } = model.config;
  const out: TestEvaluation = {
    count: data.count,
    loss: termValues([0, 0, 0, 0, 0]),
    mu: model.hasContinuous ? new Float32Array(data.count * latent) : null,
    categories: model.hasDiscrete ? new Int32Array(data.count * variables) : null,
    reconstructionColours: new Int32Array(data.count),
    keptIndices,
    reconstructions: new Float32Array(keptIndices.length * COLOURED_PIXELS),
  };
  const sums = new Float64Array(5);
  for (let start = 0; start < data.count; start += batchSize) {
    const size = Math.min(batchSize, data.count - start);
    const pixels = data.x.subarray(start * COLOURED_PIXELS, (start + size) * COLOURED_PIXELS);
    const batch = await evaluateBatch(model, pixels, size, tau);
    batch.terms.forEach((value, i) => (sums[i] += value * size));
    if (out.mu && batch.mu) out.mu.set(batch.mu, start * latent);
    if (out.categories && batch.logits) out.categories.set(argmaxPerVariable(batch.logits, size, variables, K), start * variables);
    out.reconstructionColours.set(imageColours(batch.reconstruction), start);
    keptIndices.forEach((index, j) => {
      if (index < start || index >= start + size) return;
      const row = index - start;
      out.reconstructions.set(batch.reconstruction.subarray(row * COLOURED_PIXELS, (row + 1) * COLOURED_PIXELS), j * COLOURED_PIXELS);
    });
  }
  out.loss = termValues(Array.from(sums, (s) => s / data.count));
  return out;
}

interface BatchEvaluation {
  terms: Float32Array | Float64Array;
  mu: Float32Array | Float64Array | null;
  logits: Float32Array | Float64Array | null;
  reconstruction: Float32Array;
}

async function evaluateBatch(model: Vae, pixels: Float32Array, size: number, tau: number): Promise<BatchEvaluation> {
  const result = E.noGrad(() =>
    E.tidy(() => {
      const x = E.tensor(pixels, [size, ...IMAGE_SHAPE]);
      const encoding = model.encode(x);
      const logits = model.decode(model.sampleCode(encoding, tau));
      const terms = stackTerms(lossTerms(logits, x, encoding, model.config.categories));
      const reconstruction = E.sigmoid(model.decode(model.modeCode(encoding)));
      return { terms, mu: encoding.mu ?? null, logits: encoding.logits ?? null, reconstruction };
    }),
  );
  const read = async (t: E.Tensor | null) => (t ? await t.toArray() : null);
  const evaluation: BatchEvaluation = {
    terms: (await read(result.terms))!,
    mu: await read(result.mu),
    logits: await read(result.logits),
    reconstruction: Float32Array.from((await read(result.reconstruction))!),
  };
  for (const t of Object.values(result)) t?.dispose();
  return evaluation;
}

/** logits (B, N*K) -> (B, N) index of the largest logit of each variable. */
export function argmaxPerVariable(logits: ArrayLike<number>, B: number, N: number, K: number): Int32Array {
  const out = new Int32Array(B * N);
  for (let i = 0; i < B * N; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (logits[i * K + k] > logits[i * K + best]) best = k;
    out[i] = best;
  }
  return out;
}

/** The fraction of images whose reconstruction has the input's colour. */
export function reconstructionKeepsColour(evaluation: TestEvaluation, data: ColouredDigits): number {
  let kept = 0;
  evaluation.reconstructionColours.forEach((colour, i) => (kept += colour === data.colour[i] ? 1 : 0));
  return kept / data.count;
}

export interface MajorityAccuracy {
  /** per variable: the fraction of images whose label is the majority label of their category */
  perVariable: number[];
  /** per variable, per category: the majority label (-1 for a category no image selects) */
  majority: number[][];
  best: number;
  bestVariable: number;
}

/**
 * For each categorical variable: map each category to the most common label (colour or digit) among
 * the images that select it, and count how many images that mapping labels correctly.
 */
export function majorityAccuracy(categories: Int32Array, N: number, K: number, labels: ArrayLike<number>, labelCount: number): MajorityAccuracy {
  const count = labels.length;
  if (categories.length !== count * N) throw new Error(`majorityAccuracy: ${categories.length} categories for ${count} images of ${N} variables`);
  const perVariable: number[] = [];
  const majority: number[][] = [];
  for (let v = 0; v < N; v++) {
    const table = Array.from({ length: K }, () => new Array<number>(labelCount).fill(0)); // (K, labels)
    for (let i = 0; i < count; i++) table[categories[i * N + v]][labels[i]] += 1;
    majority.push(table.map((row) => (row.some((n) => n > 0) ? row.indexOf(Math.max(...row)) : -1)));
    perVariable.push(table.reduce((hits, row) => hits + Math.max(...row), 0) / count);
  }
  const best = Math.max(...perVariable);
  return { perVariable, majority, best, bestVariable: perVariable.indexOf(best) };
}

/** Colour and digit majority accuracies of each variable (see majorityAccuracy). */
export function variableAccuracies(evaluation: TestEvaluation, data: ColouredDigits, N: number, K: number) {
  if (!evaluation.categories) return null;
  return {
    colour: majorityAccuracy(evaluation.categories, N, K, data.colour, PALETTE.length),
    digit: majorityAccuracy(evaluation.categories, N, K, data.digit, DIGITS),
  };
}

/** How many distinct category combinations the encoder picks over the set. */
export function combinationsUsed(categories: Int32Array, N: number): number {
  const seen = new Set<string>();
  for (let i = 0; i < categories.length; i += N) seen.add(categories.subarray(i, i + N).join(','));
  return seen.size;
}
