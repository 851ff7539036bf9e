// Digit-like labels without a label, for the label-free CycleGAN. In each coloured domain the colour names
// the digit, so the colours of a domain's images fall into clusters that are its digits in an unknown
// order. A shape network (the classifier of models/classifier.ts, reading brightness alone) learns to
// predict domain A's colour clusters from the shapes; its readings of domain B's images name, for each B
// cluster, the A cluster of the same shapes, which matches the two orders; it is then trained again on both
// domains. The result conditions the discriminators and generators as a labeller does.
//
//   colour of each image --k-means--> clusters of A, clusters of B
//   shape network on A's clusters --reads B--> which A cluster each B cluster is --> shape network on A and B
//
// Nothing here reads a digit or colour label, the palette or the permutation between the domains: the
// functions take images alone (the Images type admits nothing else), and the seeds.
import * as E from '../../engine/node.js';
import { HostRandom } from '../../engine/random/philox.js';
import { classifierAccuracy, predictDigits, trainClassifier, type ClassifierTraining, type DigitClassifier } from '../classifier.js';
import { COLOURED_PIXELS } from '../data/coloured-mnist.js';
import { IMAGE_SIDE, type GreyDigits } from '../data/digits.js';
import { scaleToUnitMax, weightedMeanRgb } from '../colour.js';
import { brightnessMaps } from './metrics.js';

/** Coloured images (N, 3, 28, 28) and nothing else. */
export interface Images {
  x: Float32Array;
  count: number;
}

const RGB = 3;

/** Each image's colour: its brightness-weighted mean RGB scaled to a largest channel of 1 (models/colour.ts); black stays 0. */
export function imageHues(images: Images): Float64Array {
  const hues = new Float64Array(images.count * RGB);
  for (let n = 0; n < images.count; n++) hues.set(scaleToUnitMax(weightedMeanRgb(images.x, n * COLOURED_PIXELS) ?? [0, 0, 0]), n * RGB);
  return hues;
}

export interface Clusters {
  /** (k, dim) */
  centroids: Float64Array;
  /** the cluster of each point */
  assignment: Int32Array;
  /** sum of squared distances of the points to their centroids */
  inertia: number;
}

/** Index of the nearest centroid (squared Euclidean distance, the lowest index among equals) for each point. */
export function nearestCentroids(points: Float64Array, dim: number, centroids: Float64Array): { assignment: Int32Array; inertia: number } {
  const [n, k] = [points.length / dim, centroids.length / dim];
  const assignment = new Int32Array(n);
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    let [best, bestDistance] = [0, Infinity];
    for (let c = 0; c < k; c++) {
      let distance = 0;
      for (let d = 0; d < dim; d++) distance += (points[i * dim + d] - centroids[c * dim + d]) ** 2;
      if (distance < bestDistance) [best, bestDistance] = [c, distance];
    }
    assignment[i] = best;
    inertia += bestDistance;
  }
  return { assignment, inertia };
}

/**
 * k-means (Lloyd's iterations from a k-means++ start), the best of `restarts` seeded starts by inertia.
 * points: (n, dim). Deterministic for a seed.
 */
export function kMeans(points: Float64Array, dim: number, k: number, seed: number, { restarts = 5, iterations = 100 } = {}): Clusters {
  const n = points.length / dim;
  if (!Number.isInteger(n) || !Number.isInteger(k) || k < 1 || n < k) throw new Error(`kMeans: ${k} clusters of ${points.length / dim} points of dimension ${dim}`);
  const random = new HostRandom(seed);
  let best: Clusters | null = null;
  for (let restart = 0; restart < restarts; restart++) {
    const centroids = kMeansPlusPlus(points, dim, k, random);
    let { assignment, inertia } = nearestCentroids(points, dim, centroids);
    for (let iteration = 0; iteration < iterations; iteration++) {
      const sums = new Float64Array(k * dim);
      const sizes = new Int32Array(k);
      for (let i = 0; i < n; i++) {
        sizes[assignment[i]]++;
        for (let d = 0; d < dim; d++) sums[assignment[i] * dim + d] += points[i * dim + d];
      }
      // an emptied cluster keeps its centroid
      for (let c = 0; c < k; c++) if (sizes[c] > 0) for (let d = 0; d < dim; d++) centroids[c * dim + d] = sums[c * dim + d] / sizes[c];
      const next = nearestCentroids(points, dim, centroids);
      const moved = next.assignment.some((c, i) => c !== assignment[i]);
      ({ assignment, inertia } = next);
      if (!moved) break;
    }
    if (!best || inertia < best.inertia) best = { centroids, assignment, inertia };
  }
  return best!;
}

