// Colour control: how a user gets new digits in the colour they choose. For each palette colour the
// encoder's view of the test images of that colour is summarised, and new codes are drawn from it:
//   continuous latent  a Gaussian fitted to those images' means mu (their mean and covariance), i.e.
//                      the colour's cluster in latent space: z = m_c + chol(S_c) eps
//   discrete latent    for each variable, the frequency of each category among those images' argmax
//                      categories; each variable is drawn independently from its frequencies
// (the joint model draws both parts). The summary is plain JSON (colour-control.json in a run), so the
// `sample` command needs only the checkpoint and this file. Colour-control accuracy: decode 100 codes
// per colour and count the decodes whose colour (models/colour.ts) is the one asked for.
import * as E from '../../engine/index.js';
import { COLOURED_PIXELS, PALETTE, type ColouredDigits } from '../data/coloured-mnist.js';
import { colourAccuracy } from '../colour.js';
import type { Vae } from './model.js';
import type { TestEvaluation } from './evaluate.js';

export interface ColourCluster {
  /** (L) mean of the colour's posterior means */
  mean: number[];
  /** (L, L) lower-triangular Cholesky factor of their covariance (plus a small ridge) */
  cholesky: number[][];
}

export interface ColourControl {
  /** per palette colour; absent without a continuous latent */
  clusters?: ColourCluster[];
  /** per palette colour, per variable, K category frequencies; absent without a discrete latent */
  categoryFrequencies?: number[][][];
}

/** Added to the covariance's diagonal so a colour whose means collapse onto a point still factorises. */
const COVARIANCE_RIDGE = 1e-6;

export const CONTROL_SAMPLES_PER_COLOUR = 100;

/** Fits each colour's cluster and category frequencies from a test-set evaluation. */
export function fitColourControl(model: Vae, evaluation: TestEvaluation, data: ColouredDigits): ColourControl {
  const control: ColourControl = {};
  const members = PALETTE.map((_, c) => [...data.colour.keys()].filter((i) => data.colour[i] === c));
  const empty = members.findIndex((m) => m.length < 2);
  if (empty >= 0) throw new Error(`fitColourControl: fewer than 2 images of colour ${PALETTE[empty].name} to fit its cluster`);
  const { latent: L, variables: N, categories: K } = model.config;
  if (evaluation.mu) {
    const mu = evaluation.mu;
    control.clusters = members.map((rows) => fitGaussian(rows.map((i) => Array.from(mu.subarray(i * L, (i + 1) * L)))));
  }
  if (evaluation.categories) {
    const categories = evaluation.categories;
    control.categoryFrequencies = members.map((rows) =>
      Array.from({ length: N }, (_, v) => {
        const counts = new Array<number>(K).fill(0);
        for (const i of rows) counts[categories[i * N + v]] += 1;
        return counts.map((n) => n / rows.length);
      }),
    );
  }
  return control;
}

/** Mean and Cholesky factor of the sample covariance of `points` (each of length L). */
export function fitGaussian(points: number[][]): ColourCluster {
  const n = points.length;
  const L = points[0].length;
  const mean = Array.from({ length: L }, (_, d) => points.reduce((s, p) => s + p[d], 0) / n);
  const covariance = Array.from({ length: L }, (_, a) =>
    Array.from({ length: L }, (_, b) => points.reduce((s, p) => s + (p[a] - mean[a]) * (p[b] - mean[b]), 0) / (n - 1) + (a === b ? COVARIANCE_RIDGE : 0)),
  );
  return { mean, cholesky: cholesky(covariance) };
}

/** Lower-triangular C with C C^T = A, for a symmetric positive definite A (Cholesky-Banachiewicz). */
export function cholesky(A: number[][]): number[][] {
  const L = A.length;
  const C = Array.from({ length: L }, () => new Array<number>(L).fill(0));
  for (let i = 0; i < L; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i][j];
      for (let k = 0; k < j; k++) s -= C[i][k] * C[j][k];
      if (i === j) {
        if (!(s > 0)) throw new Error(`cholesky: matrix is not positive definite (pivot ${i} is ${s})`);
        C[i][i] = Math.sqrt(s);
      } else {
        C[i][j] = s / C[j][j];
      }
    }
  }
  return C;
}

