// Writes PNG grids of the coloured MNIST data to runs/data-preview/, to check by eye that digits
// and colours come out right: the palette, the VAE set (random colours) and both translation domains
// (domain A: digit d in colour d; domain B: digit d in colour sigma(d) = (d + 1) % 10).
// Each grid has one row per digit 0..9, labelled with the digit and, for the domains, its colour.
//   usage: node dist/experiments/data-preview.mjs [--data embedded|<dir>]
import { join } from 'node:path';
import { writeImageGrid } from './lib/report/png.js';
import { DIGITS, IMAGE_SIDE, PIXELS, loadMnist } from '../models/data/mnist.js';
import { commandLine, toolCommand } from './lib/command.js';
import {
  CHANNELS,
  COLOURED_PIXELS,
  DEFAULT_PERMUTATION,
  PALETTE,
  paletteColour,
  translationDomains,
  vaeDataset,
  type ColouredDigits,
} from '../models/data/coloured-mnist.js';

const OUT_DIR = 'runs/data-preview';
const SEED = 1;
const PER_DIGIT = 12; // images shown in each row
const SCALE = 2;

/** The first `perDigit` images of each digit, digit 0's first: (10 * perDigit, 3, 28, 28). */
function rowsByDigit(data: ColouredDigits, perDigit: number): Float32Array {
  const out = new Float32Array(DIGITS * perDigit * COLOURED_PIXELS);
  for (let digit = 0; digit < DIGITS; digit++) {
    let taken = 0;
    for (let i = 0; i < data.count && taken < perDigit; i++) {
      if (data.digit[i] !== digit) continue;
      const slot = digit * perDigit + taken++;
      out.set(data.x.subarray(i * COLOURED_PIXELS, (i + 1) * COLOURED_PIXELS), slot * COLOURED_PIXELS);
    }
    if (taken < perDigit) throw new Error(`data-preview: only ${taken} images of digit ${digit}, need ${perDigit}`);
  }
  return out;
}

/** One solid 28x28 swatch per palette colour: (10, 3, 28, 28). */
function paletteSwatches(): Float32Array {
  const out = new Float32Array(PALETTE.length * COLOURED_PIXELS);
  PALETTE.forEach((_, k) => {
    const colour = paletteColour(k);
    for (let c = 0; c < CHANNELS; c++) out.fill(colour[c], k * COLOURED_PIXELS + c * PIXELS, k * COLOURED_PIXELS + (c + 1) * PIXELS);
  });
  return out;
}

function writeDigitRows(name: string, data: ColouredDigits, rowLabels: string[]): void {
  const path = join(OUT_DIR, name);
  const shape: [number, number, number, number] = [DIGITS * PER_DIGIT, CHANNELS, IMAGE_SIDE, IMAGE_SIDE];
  writeImageGrid(path, rowsByDigit(data, PER_DIGIT), shape, { columns: PER_DIGIT, scale: SCALE, rowLabels });
  console.log(`wrote ${path}`);
}

const COMMAND = toolCommand('data-preview', 'PNG grids of the coloured data sets, in runs/data-preview/', {
  data: { default: '', help: "'embedded' or a directory of MNIST IDX files ('': data/mnist/ when downloaded, else embedded)" },
});

function main(): void {
  const parsed = commandLine(COMMAND);
  if (!parsed) return;
  const mnist = loadMnist({ data: parsed.flags.data || undefined });
  console.log(`digits: ${mnist.source}, ${mnist.train.count} train / ${mnist.test.count} test`);

  const palettePath = join(OUT_DIR, 'palette.png');
  const paletteLabels = PALETTE.map((entry, k) => `${k} ${entry.name}`);
  writeImageGrid(palettePath, paletteSwatches(), [PALETTE.length, CHANNELS, IMAGE_SIDE, IMAGE_SIDE], {
    columns: 1,
    scale: SCALE,
    rowLabels: paletteLabels,
  });
  console.log(`wrote ${palettePath}`);

  const digitLabels = Array.from({ length: DIGITS }, (_, d) => `${d}`);
  writeDigitRows('vae.png', vaeDataset(mnist.train, SEED), digitLabels);

  const { a, b } = translationDomains(mnist.train, { seed: SEED });
  const colourLabel = (d: number, k: number) => `${d} ${PALETTE[k].name}`;
  writeDigitRows('domain-a.png', a, digitLabels.map((_, d) => colourLabel(d, d)));
  writeDigitRows('domain-b.png', b, digitLabels.map((_, d) => colourLabel(d, DEFAULT_PERMUTATION(d))));
}

main();
