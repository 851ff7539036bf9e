// Tests for the colour rule (models/colour.ts): hand-made images whose weighted mean is worked out by
// hand, and every real image of the embedded set, which must get the colour it was painted with.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { COLOURED_PIXELS, PALETTE, paletteColour, vaeDataset } from '../models/data/coloured-mnist.js';
import { PIXELS, loadMnist } from '../models/data/mnist.js';
import {
  NO_COLOUR,
  colourAccuracy,
  imageColour,
  imageColours,
  nearestPaletteColour,
  parsePaletteColour,
  scaleToUnitMax,
  weightedMeanRgb,
} from '../models/colour.js';
import { assertClose } from './lib/check.js';

/** A black (3, 28, 28) image with the given pixels set to the given RGB values. */
function handMade(pixels: { at: number; rgb: [number, number, number] }[]): Float32Array {
  const x = new Float32Array(COLOURED_PIXELS);
  for (const { at, rgb } of pixels) rgb.forEach((value, c) => (x[c * PIXELS + at] = value));
  return x;
}

test('weightedMeanRgb weights each pixel by its largest channel', () => {
  // pixels (1, 0, 0) and (0, 0, 0.5): weights 1 and 0.5, so
  // mean = (1 * (1, 0, 0) + 0.5 * (0, 0, 0.5)) / 1.5 = (2/3, 0, 1/6)
  const x = handMade([
    { at: 10, rgb: [1, 0, 0] },
    { at: 400, rgb: [0, 0, 0.5] },
  ]);
  assertClose(weightedMeanRgb(x)!, [2 / 3, 0, 1 / 6], 1e-7, 0);
  // scaled to a largest channel of 1: (1, 0, 1/4), nearest to red (1, 25/230, 75/230)
  assertClose(scaleToUnitMax(weightedMeanRgb(x)!), [1, 0, 0.25], 1e-7, 0);
  assert.is(imageColour(x), 0);
});

test('a dim pixel of a palette colour has that colour: brightness does not matter', () => {
  PALETTE.forEach((_, k) => {
    const [r, g, b] = paletteColour(k);
    const dim = 0.2;
    assert.is(imageColour(handMade([{ at: 300, rgb: [dim * r, dim * g, dim * b] }])), k, PALETTE[k].name);
  });
});

test('yellow and lime strokes with dim anti-aliased edges keep their colours', () => {
  // yellow (1, 0.882, 0.098) and lime (0.824, 0.961, 0.235) differ mostly in which channel is largest;
  // a stroke of full-brightness pixels plus faint edges of the same colour must not drift.
  for (const name of ['yellow', 'lime']) {
    const k = parsePaletteColour(name);
    const [r, g, b] = paletteColour(k);
    const stroke = [0.05, 0.1, 0.3, 1, 1, 1, 0.3, 0.1].map((level, i) => ({ at: 200 + i, rgb: [level * r, level * g, level * b] as [number, number, number] }));
    assert.is(imageColour(handMade(stroke)), k, name);
  }
});

test('a black image has no colour', () => {
  assert.is(imageColour(new Float32Array(COLOURED_PIXELS)), NO_COLOUR);
  assert.is(weightedMeanRgb(new Float32Array(COLOURED_PIXELS)), null);
});

test('nearestPaletteColour compares colours scaled to a largest channel of 1', () => {
  // (0.5, 0.5, 0.5) scales to white (1, 1, 1); the nearest scaled palette colour is pink (1, 0.76, 0.848)
  assert.is(nearestPaletteColour([0.5, 0.5, 0.5]), parsePaletteColour('pink'));
  // pure blue (0, 0, 1): blue scales to (0, 0.65, 1) at squared distance 0.4225, purple to (0.806, 0.167, 1) at 0.677
  assert.is(nearestPaletteColour([0, 0, 1]), parsePaletteColour('blue'));
});

test('imageColours and colourAccuracy over a batch', () => {
  const images = [0, 3, 8].map((k) => handMade([{ at: 50, rgb: [...paletteColour(k)] as [number, number, number] }]));
  const batch = new Float32Array(images.length * COLOURED_PIXELS);
  images.forEach((image, i) => batch.set(image, i * COLOURED_PIXELS));
  assert.equal([...imageColours(batch)], [0, 3, 8]);
  assert.is(colourAccuracy(batch, [0, 3, 9]), 2 / 3);
  assert.is(colourAccuracy(batch, 3), 1 / 3);
  assert.throws(() => imageColours(new Float32Array(COLOURED_PIXELS + 1)), /imageColours: 2353 values/);
});

test('every real image of the embedded set gets the colour it was painted with', () => {
  const { train, test: held } = loadMnist({ data: 'embedded' });
  for (const [name, grey] of [['train', train], ['test', held]] as const) {
    const data = vaeDataset(grey, 1);
    const colours = imageColours(data.x);
    const wrong = [...colours.keys()].filter((i) => colours[i] !== data.colour[i]);
    assert.is(wrong.length, 0, `${name}: ${wrong.length} of ${data.count} wrong, first at ${wrong[0]}`);
  }
});

test('parsePaletteColour takes names and indices and rejects anything else', () => {
  assert.is(parsePaletteColour('lime'), 8);
  assert.is(parsePaletteColour('Red'), 0);
  assert.is(parsePaletteColour('3'), 3);
  assert.throws(() => parsePaletteColour('teal'), /"teal" is not a palette colour/);
  assert.throws(() => parsePaletteColour('10'), /"10" is not a palette colour/);
  assert.throws(() => parsePaletteColour(''), /"" is not a palette colour/);
});

test.run();