/** k-means++: the first centroid a random point, each next one a point drawn with probability proportional to its squared distance. */
function kMeansPlusPlus(points: Float64Array, dim: number, k: number, random: HostRandom): Float64Array {
  const n = points.length / dim;
  const centroids = new Float64Array(k * dim);
  const distances = new Float64Array(n).fill(Infinity);
  let chosen = random.int(n);
  for (let c = 0; c < k; c++) {
    centroids.set(points.subarray(chosen * dim, (chosen + 1) * dim), c * dim);
    let total = 0;
    for (let i = 0; i < n; i++) {
      let distance = 0;
      for (let d = 0; d < dim; d++) distance += (points[i * dim + d] - centroids[c * dim + d]) ** 2;
      distances[i] = Math.min(distances[i], distance);
      total += distances[i];
    }
    if (total === 0) {
      chosen = random.int(n); // fewer distinct points than clusters: a duplicate centroid, left empty
      continue;
    }
    let target = random.uniform() * total;
    chosen = n - 1;
    for (let i = 0; i < n; i++) {
      target -= distances[i];
      if (target < 0) {
        chosen = i;
        break;
      }
    }
  }
  return centroids;
}

/**
 * Which cluster of one labelling each cluster of another is: counts[i][j] counts the images in cluster i of
 * `from` that `to` puts in cluster j; the pairs are taken greedily, largest count first, one to one. Returns
 * the map (from cluster -> to cluster) and the fraction of images whose pair it keeps.
 */
export function matchClusters(from: Int32Array, to: Int32Array, k: number): { map: Int32Array; agreement: number } {
  if (from.length !== to.length || from.length === 0) throw new Error(`matchClusters: ${from.length} and ${to.length} assignments`);
  const counts = new Int32Array(k * k);
  from.forEach((i, n) => counts[i * k + to[n]]++);
  const map = new Int32Array(k).fill(-1);
  const taken = new Uint8Array(k);
  let kept = 0;
  for (let pair = 0; pair < k; pair++) {
    let [bestI, bestJ, bestCount] = [-1, -1, -1];
    for (let i = 0; i < k; i++) {
      if (map[i] >= 0) continue;
      for (let j = 0; j < k; j++) if (!taken[j] && counts[i * k + j] > bestCount) [bestI, bestJ, bestCount] = [i, j, counts[i * k + j]];
    }
    map[bestI] = bestJ;
    taken[bestJ] = 1;
    kept += bestCount;
  }
  return { map, agreement: kept / from.length };
}

/** How the shape network is trained: the classifier's training on A's clusters, then on both domains. */
export interface ShapeNetworkTraining {
  /** colour clusters per domain */
  clusters: number;
  first: ClassifierTraining;
  both: ClassifierTraining;
}

export const DEFAULT_SHAPE_NETWORK_TRAINING: ShapeNetworkTraining = {
  clusters: 10,
  first: { epochs: 3, batchSize: 64, lr: 2e-3, decayEvery: 2, maxShift: 2, seed: 11 },
  both: { epochs: 5, batchSize: 64, lr: 2e-3, decayEvery: 4, maxShift: 2, seed: 12 },
};

