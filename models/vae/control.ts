// Colour control: how a user gets new digits in the colour they choose. For each palette colour the
// encoder's view of the images of that colour (the training images by default, see ControlFit) is
// summarised, and new codes are drawn from it:
//   continuous latent  a mixture of Gaussians fitted to those images' means mu, drawn component by
//                      component: pick component j with probability w_j, then z = m_j + chol(S_j) eps.
//                      The mechanisms (ControlMechanism) differ only in the components:
//                        gaussian      one component, the colour's mean and covariance
//                        mixture-k     k-means with k centres within the colour; each cluster one Gaussian,
//                                      weighted by its share of the colour's images
//                        ...-s         (e.g. "gaussian-0.5", "mixture-8-0.5") every covariance times s, so
//                                      samples stay nearer the component's mean: chol(s S) = sqrt(s) chol(S)
//                        means         every fitted image's mu itself (weight 1/n, no spread)
//                      A "kept-" prefix (e.g. "kept-mixture-16") fits only the images whose reconstruction
//                      has their colour, so codes the decoder paints another colour are left out.
//   discrete latent    DiscreteDraw 'variables': for each variable, the frequency of each category among
//                      those images' argmax categories; each variable is drawn independently from its
//                      frequencies. 'combinations': the whole argmax combination of one of those images,
//                      drawn uniformly, so variables that hold the colour together stay together.
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

/** One weighted Gaussian of a colour's mixture; a null factor is a point (no spread). */
export interface ColourComponent {
  weight: number;
  mean: number[];
  cholesky: number[][] | null;
}

export interface ColourControl {
  /** how the summary was made, e.g. "mixture-4 fitted on train" */
  mechanism?: string;
  /** per palette colour, its mixture's components; absent without a continuous latent */
  mixtures?: ColourComponent[][];
  /** per palette colour one Gaussian: what files written before mixtures hold (read as one component) */
  clusters?: ColourCluster[];
  /** per palette colour, per variable, K category frequencies; absent without a discrete latent */
  categoryFrequencies?: number[][][];
  /** per palette colour, the argmax combinations (N categories each) of its fitted images; present with DiscreteDraw 'combinations' */
  combinations?: number[][][];
}

/** How a colour's discrete codes are drawn (see the file's header). */
export type DiscreteDraw = 'variables' | 'combinations';
export const DISCRETE_DRAWS: readonly DiscreteDraw[] = ['variables', 'combinations'];
export const DEFAULT_DISCRETE_DRAW: DiscreteDraw = 'variables';

/** Added to the covariance's diagonal so a colour whose means collapse onto a point still factorises. */
const COVARIANCE_RIDGE = 1e-6;

export const CONTROL_SAMPLES_PER_COLOUR = 100;

/** How a colour's continuous codes are drawn (see the file's header). */
export type ControlMechanism = { kind: 'mixture'; components: number; scale: number } | { kind: 'means' };

/** Which images the summary is fitted to: the training set (honest: control is then measured on new decodes) or the test set. */
export type ControlFit = 'train' | 'test';
export const CONTROL_FITS: readonly ControlFit[] = ['train', 'test'];

export const DEFAULT_CONTROL_MECHANISM = 'kept-mixture-16-0.25';
export const DEFAULT_CONTROL_FIT: ControlFit = 'train';

/** The prefix that restricts a mechanism's fit to the images whose reconstruction keeps their colour. */
const KEPT_PREFIX = 'kept-';

/**
 * "[kept-]gaussian[-<scale>]", "[kept-]mixture-<k>[-<scale>]" or "[kept-]means" -> the mechanism (a
 * gaussian is a mixture of one) and whether the prefix is there; anything else is an error naming it.
 */
export function parseControlMechanism(text: string): { mechanism: ControlMechanism; keptOnly: boolean } {
  const keptOnly = text.startsWith(KEPT_PREFIX);
  return { mechanism: parseMixtureKind(keptOnly ? text.slice(KEPT_PREFIX.length) : text, text), keptOnly };
}

function parseMixtureKind(body: string, text: string): ControlMechanism {
  const [name, ...parameters] = body.split('-');
  const values = parameters.map(Number);
  const positive = values.every((value) => Number.isFinite(value) && value > 0);
  if (positive && name === 'gaussian' && values.length <= 1) return { kind: 'mixture', components: 1, scale: values[0] ?? 1 };
  if (positive && name === 'mixture' && values.length >= 1 && values.length <= 2 && Number.isInteger(values[0])) {
    return { kind: 'mixture', components: values[0], scale: values[1] ?? 1 };
  }
  if (name === 'means' && values.length === 0) return { kind: 'means' };
  throw new Error(`parseControlMechanism: "${text}" is not one of gaussian[-<scale>], mixture-<k>[-<scale>], means (each optionally prefixed "${KEPT_PREFIX}")`);
}

