// The figures of a VAE run, each written into the run directory and returned as a report entry:
//   loss curves (negative ELBO, reconstruction, KL; train and test per epoch), reconstructions next to
//   their originals, per-colour samples (the colour-control mechanism), and by latent kind:
//   continuous  the test means, each pair of the first three axes, coloured by palette colour and by class
//               (the digit, or Fashion-MNIST's class name: models/data/names.ts)
//   discrete    decodes of every category combination grouped by the colour each decode has
//   joint       the same groups (continuous part at 0) and traversals: continuous axis x category of the
//               variable that best tracks colour
import { join } from 'node:path';
import { writeText } from '../../engine/io/files.js';
import { writeImageGrid } from '../lib/report/png.js';
import type { ReportFigure } from '../lib/report/report.js';
import { lineChart, scatterPlot, type Series } from '../lib/report/svg.js';
import { HostRandom } from '../../engine/random/philox.js';
import { COLOURED_PIXELS, PALETTE, type ColouredDigits } from '../../models/data/coloured-mnist.js';
import type { DataSetNames } from '../../models/data/names.js';
import { imageColours } from '../../models/colour.js';
import { decodeCodesBatched } from '../../models/vae/control.js';
import type { TestEvaluation } from '../../models/vae/evaluate.js';
import type { Vae } from '../../models/vae/model.js';
import { IMAGE_SHAPE } from '../../models/vae/networks.js';

const GRID_SCALE = 2;
const DECODE_BATCH = 500;
/** Enumerate every combination up to this many; beyond it, draw this many at random. */
export const MAX_COMBINATIONS = 8000;
const EXAMPLES_PER_COLOUR = 16;
const RECONSTRUCTION_COLUMNS = 16;
const TRAVERSAL_STEPS = 9;
const TRAVERSAL_RANGE = 2; // continuous axis values from -2 to 2 (prior standard deviations)
const SCATTER_AXES = 3;

const PALETTE_HEX = PALETTE.map(({ rgb }) => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`);

function grid(dir: string, file: string, images: Float32Array, columns: number, labels: { rows?: string[]; columns?: string[] } = {}): void {
  const count = images.length / COLOURED_PIXELS;
  writeImageGrid(join(dir, file), images, [count, ...IMAGE_SHAPE], { columns, scale: GRID_SCALE, rowLabels: labels.rows, columnLabels: labels.columns });
}

/** One chart per loss term: train and test per epoch. */
export function lossFigures(dir: string, history: Record<string, number>[], hasContinuous: boolean, hasDiscrete: boolean): ReportFigure[] {
  const epochs = history.map((r) => r.epoch);
  const series = (key: string, name: string): Series => ({ name, x: epochs, y: history.map((r) => r[key]) });
  const charts: { file: string; title: string; keys: [string, string][] }[] = [
    { file: 'loss-elbo.svg', title: 'Negative ELBO', keys: [['train_nelbo', 'train'], ['test_nelbo', 'test']] },
    { file: 'loss-reconstruction.svg', title: 'Reconstruction (BCE)', keys: [['train_reconstruction', 'train'], ['test_reconstruction', 'test']] },
  ];
  const klKeys: [string, string][] = [];
  if (hasContinuous) klKeys.push(['train_kl_continuous', 'train, continuous'], ['test_kl_continuous', 'test, continuous']);
  if (hasDiscrete) klKeys.push(['train_kl_discrete', 'train, discrete'], ['test_kl_discrete', 'test, discrete']);
  charts.push({ file: 'loss-kl.svg', title: 'KL divergence', keys: klKeys });
  return charts.map(({ file, title, keys }) => {
    writeText(join(dir, file), lineChart({ title, xLabel: 'epoch', yLabel: 'nats per image', series: keys.map(([k, n]) => series(k, n)) }));
    return { title, file, caption: `${title} per epoch, nats per image (test: the 2,000 held-out images).` };
  });
}

/** Originals (odd rows) above their reconstructions (even rows), decoded from the most likely code. */
export function reconstructionFigure(dir: string, data: ColouredDigits, evaluation: TestEvaluation, keepsColour: number): ReportFigure {
  const indices = evaluation.keptIndices;
  const rows = Math.ceil(indices.length / RECONSTRUCTION_COLUMNS);
  const images = new Float32Array(2 * rows * RECONSTRUCTION_COLUMNS * COLOURED_PIXELS);
  const place = (source: Float32Array, from: number, slot: number) =>
    images.set(source.subarray(from * COLOURED_PIXELS, (from + 1) * COLOURED_PIXELS), slot * COLOURED_PIXELS);
  indices.forEach((index, j) => {
    const [row, column] = [Math.floor(j / RECONSTRUCTION_COLUMNS), j % RECONSTRUCTION_COLUMNS];
    place(data.x, index, 2 * row * RECONSTRUCTION_COLUMNS + column);
    place(evaluation.reconstructions, j, (2 * row + 1) * RECONSTRUCTION_COLUMNS + column);
  });
  const file = 'reconstructions.png';
  grid(dir, file, images, RECONSTRUCTION_COLUMNS, { rows: Array.from({ length: 2 * rows }, (_, i) => (i % 2 === 0 ? 'input' : 'output')) });
  const percent = (100 * keepsColour).toFixed(1);
  return {
    title: 'Reconstructions',
    file,
    caption: `Test images spread over the set (input rows) and their reconstructions from the most likely code; ${percent}% of all 2,000 test reconstructions keep the input's colour.`,
  };
}