export interface ShapeNetwork {
  model: DigitClassifier;
  /** what the steps measured, for the run's log and config: cluster sizes, the match's agreement, validation agreement */
  report: {
    clusterSizesA: number[];
    clusterSizesB: number[];
    /** fraction of B's training images that the first network reads as the A cluster their B cluster was matched to */
    matchAgreement: number;
    /** the B cluster -> A cluster map */
    matchBToA: number[];
    /** agreement of the final network with the clusters on the validation images of A and B */
    validationAgreement: number;
  };
}

/**
 * Trains the shape network from images alone (see the top of this file): `train` are each domain's
 * training images, `validation` further images of each domain that measure the network (against their
 * nearest colour cluster). Both stages are resumable runs `<name>-first` and `<name>` under rootDir.
 */
export async function trainShapeNetwork(
  train: { a: Images; b: Images },
  validation: { a: Images; b: Images },
  options: { rootDir: string; name: string; seed: number; training?: ShapeNetworkTraining; progress?: E.train.TrainingRunOptions['progress'] },
): Promise<ShapeNetwork> {
  const { rootDir, name, seed, progress } = options;
  const training = options.training ?? DEFAULT_SHAPE_NETWORK_TRAINING;
  const k = training.clusters;
  const seeded = (settings: ClassifierTraining) => ({ ...settings, seed: settings.seed + seed });
  const clustersA = kMeans(imageHues(train.a), RGB, k, seed);
  const clustersB = kMeans(imageHues(train.b), RGB, k, seed + 1);
  // a cluster per image as a class label (renamed through `map` for B), and the images as the brightness the network reads
  const labels = (assignment: Int32Array, map?: Int32Array) => Uint8Array.from(assignment, (c) => (map ? map[c] : c));
  const nearest = (images: Images, clusters: Clusters) => nearestCentroids(imageHues(images), RGB, clusters.centroids).assignment;
  const grey = (images: Images, classes: Uint8Array): GreyDigits => ({ images: brightnessMaps(images.x), labels: classes, count: images.count });
  const greyA = grey(train.a, labels(clustersA.assignment));
  const checkA = grey(validation.a, labels(nearest(validation.a, clustersA)));

  const first = await trainClassifier({ train: greyA, test: checkA }, seeded(training.first), {
    rootDir,
    name: `${name}-first`,
    resume: true,
    progress,
    config: { stage: "shape network on domain A's colour clusters", clusters: k },
  });
  const mapsB = brightnessMaps(train.b.x);
  const imagesB = E.fromValues(mapsB, [train.b.count, 1, IMAGE_SIDE, IMAGE_SIDE]);
  const readings = await predictDigits(first.model, imagesB);
  imagesB.dispose();
  first.model.dispose();
  const match = matchClusters(clustersB.assignment, readings, k);

  const both = concatenate(greyA, { images: mapsB, labels: labels(clustersB.assignment, match.map), count: train.b.count });
  const check = concatenate(checkA, grey(validation.b, labels(nearest(validation.b, clustersB), match.map)));
  const final = await trainClassifier({ train: both, test: check }, seeded(training.both), {
    rootDir,
    name,
    resume: true,
    progress,
    config: { stage: "shape network on both domains' matched colour clusters", clusters: k, matchBToA: Array.from(match.map) },
  });
  final.model.eval();
  for (const p of final.model.parameters()) p.requiresGrad = false;
  const sizes = (assignment: Int32Array) => Array.from({ length: k }, (_, c) => assignment.filter((a) => a === c).length);
  return {
    model: final.model,
    report: {
      clusterSizesA: sizes(clustersA.assignment),
      clusterSizesB: sizes(clustersB.assignment),
      matchAgreement: match.agreement,
      matchBToA: Array.from(match.map),
      validationAgreement: await classifierAccuracy(final.model, check),
    },
  };
}

function concatenate(p: GreyDigits, q: GreyDigits): GreyDigits {
  const images = new Float32Array(p.images.length + q.images.length);
  images.set(p.images);
  images.set(q.images, p.images.length);
  const labels = new Uint8Array(p.count + q.count);
  labels.set(p.labels);
  labels.set(q.labels, p.count);
  return { images, labels, count: p.count + q.count };
}