/** Index k with cumulative[k-1] <= u < cumulative[k] for frequencies summing to 1. */
function drawCategory(frequencies: number[], u: number): number {
  let cumulative = 0;
  for (let k = 0; k < frequencies.length; k++) {
    cumulative += frequencies[k];
    if (u < cumulative) return k;
  }
  // u fell past the last cumulative sum by rounding: the last category that has any weight
  let last = frequencies.length - 1;
  while (last > 0 && frequencies[last] === 0) last--;
  return last;
}

/**
 * `count` codes (count, codeSize) for palette colour `colour`, drawn from its cluster and category
 * frequencies with the engine's random stream.
 */
export async function colourCodes(model: Vae, control: ColourControl, colour: number, count: number): Promise<Float32Array> {
  const { latent: L, variables: N, categories: K } = model.config;
  const codes = new Float32Array(count * model.codeSize);
  let offset = 0; // where the next part of a code starts
  if (model.hasContinuous) {
    const { mean, cholesky: C } = clusterOf(control, colour);
    const eps = await readAndDispose(E.randn([count, L]));
    for (let i = 0; i < count; i++) {
      for (let a = 0; a < L; a++) {
        let z = mean[a];
        for (let b = 0; b <= a; b++) z += C[a][b] * eps[i * L + b];
        codes[i * model.codeSize + a] = z;
      }
    }
    offset = L;
  }
  if (model.hasDiscrete) {
    const frequencies = control.categoryFrequencies?.[colour];
    if (!frequencies) throw new Error(`colourCodes: the colour control has no category frequencies for colour ${colour}`);
    const uniforms = await readAndDispose(E.rand([count, N]));
    for (let i = 0; i < count; i++) {
      for (let v = 0; v < N; v++) codes[i * model.codeSize + offset + v * K + drawCategory(frequencies[v], uniforms[i * N + v])] = 1;
    }
  }
  return codes;
}

function clusterOf(control: ColourControl, colour: number): ColourCluster {
  const cluster = control.clusters?.[colour];
  if (!cluster) throw new Error(`colourCodes: the colour control has no cluster for colour ${colour}`);
  return cluster;
}

async function readAndDispose(t: E.Tensor): Promise<Float32Array | Float64Array> {
  const values = await t.toArray();
  t.dispose();
  return values;
}

/** Decoded images (count, 3, 28, 28) in [0, 1] from host codes (count, codeSize). */
export async function decodeCodes(model: Vae, codes: Float32Array): Promise<Float32Array> {
  const count = codes.length / model.codeSize;
  const images = E.noGrad(() => E.tidy(() => E.sigmoid(model.decode(E.tensor(codes, [count, model.codeSize])))));
  return Float32Array.from(await readAndDispose(images));
}

/** Decodes in batches of at most `batchSize` codes, so a large grid never needs one huge buffer. */
export async function decodeCodesBatched(model: Vae, codes: Float32Array, batchSize: number): Promise<Float32Array> {
  const count = codes.length / model.codeSize;
  const images = new Float32Array(count * COLOURED_PIXELS);
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(count, start + batchSize);
    images.set(await decodeCodes(model, codes.subarray(start * model.codeSize, end * model.codeSize)), start * COLOURED_PIXELS);
  }
  return images;
}

/** New digits in palette colour `colour`: (count, 3, 28, 28). */
export async function sampleColour(model: Vae, control: ColourControl, colour: number, count: number): Promise<Float32Array> {
  return decodeCodes(model, await colourCodes(model, control, colour, count));
}

/** Per palette colour: the fraction of `samples` decodes that have that colour; and the samples themselves. */
export async function colourControlAccuracy(model: Vae, control: ColourControl, samples = CONTROL_SAMPLES_PER_COLOUR) {
  const perColour: number[] = [];
  const images: Float32Array[] = [];
  for (let colour = 0; colour < PALETTE.length; colour++) {
    const decoded = await sampleColour(model, control, colour, samples);
    perColour.push(colourAccuracy(decoded, colour));
    images.push(decoded);
  }
  const mean = perColour.reduce((a, b) => a + b, 0) / perColour.length;
  return { perColour, mean, min: Math.min(...perColour), images };
}