/** Per colour, a row of samples drawn with the colour-control mechanism, labelled with its accuracy. */
export function colourSamplesFigure(dir: string, samples: Float32Array[], perColour: number[], file = 'colour-samples.png'): ReportFigure {
  const columns = EXAMPLES_PER_COLOUR;
  const images = new Float32Array(samples.length * columns * COLOURED_PIXELS);
  samples.forEach((s, c) => images.set(s.subarray(0, columns * COLOURED_PIXELS), c * columns * COLOURED_PIXELS));
  const rows = PALETTE.map(({ name }, c) => `${name} ${(100 * perColour[c]).toFixed(0)}%`);
  grid(dir, file, images, columns, { rows });
  const mean = (100 * perColour.reduce((a, b) => a + b, 0)) / perColour.length;
  return {
    title: 'Colour control',
    file,
    caption: `Each row: new images drawn from that colour's region of latent space (see colour-control.json); the label is the fraction of 100 such samples that got the colour asked for (mean ${mean.toFixed(1)}%).`,
  };
}

/** The test set's latents as the latent explorer page reads them (runs/<name>/latents.json). */
export interface LatentsRecord {
  count: number;
  /** L, and the (count, L) posterior means row-major (4 decimals); L 0 without a continuous latent */
  latent: number;
  mu: number[];
  /** N, and the (count, N) argmax category of each variable; N 0 without a discrete latent */
  variables: number;
  categories: number[];
  /** palette colour and digit of each image */
  colour: number[];
  digit: number[];
}

/** Writes the test set's latents (posterior means, argmax categories, colours, digits) to latents.json. */
export function writeLatents(dir: string, evaluation: TestEvaluation, data: ColouredDigits, L: number, N: number): void {
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  const record: LatentsRecord = {
    count: data.count,
    latent: evaluation.mu ? L : 0,
    mu: evaluation.mu ? Array.from(evaluation.mu, round) : [],
    variables: evaluation.categories ? N : 0,
    categories: evaluation.categories ? Array.from(evaluation.categories) : [],
    colour: Array.from(data.colour),
    digit: Array.from(data.digit),
  };
  writeText(join(dir, 'latents.json'), JSON.stringify(record) + '\n');
}

/** The test means, each pair of the first three axes, coloured by palette colour and by class (digit or garment). */
export function latentFigures(dir: string, evaluation: TestEvaluation, data: ColouredDigits, L: number, names: DataSetNames): ReportFigure[] {
  const mu = evaluation.mu;
  if (!mu) return [];
  const axes = Math.min(L, SCATTER_AXES);
  const figures: ReportFigure[] = [];
  for (let a = 0; a < axes; a++) {
    for (let b = a + 1; b < axes; b++) {
      const x = Float32Array.from({ length: data.count }, (_, i) => mu[i * L + a]);
      const y = Float32Array.from({ length: data.count }, (_, i) => mu[i * L + b]);
      for (const by of ['colour', names.item]) {
        const file = `latent-${by}-z${a}-z${b}.svg`;
        const label = Int32Array.from(by === 'colour' ? data.colour : data.digit);
        const svg = scatterPlot({
          title: `Test means by ${by}`,
          xLabel: `z[${a}]`,
          yLabel: `z[${b}]`,
          points: { x, y, label },
          labelNames: by === 'colour' ? PALETTE.map((p) => p.name) : [...names.classes],
          colours: by === 'colour' ? PALETTE_HEX : undefined,
        });
        writeText(join(dir, file), svg);
        const what = by === 'colour' ? 'palette colour' : `${names.title} ${names.item}`;
        figures.push({ title: `Latent space z[${a}], z[${b}] by ${by}`, file, caption: `Posterior means of the ${data.count} test images, coloured by ${what}.` });
      }
    }
  }
  return figures;
}

/** Every combination of N categories of K (or MAX_COMBINATIONS random ones), (count, N). */
export function categoryCombinations(N: number, K: number): Int32Array[] {
  const total = K ** N;
  if (total <= MAX_COMBINATIONS) {
    return Array.from({ length: total }, (_, index) => Int32Array.from({ length: N }, (_, v) => Math.floor(index / K ** (N - 1 - v)) % K));
  }
  const random = new HostRandom(0);
  return Array.from({ length: MAX_COMBINATIONS }, () => Int32Array.from({ length: N }, () => random.int(K)));
}

/** Codes (count, codeSize): continuous part at `continuous` (or 0), then the one-hots of each combination. */
function combinationCodes(model: Vae, combinations: Int32Array[], continuous?: (i: number) => number[]): Float32Array {
  const { latent: L, categories: K } = model.config;
  const offset = model.hasContinuous ? L : 0;
  const codes = new Float32Array(combinations.length * model.codeSize);
  combinations.forEach((combination, i) => {
    if (continuous) continuous(i).forEach((z, a) => (codes[i * model.codeSize + a] = z));
    combination.forEach((k, v) => (codes[i * model.codeSize + offset + v * K + k] = 1));
  });
  return codes;
}