/**
 * Fits each colour's mixture and category frequencies from an evaluation of `data` (the fit set),
 * with the continuous mechanism named by `mechanism` (see parseControlMechanism).
 */
export function fitColourControl(
  model: Vae,
  evaluation: TestEvaluation,
  data: ColouredDigits,
  mechanism = DEFAULT_CONTROL_MECHANISM,
  fit: ControlFit = DEFAULT_CONTROL_FIT,
  discreteDraw: DiscreteDraw = DEFAULT_DISCRETE_DRAW,
): ColourControl {
  const drawn = model.hasDiscrete && discreteDraw === 'combinations' ? ', whole combinations' : '';
  const control: ColourControl = { mechanism: `${mechanism} fitted on ${fit}${drawn}` };
  const { mechanism: kind, keptOnly } = parseControlMechanism(mechanism);
  const all = PALETTE.map((_, c) => [...data.colour.keys()].filter((i) => data.colour[i] === c));
  const empty = all.findIndex((m) => m.length < 2);
  if (empty >= 0) throw new Error(`fitColourControl: fewer than 2 images of colour ${PALETTE[empty].name} to fit its cluster`);
  const members = keptOnly ? all.map((rows) => keptOrAll(rows, evaluation, data)) : all;
  const { latent: L, variables: N, categories: K } = model.config;
  if (evaluation.mu) {
    const mu = evaluation.mu;
    control.mixtures = members.map((rows) => fitMixture(rows.map((i) => Array.from(mu.subarray(i * L, (i + 1) * L))), kind));
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
    if (discreteDraw === 'combinations') control.combinations = members.map((rows) => rows.map((i) => Array.from(categories.subarray(i * N, (i + 1) * N))));
  }
  return control;
}

/**
 * The images among `rows` whose reconstruction has their colour; all of `rows` when fewer than 2 do
 * (a model that never paints the colour has nothing better to offer).
 */
function keptOrAll(rows: number[], evaluation: TestEvaluation, data: ColouredDigits): number[] {
  const kept = rows.filter((i) => evaluation.reconstructionColours[i] === data.colour[i]);
  return kept.length >= 2 ? kept : rows;
}

/** The weighted components that summarise one colour's points (each of length L) under `mechanism`. */
export function fitMixture(points: number[][], mechanism: ControlMechanism): ColourComponent[] {
  switch (mechanism.kind) {
    case 'mixture': {
      const k = Math.min(mechanism.components, points.length); // a colour with fewer points than components: one each
      const { assignment } = kMeans(points, k);
      const groups = Array.from({ length: k }, (_, j) => points.filter((_, i) => assignment[i] === j));
      return groups.filter((group) => group.length > 0).map((group) => gaussianComponent(group, points.length, mechanism.scale));
    }
    case 'means':
      return points.map((mean) => ({ weight: 1 / points.length, mean, cholesky: null }));
  }
}

/**
 * One component of weight n_group / n_total: the group's Gaussian with its covariance times `scale`
 * (chol(s S) = sqrt(s) chol(S)), or a point when the group is a single point.
 */
function gaussianComponent(group: number[][], total: number, scale: number): ColourComponent {
  const weight = group.length / total;
  if (group.length < 2) return { weight, mean: group[0], cholesky: null };
  const { mean, cholesky: C } = fitGaussian(group);
  return { weight, mean, cholesky: C.map((row) => row.map((value) => value * Math.sqrt(scale))) };
}

/** Lloyd's iterations stop once no point changes centre, or after this many rounds. */
const KMEANS_MAX_ROUNDS = 100;

/**
 * k-means (Lloyd's algorithm) on `points`, deterministic: the first centre is the point farthest
 * from the points' mean, each next one the point farthest from the centres chosen so far. Returns the
 * centres (k, L) and each point's centre index; a centre that loses all its points keeps its place.
 */
