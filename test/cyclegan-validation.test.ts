// The CycleGAN's validation set and its label-free epoch choice (experiments/cyclegan/data.ts,
// models/cyclegan/metrics.ts): the validation images are training-split images the run does not train on,
// the training images stay those of before, and the agreement score is checked on hand-made images.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { COLOURED_PIXELS, paletteColour, type ColouredDigits } from '../models/data/coloured-mnist.js';
import { brightnessMaps, shapeColourAgreement } from '../models/cyclegan/metrics.js';
import { selectedEpoch, subsetOf, subsetRows, trainingAndValidation } from '../experiments/cyclegan/data.js';

const SIDE = 28;
const PLANE = SIDE * SIDE;

/** One image: a vertical or horizontal bar (rows/columns 10..17) painted palette colour k, on black. */
function bar(direction: 'vertical' | 'horizontal', k: number): Float32Array {
  const image = new Float32Array(COLOURED_PIXELS);
  const rgb = paletteColour(k);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const on = direction === 'vertical' ? x >= 10 && x < 18 : y >= 10 && y < 18;
      if (on) for (let c = 0; c < 3; c++) image[c * PLANE + y * SIDE + x] = rgb[c];
    }
  }
  return image;
}

function stack(images: Float32Array[]): Float32Array {
  const out = new Float32Array(images.length * COLOURED_PIXELS);
  images.forEach((image, i) => out.set(image, i * COLOURED_PIXELS));
  return out;
}

test('shape-colour agreement: a translation counts when it has the colour the target domain gives its source\'s shape', () => {
  // the target domain paints vertical bars red (0) and horizontal bars green (1); the sources are blue (3)
  const references = stack([bar('vertical', 0), bar('horizontal', 1), bar('vertical', 0)]);
  const sources = stack([bar('vertical', 3), bar('horizontal', 3), bar('vertical', 3), bar('horizontal', 3)]);
  // agree (vertical -> red); disagree (horizontal -> red); disagree (vertical -> green); agree (horizontal -> green)
  const translations = stack([bar('vertical', 0), bar('horizontal', 0), bar('vertical', 1), bar('horizontal', 1)]);
  assert.is(shapeColourAgreement(sources, translations, references), 2 / 4);
  // a translation that lost its shape (a blank image has no colour) never agrees
  assert.is(shapeColourAgreement(sources, new Float32Array(4 * COLOURED_PIXELS), references), 0);
  // brightness maps: each pixel's largest channel over the image's brightest, so a bar is 1 inside and 0 outside
  const maps = brightnessMaps(bar('vertical', 3));
  assert.equal([maps[12 * SIDE + 11], maps[12 * SIDE + 9], maps[0]], [1, 0, 0]);
});

function fakeDomain(count: number): ColouredDigits {
  const x = new Float32Array(count * COLOURED_PIXELS);
  for (let i = 0; i < count; i++) x[i * COLOURED_PIXELS] = i; // row i is recognisable by its first value
  return { x, digit: Uint8Array.from({ length: count }, (_, i) => i % 10), colour: new Uint8Array(count), source: Uint32Array.from({ length: count }, (_, i) => i), count };
}

const rowsOf = (data: ColouredDigits) => Array.from(data.source);

test('validation images are training-split rows the run does not train on; the training rows are those of before', () => {
  const domain = fakeDomain(50);
  const { train, validation } = trainingAndValidation(domain, 20, 10, 7);
  assert.equal(rowsOf(train), rowsOf(subsetOf(domain, 20, 7)));
  assert.equal(rowsOf(train), subsetRows(50, 20, 7));
  assert.is(validation!.count, 10);
  assert.ok(rowsOf(validation!).every((row) => !rowsOf(train).includes(row)));
  // training on every row: the validation rows are taken out of training
  const all = trainingAndValidation(domain, 0, 10, 7);
  assert.is(all.train.count, 40);
  assert.ok(rowsOf(all.validation!).every((row) => !rowsOf(all.train).includes(row)));
  assert.is(new Set([...rowsOf(all.train), ...rowsOf(all.validation!)]).size, 50);
  assert.throws(() => trainingAndValidation(domain, 45, 10, 7), /10 validation images per domain need 10 training-split images the run does not train on; 5 are left/);
  assert.is(trainingAndValidation(domain, 20, 0, 7).validation, null);
});

test('the selected epoch is the one with the highest validation score, the earliest of equals', () => {
  const history = [{ epoch: 1, val_score: 0.2 }, { epoch: 2, val_score: 0.6 }, { epoch: 3, val_score: 0.6 }, { epoch: 4, val_score: 0.5 }];
  assert.is(selectedEpoch(history)!.epoch, 2);
  assert.is(selectedEpoch([{ epoch: 1 }]), null);
});

test.run();
