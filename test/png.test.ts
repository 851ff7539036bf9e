// Image grids: hand-worked pixel values for grey and RGB grids, clamping, captions drawn with
// the bitmap font, and a round trip through a PNG file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageGrid, readPng, RgbaImage, writeImageGrid } from '../experiments/lib/report/png.js';

// The red channel as rows of numbers, checking on the way that every pixel is grey and opaque.
function greyRows(image: RgbaImage): number[][] {
  const rows: number[][] = [];
  for (let y = 0; y < image.height; y++) {
    const row: number[] = [];
    for (let x = 0; x < image.width; x++) {
      const [r, g, b, a] = image.rgba.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4);
      assert.equal([g, b, a], [r, r, 255], `pixel (${x}, ${y}) is grey and opaque`);
      row.push(r);
    }
    rows.push(row);
  }
  return rows;
}

// A region of a grey image as '#' (pixel equal to `ink`) and '.' strings, to compare with glyphs.
function picture(image: RgbaImage, left: number, top: number, width: number, height: number, ink: number): string {
  const rows = greyRows(image).slice(top, top + height);
  return rows.map((row) => row.slice(left, left + width).map((v) => (v === ink ? '#' : '.')).join('')).join(' ');
}

const P = 128; // padValue 0.5 -> round(127.5)

test('two grey images side by side with padding', () => {
  // Two 2x2 images; bytes: 0 -> 0, 0.2 -> 51, 0.4 -> 102, 0.6 -> 153, 0.8 -> 204, 1 -> 255.
  const images = new Float32Array([0, 0.2, 0.4, 1, 1, 0.6, 0.8, 0]);
  const grid = imageGrid(images, [2, 1, 2, 2], { columns: 2, padding: 1, padValue: 0.5 });
  assert.is(grid.width, 7); // pad + 2 + pad + 2 + pad
  assert.is(grid.height, 4); // pad + 2 + pad
  assert.equal(greyRows(grid), [
    [P, P, P, P, P, P, P],
    [P, 0, 51, P, 255, 153, P],
    [P, 102, 255, P, 204, 0, P],
    [P, P, P, P, P, P, P],
  ]);
});

test('RGB images stacked in one column, scaled by 2', () => {
  // Shape [2, 3, 1, 2]: two images of one row and two columns; planes R, G, B.
  const images = new Float32Array([
    ...[0.2, 1], ...[0.4, 0], ...[1, 0.6], // image 0: pixels (51, 102, 255) and (255, 0, 153)
    ...[0, 0], ...[1, 1], ...[0, 0.5], //    image 1: pixels (0, 255, 0) and (0, 255, 128)
  ]);
  const grid = imageGrid(images, [2, 3, 1, 2], { columns: 1, padding: 0, scale: 2 });
  assert.is(grid.width, 4);
  assert.is(grid.height, 4);
  const left0 = [51, 102, 255, 255];
  const right0 = [255, 0, 153, 255];
  const left1 = [0, 255, 0, 255];
  const right1 = [0, 255, 128, 255];
  const rowOf = (left: number[], right: number[]) => [...left, ...left, ...right, ...right];
  assert.equal([...grid.rgba], [
    ...rowOf(left0, right0),
    ...rowOf(left0, right0),
    ...rowOf(left1, right1),
    ...rowOf(left1, right1),
  ]);
});

test('values outside [0, 1] are clamped and NaN shows as 0', () => {
  const grid = imageGrid(new Float32Array([-0.5, 1.7, NaN, 0.5]), [1, 1, 1, 4], { padding: 0 });
  assert.equal(greyRows(grid), [[0, 255, 0, 128]]);
});

test('default layout is a square-ish grid with 2-pixel white padding', () => {
  // 5 images -> ceil(sqrt(5)) = 3 columns, 2 rows; each image 3 wide, 2 tall.
  const grid = imageGrid(new Float32Array(5 * 2 * 3), [5, 1, 2, 3]);
  assert.is(grid.width, 2 + 3 * (3 + 2));
  assert.is(grid.height, 2 + 2 * (2 + 2));
  assert.equal(greyRows(grid)[0], Array(grid.width).fill(255));
  assert.is(greyRows(grid)[2][2], 0); // first pixel of the first image
});