export function kMeans(points: number[][], k: number): { centres: number[][]; assignment: number[] } {
  if (!Number.isInteger(k) || k < 1 || k > points.length) throw new Error(`kMeans: k must be an integer in 1 .. ${points.length} (the number of points), got ${k}`);
  const L = points[0].length;
  const overallMean = Array.from({ length: L }, (_, d) => points.reduce((s, p) => s + p[d], 0) / points.length);
  const centres = [farthestPoint(points, [overallMean])];
  while (centres.length < k) centres.push(farthestPoint(points, centres));
  let assignment: number[] = [];
  for (let round = 0; round < KMEANS_MAX_ROUNDS; round++) {
    const next = points.map((p) => nearestIndex(p, centres));
    if (next.every((j, i) => j === assignment[i])) break;
    assignment = next;
    centres.forEach((centre, j) => {
      const members = points.filter((_, i) => assignment[i] === j);
      if (members.length > 0) centres[j] = Array.from({ length: L }, (_, d) => members.reduce((s, p) => s + p[d], 0) / members.length);
    });
  }
  return { centres, assignment };
}

function squaredDistance(a: number[], b: number[]): number {
  return a.reduce((s, value, d) => s + (value - b[d]) ** 2, 0);
}

function nearestIndex(point: number[], centres: number[][]): number {
  let best = 0;
  centres.forEach((centre, j) => {
    if (squaredDistance(point, centre) < squaredDistance(point, centres[best])) best = j;
  });
  return best;
}

/** The point whose distance to its nearest reference is largest (the first such point on ties), copied. */
function farthestPoint(points: number[][], references: number[][]): number[] {
  const gap = (p: number[]) => Math.min(...references.map((r) => squaredDistance(p, r)));
  let best = 0;
  points.forEach((p, i) => {
    if (gap(p) > gap(points[best])) best = i;
  });
  return [...points[best]];
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
 * `count` codes (count, codeSize) for palette colour `colour`, drawn from its mixture and category
 * frequencies with the engine's random stream.
 */
export async function colourCodes(model: Vae, control: ColourControl, colour: number, count: number): Promise<Float32Array> {
  const { latent: L, variables: N, categories: K } = model.config;
  const codes = new Float32Array(count * model.codeSize);
  let offset = 0; // where the next part of a code starts
  if (model.hasContinuous) {
    const components = mixtureOf(control, colour);
    const eps = await readAndDispose(E.randn([count, L]));
    // one uniform per code picks its component; a single component needs none (the random stream then
    // matches files written before mixtures)
    const uniforms = components.length > 1 ? await readAndDispose(E.rand([count])) : null;
    const weights = components.map((component) => component.weight);
    for (let i = 0; i < count; i++) {
      const { mean, cholesky: C } = components[uniforms ? drawCategory(weights, uniforms[i]) : 0];
      for (let a = 0; a < L; a++) {
        let z = mean[a];
        if (C) for (let b = 0; b <= a; b++) z += C[a][b] * eps[i * L + b];
        codes[i * model.codeSize + a] = z;
      }
    }
    offset = L;
  }
  if (model.hasDiscrete) {
    const combinations = control.combinations?.[colour];
    const frequencies = control.categoryFrequencies?.[colour];
    if (combinations) {
      if (combinations.length === 0) throw new Error(`colourCodes: the colour control has no combinations for colour ${colour}`);
      const uniforms = await readAndDispose(E.rand([count]));
      for (let i = 0; i < count; i++) {
        const combination = combinations[Math.min(combinations.length - 1, Math.floor(uniforms[i] * combinations.length))];
        combination.forEach((category, v) => (codes[i * model.codeSize + offset + v * K + category] = 1));
      }
    } else {
      if (!frequencies) throw new Error(`colourCodes: the colour control has no category frequencies for colour ${colour}`);
      const uniforms = await readAndDispose(E.rand([count, N]));
      for (let i = 0; i < count; i++) {
        for (let v = 0; v < N; v++) codes[i * model.codeSize + offset + v * K + drawCategory(frequencies[v], uniforms[i * N + v])] = 1;
      }
    }
  }
  return codes;
}

/** The colour's mixture; a file with one Gaussian per colour (clusters) reads as a one-component mixture. */
function mixtureOf(control: ColourControl, colour: number): ColourComponent[] {
  const mixture = control.mixtures?.[colour];
  if (mixture && mixture.length > 0) return mixture;
  const cluster = control.clusters?.[colour];
  if (cluster) return [{ weight: 1, ...cluster }];
  throw new Error(`colourCodes: the colour control has no mixture or cluster for colour ${colour}`);
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
