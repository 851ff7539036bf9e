// The digit classifier: its helpers against hand-worked values (brightness, argmax, accuracy, shifted
// batches, the saved-file round trip), then a small classifier trained briefly and deterministically on
// the embedded digits, checked on the held-out split and on ten digits drawn here by hand as pen strokes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from '../engine/node.js';
import { HostRandom } from '../engine/random/philox.js';
import { assertClose } from './lib/check.js';
import {
  DigitClassifier,
  accuracy,
  argmaxRows,
  brightness,
  normalisedBrightness,
  classifierAccuracy,
  loadClassifier,
  predictDigits,
  shiftedBatch,
  trainClassifierEpoch,
} from '../models/classifier.js';
import { IMAGE_SIDE, PIXELS, loadMnist, type GreyDigits } from '../models/data/mnist.js';

test.after(() => E.releaseDevice());

// ---- helpers ----------------------------------------------------------------------------------------------

test('brightness is the largest channel of each pixel; normalised, the brightest pixel is 1', async () => {
  await E.setBackend('cpu');
  // one 1x2 image: pixel 0 (r, g, b) = (0.2, 0.7, 0.1), pixel 1 = (0.9, 0.3, 0.4)
  const x = E.fromValues([0.2, 0.9, 0.7, 0.3, 0.1, 0.4], [1, 3, 1, 2]);
  const y = brightness(x);
  assert.equal(y.shape, [1, 1, 1, 2]);
  assertClose(await y.toArray(), [0.7, 0.9], 0, 0);
  assertClose(await normalisedBrightness(x).toArray(), [0.7 / 0.9, 1], 1e-15, 0);
  assertClose(await normalisedBrightness(E.zeros([1, 3, 1, 2])).toArray(), [0, 0], 0, 0);
});

test('argmax per row (first of ties) and accuracy', () => {
  assert.equal(Array.from(argmaxRows([0.1, 0.5, 0.2, 3, 3, -1], 3)), [1, 0]);
  assert.is(accuracy([1, 2, 3, 4], [1, 2, 0, 4]), 0.75);
  assert.throws(() => accuracy([1], [1, 2]), /1 predictions for 2 labels/);
});

test('shifted batch moves each digit by the drawn offset, filling with zeros', () => {
  const digits: GreyDigits = { images: Float32Array.from({ length: PIXELS }, (_, p) => p + 1), labels: Uint8Array.of(3), count: 1 };
  const stream = new HostRandom(4);
  const copy = new HostRandom(4); // the same draws: dx then dy, each uniform in -2..2
  const dx = copy.int(5) - 2;
  const dy = copy.int(5) - 2;
  const out = shiftedBatch(digits, [0], 2, stream);
  for (let y = 0; y < IMAGE_SIDE; y++) {
    for (let x = 0; x < IMAGE_SIDE; x++) {
      const [sy, sx] = [y - dy, x - dx];
      const inside = sy >= 0 && sy < IMAGE_SIDE && sx >= 0 && sx < IMAGE_SIDE;
      assert.is(out[y * IMAGE_SIDE + x], inside ? sy * IMAGE_SIDE + sx + 1 : 0, `pixel (${y}, ${x}), shift (${dy}, ${dx})`);
    }
  }
  assert.equal(Array.from(shiftedBatch(digits, [0], 0, stream)), Array.from(digits.images));
});

// ---- hand-drawn digits ----------------------------------------------------------------------------------------

// Each digit as pen strokes (polylines) in a 20x20 box, x to the right and y down, drawn into the middle
// of a 28x28 image as MNIST centres its digits. A pixel's ink falls off with its distance d to the nearest
// stroke: clamp(PEN - d, 0, 1), strokes about 3 pixels wide as in MNIST.
type Stroke = [number, number][];

function circle(cx: number, cy: number, rx: number, ry: number, from = 0, to = 360): Stroke {
  const points: Stroke = [];
  for (let degrees = from; degrees <= to; degrees += 20) {
    const t = (degrees * Math.PI) / 180;
    points.push([cx + rx * Math.cos(t), cy + ry * Math.sin(t)]);
  }
  return points;
}