test('a column label is drawn centred above its column', () => {
  // One black 5x5 image, no padding. The caption strip is 2 + 7 + 2 pixels tall, white, and the
  // 5-pixel-wide glyph '1' sits in it with its top-left corner at (0, 2).
  const grid = imageGrid(new Float32Array(25), [1, 1, 5, 5], { padding: 0, columnLabels: ['1'] });
  assert.is(grid.width, 5);
  assert.is(grid.height, 11 + 5);
  assert.is(picture(grid, 0, 0, 5, 11, 0), [
    '.....', '.....',
    '..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.',
    '.....', '.....',
  ].join(' '));
  assert.is(picture(grid, 0, 11, 5, 5, 0), Array(5).fill('#####').join(' '));
});

test('row labels are drawn in white on a dark background, left of each row', () => {
  // Two grey 7x3 images in one column, padding 1. Left strip: 2 + 5 + 2 = 9 pixels wide.
  // Rows start at y = 1 and y = 1 + 7 + 1 = 9; each 7-pixel glyph starts 2 pixels from the left.
  const images = new Float32Array(2 * 7 * 3).fill(0.5);
  const grid = imageGrid(images, [2, 1, 7, 3], { columns: 1, padding: 1, padValue: 0, rowLabels: ['A', 'B'] });
  assert.is(grid.width, 9 + 1 + 3 + 1);
  assert.is(grid.height, 1 + 2 * (7 + 1));
  assert.is(picture(grid, 2, 1, 5, 7, 255), '.###. #...# #...# #...# ##### #...# #...#');
  assert.is(picture(grid, 2, 9, 5, 7, 255), '####. #...# #...# ####. #...# #...# ####.');
  assert.is(greyRows(grid)[1][10], 128); // the first image, right of the strip and padding
});

test('captions too wide for their column are drawn smaller, and widen the columns if still too wide', () => {
  // Two black 5x5 images at scale 2 (10 pixels wide). 'ab' is 11 font pixels wide: too wide at
  // text scale 2 and 1, so text is drawn at scale 1 and each column slot widens to 11 pixels,
  // the image at its left (offset floor((11 - 10) / 2) = 0). Caption strip: 2 + 7 + 2 = 11 tall.
  const grid = imageGrid(new Float32Array(50), [2, 1, 5, 5], { columns: 2, padding: 0, scale: 2, columnLabels: ['ab', 'c'] });
  assert.is(grid.width, 2 * 11);
  assert.is(grid.height, 11 + 10);
  const ab = ['......#....', '......#....', '.###..#.##.', '....#.##..#', '.####.#...#', '#...#.#...#', '.####.####.'];
  assert.is(picture(grid, 0, 2, 11, 7, 0), ab.join(' '));
  // 'c' (5 wide) is centred in the second slot: x = 11 + floor((11 - 5) / 2) = 14.
  assert.is(picture(grid, 14, 2, 5, 7, 0), '..... ..... .###. #.... #.... #...# .###.');
  assert.is(picture(grid, 0, 11, 22, 1, 0), '##########.##########.');
});

test('bad shapes and options are rejected with the offending values', () => {
  assert.throws(() => imageGrid(new Float32Array(8), [2, 2, 1, 2]), /C = 2, but only 1 \(grey\) or 3 \(RGB\)/);
  assert.throws(() => imageGrid(new Float32Array(7), [2, 1, 2, 2]), /holds 8 values but images has 7/);
  assert.throws(() => imageGrid(new Float32Array(4), [1, 1, 2, 2], { scale: 1.5 }), /scale = 1.5 must be a positive integer/);
  assert.throws(() => imageGrid(new Float32Array(4), [1, 1, 2, 2], { rowLabels: ['a', 'b'] }), /2 row labels for a grid of 1 rows/);
});

test('writeImageGrid round-trips through a PNG file and leaves no temporary file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'png-'));
  const path = join(dir, 'grid.png');
  const images = new Float32Array(3 * 3 * 4 * 5).map((_, i) => (i % 17) / 16);
  const written = writeImageGrid(path, images, [3, 3, 4, 5], { columnLabels: ['a', 'b'], scale: 2 });
  const read = readPng(path);
  assert.is(read.width, written.width);
  assert.is(read.height, written.height);
  assert.ok(Buffer.from(read.rgba).equals(Buffer.from(written.rgba)), 'pixels survive the file');
  assert.equal(readdirSync(dir), ['grid.png']);
  assert.not.ok(existsSync(path + '.tmp'));
});

test.run();