/**
 * Decodes every category combination (continuous part at 0), groups them by the colour of their
 * decode, and writes a grid with up to 16 examples per colour and colour-combinations.json listing,
 * for each colour, the combinations a user can pick to get it.
 */
export async function combinationFigures(dir: string, model: Vae): Promise<ReportFigure[]> {
  const { variables: N, categories: K } = model.config;
  const combinations = categoryCombinations(N, K);
  const images = await decodeCodesBatched(model, combinationCodes(model, combinations), DECODE_BATCH);
  const colours = imageColours(images);
  const groups = PALETTE.map((_, c) => [...colours.keys()].filter((i) => colours[i] === c));
  const examples = new Float32Array(PALETTE.length * EXAMPLES_PER_COLOUR * COLOURED_PIXELS);
  groups.forEach((members, c) =>
    members.slice(0, EXAMPLES_PER_COLOUR).forEach((i, j) => {
      examples.set(images.subarray(i * COLOURED_PIXELS, (i + 1) * COLOURED_PIXELS), (c * EXAMPLES_PER_COLOUR + j) * COLOURED_PIXELS);
    }),
  );
  const file = 'combinations-by-colour.png';
  grid(dir, file, examples, EXAMPLES_PER_COLOUR, { rows: PALETTE.map(({ name }, c) => `${name} ${groups[c].length}`) });
  const listing = Object.fromEntries(PALETTE.map(({ name }, c) => [name, groups[c].map((i) => Array.from(combinations[i]))]));
  writeText(join(dir, 'colour-combinations.json'), JSON.stringify(listing) + '\n');
  const firstPicks = PALETTE.map(({ name }, c) => `${name}: ${groups[c].length > 0 ? `(${combinations[groups[c][0]].join(', ')})` : 'none'}`);
  const enumerated = K ** N <= MAX_COMBINATIONS ? `all ${combinations.length}` : `${combinations.length} random`;
  const continuousNote = model.hasContinuous ? ' with the continuous part at 0' : '';
  return [
    {
      title: 'Category combinations grouped by colour',
      file,
      caption:
        `Decodes of ${enumerated} combinations of ${N} variables x ${K} categories${continuousNote}, grouped by the colour of each decode ` +
        `(row label: how many combinations give that colour; up to ${EXAMPLES_PER_COLOUR} shown). Every combination per colour is in ` +
        `colour-combinations.json; a first pick for each: ${firstPicks.join('; ')}.`,
    },
  ];
}

/**
 * Joint model: for each of the first three continuous axes, a grid with one row per category of the
 * variable that best tracks colour and one column per axis value in [-2, 2]; the other continuous axes
 * are 0 and the other variables take their most frequent test category.
 */
export async function traversalFigures(dir: string, model: Vae, evaluation: TestEvaluation, colourVariable: number): Promise<ReportFigure[]> {
  const { latent: L, variables: N, categories: K } = model.config;
  if (!evaluation.categories) return [];
  const base = mostFrequentCategories(evaluation.categories, N, K);
  const values = Array.from({ length: TRAVERSAL_STEPS }, (_, s) => -TRAVERSAL_RANGE + (2 * TRAVERSAL_RANGE * s) / (TRAVERSAL_STEPS - 1));
  const figures: ReportFigure[] = [];
  for (let axis = 0; axis < Math.min(L, SCATTER_AXES); axis++) {
    const combinations: Int32Array[] = [];
    const continuous: number[][] = [];
    for (let k = 0; k < K; k++) {
      for (const value of values) {
        const combination = Int32Array.from(base);
        combination[colourVariable] = k;
        combinations.push(combination);
        continuous.push(Array.from({ length: L }, (_, a) => (a === axis ? value : 0)));
      }
    }
    const images = await decodeCodesBatched(model, combinationCodes(model, combinations, (i) => continuous[i]), DECODE_BATCH);
    const file = `traversal-z${axis}.png`;
    grid(dir, file, images, TRAVERSAL_STEPS, {
      rows: Array.from({ length: K }, (_, k) => `c${colourVariable}=${k}`),
      columns: values.map((v) => v.toFixed(1)),
    });
    figures.push({
      title: `Traversal of z[${axis}] x categories of variable ${colourVariable}`,
      file,
      caption: `Rows: each category of discrete variable ${colourVariable} (the one that best tracks colour); columns: z[${axis}] from -${TRAVERSAL_RANGE} to ${TRAVERSAL_RANGE}, other continuous axes 0, other variables at their most frequent test category.`,
    });
  }
  return figures;
}

function mostFrequentCategories(categories: Int32Array, N: number, K: number): number[] {
  return Array.from({ length: N }, (_, v) => {
    const counts = new Array<number>(K).fill(0);
    for (let i = v; i < categories.length; i += N) counts[categories[i]] += 1;
    return counts.indexOf(Math.max(...counts));
  });
}