const HAND_DRAWN: Stroke[][] = [
  [circle(10, 10, 6, 9)],
  [[[7, 4], [11, 1], [10, 19]]],
  [[[4, 5], [7, 1], [12, 1], [15, 4], [14, 9], [4, 19], [17, 19]]],
  [[[4, 3], [9, 1], [14, 2], [15, 6], [10, 9], [15, 12], [15, 16], [10, 19], [4, 17]]],
  [[[12, 1], [3, 13], [17, 13]], [[13, 6], [13, 19]]],
  [[[16, 1], [6, 1], [5, 9], [11, 8], [15, 11], [15, 16], [10, 19], [4, 17]]],
  [[[15, 0], [10, 3], [6, 8], [4, 13], [5, 17], [9, 19], [13, 18], [15, 14], [13, 11], [9, 11], [5, 14]]],
  [[[4, 2], [16, 2], [13, 9], [11, 19]]],
  [circle(10, 5, 4.5, 4.5), circle(10, 14, 5.5, 5)],
  [circle(10, 6, 5, 5), [[15, 6], [14, 19]]],
];

const PEN = 2.2;
const BOX_OFFSET = 4; // (28 - 20) / 2

function distanceToSegment(px: number, py: number, [ax, ay]: [number, number], [bx, by]: [number, number]): number {
  const [dx, dy] = [bx - ax, by - ay];
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function draw(strokes: Stroke[]): Float32Array {
  const image = new Float32Array(PIXELS);
  for (let y = 0; y < IMAGE_SIDE; y++) {
    for (let x = 0; x < IMAGE_SIDE; x++) {
      let nearest = Infinity;
      for (const stroke of strokes) {
        for (let i = 1; i < stroke.length; i++) nearest = Math.min(nearest, distanceToSegment(x - BOX_OFFSET, y - BOX_OFFSET, stroke[i - 1], stroke[i]));
      }
      image[y * IMAGE_SIDE + x] = Math.max(0, Math.min(1, PEN - nearest));
    }
  }
  return image;
}

// ---- a classifier trained here ----------------------------------------------------------------------------------

/** `count` digits spread evenly over the whole set. */
function everyNth(digits: GreyDigits, count: number): GreyDigits {
  const rows = Array.from({ length: count }, (_, i) => Math.floor((i * digits.count) / count));
  const images = new Float32Array(count * PIXELS);
  rows.forEach((row, i) => images.set(digits.images.subarray(row * PIXELS, (row + 1) * PIXELS), i * PIXELS));
  return { images, labels: Uint8Array.from(rows, (row) => digits.labels[row]), count };
}

const TRAIN_DIGITS = 4000;
const EPOCHS = 2;
const MIN_TEST_ACCURACY = 0.9;
const MIN_HAND_DRAWN = 8; // of 10, from a model about 90% right on real digits

test('a briefly trained classifier reads the held-out digits and the hand-drawn ones', async () => {
  await E.setBackend('webgpu');
  const mnist = loadMnist({ data: 'embedded' });
  const train = everyNth(mnist.train, TRAIN_DIGITS); // the embedded digits come sorted by digit
  const settings = { epochs: EPOCHS, batchSize: 50, lr: 3e-3, decayEvery: EPOCHS, maxShift: 0, seed: 11 };
  E.manualSeed(settings.seed);
  const model = new DigitClassifier({ conv1: 8, conv2: 16, hidden: 32 });
  const optimizer = new E.optim.Adam(model.parameters(), { lr: settings.lr });
  for (let epoch = 0; epoch < EPOCHS; epoch++) await trainClassifierEpoch(model, optimizer, train, settings, epoch);

  const testAccuracy = await classifierAccuracy(model, mnist.test);
  assert.ok(testAccuracy >= MIN_TEST_ACCURACY, `test accuracy ${testAccuracy}`);
  const drawn = HAND_DRAWN.map(draw);
  const images = E.fromValues(Float32Array.from(drawn.flatMap((d) => Array.from(d))), [drawn.length, 1, IMAGE_SIDE, IMAGE_SIDE]);
  const predicted = Array.from(await predictDigits(model, images));
  const right = predicted.filter((digit, i) => digit === i).length;
  assert.ok(right >= MIN_HAND_DRAWN, `hand-drawn 0..9 read as ${predicted.join(' ')}`);

  // saved and loaded back (widths from the file), it predicts the same
  const dir = mkdtempSync(join(tmpdir(), 'classifier-'));
  const path = join(dir, 'classifier.safetensors');
  await E.train.saveCheckpoint(path, model, undefined, { testAccuracy, widths: model.widths });
  const loaded = await loadClassifier(path);
  assert.equal(loaded.model.widths, model.widths);
  assert.is(loaded.testAccuracy, testAccuracy);
  assert.equal(Array.from(await predictDigits(loaded.model, images)), predicted);
  rmSync(dir, { recursive: true, force: true });
});

test('a missing classifier file names the command that trains it', async () => {
  try {
    await loadClassifier('/nonexistent/classifier.safetensors');
    assert.unreachable('loaded a missing file');
  } catch (error) {
    assert.match((error as Error).message, /npm run classifier/);
  }
});

test.run();
