// Image grids as PNG files: a batch of NCHW images with values in [0, 1] laid out on a grid
// (like torchvision's make_grid), with optional row and column captions, written through pngjs.
//
// Layout of the canvas (all sizes in output pixels):
//
//   +-------------+--------------------------------------------+
//   |             |        column labels (if any)              |  topStrip
//   +-------------+--------------------------------------------+
//   | row labels  | pad | image | pad | image | pad | ...  pad |
//   |  (if any)   | pad ...                                    |
//   +-------------+--------------------------------------------+
//     leftStrip
//
// Each image is scaled up by an integer `scale` (nearest neighbour) and placed in reading order.
// Captions use the same scale when they fit and a smaller one when they do not (see gridLayout).
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { writeFileAtomic } from '../../../engine/io/files.js';
import { drawText, GLYPH_HEIGHT, textWidth } from './font.js';

export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8Array; // (height, width, 4), row-major, 8 bits per channel
}

export interface GridOptions {
  columns?: number; // default ceil(sqrt(N)), a square-ish grid
  padding?: number; // pixels between images and around the edge, default 2
  padValue?: number; // grey level of padding and caption strips, in [0, 1], default 1 (white)
  scale?: number; // integer upscaling factor for images (and captions, where they fit), default 1
  rowLabels?: string[]; // drawn left of each row
  columnLabels?: string[]; // drawn above each column
}

const CHANNELS_OUT = 4;
const OPAQUE = 255;
const MAX_BYTE = 255;
const CAPTION_MARGIN = 2; // font pixels of space around caption text
const DEFAULT_PADDING = 2;
const DEFAULT_PAD_VALUE = 1;

/** Converts a value in [0, 1] to a byte; out-of-range values are clamped and NaN becomes 0. */
export function toByte(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.round(Math.min(1, Math.max(0, value)) * MAX_BYTE);
}

/** Lays out `images` (NCHW, C = 1 grey or 3 RGB, values in [0, 1]) as one RGBA picture. */
export function imageGrid(images: Float32Array, shape: [number, number, number, number], opts: GridOptions = {}): RgbaImage {
  const [N, C, H, W] = checkedShape(images, shape);
  const columns = opts.columns ?? Math.ceil(Math.sqrt(N));
  const padding = opts.padding ?? DEFAULT_PADDING;
  const padValue = opts.padValue ?? DEFAULT_PAD_VALUE;
  const scale = opts.scale ?? 1;
  const rows = Math.ceil(N / columns);
  checkOptions(columns, padding, padValue, scale, rows, opts);
  const rowLabels = opts.rowLabels ?? [];
  const columnLabels = opts.columnLabels ?? [];
  const layout = gridLayout(W * scale, H * scale, padding, scale, rowLabels, columnLabels);

  const canvas = blankCanvas(layout.slotLeft(columns), layout.slotTop(rows), toByte(padValue));
  for (let n = 0; n < N; n++) {
    const image = images.subarray(n * C * H * W, (n + 1) * C * H * W);
    const [row, column] = [Math.floor(n / columns), n % columns];
    const left = layout.slotLeft(column) + centringOffset(layout.slotWidth, W * scale);
    const top = layout.slotTop(row) + centringOffset(layout.slotHeight, H * scale);
    pasteImage(canvas, image, [C, H, W], scale, left, top);
  }

  // Captions in black on a light background, white on a dark one.
  const ink = padValue >= 0.5 ? 0 : MAX_BYTE;
  const textScale = layout.textScale;
  rowLabels.forEach((label, row) => {
    const top = layout.slotTop(row) + centringOffset(layout.slotHeight, GLYPH_HEIGHT * textScale);
    drawCaption(canvas, label, textScale, ink, layout.margin, top);
  });
  columnLabels.forEach((label, column) => {
    const left = layout.slotLeft(column) + centringOffset(layout.slotWidth, textWidth(label) * textScale);
    drawCaption(canvas, label, textScale, ink, left, layout.margin);
  });
  return canvas;
}

interface GridLayout {
  textScale: number; // caption font pixels are textScale x textScale blocks
  margin: number; // space around caption text
  slotWidth: number; // the space each image gets: the image, or its caption if that is larger
  slotHeight: number;
  slotLeft: (column: number) => number; // left edge of a column's slot; slotLeft(columns) = canvas width
  slotTop: (row: number) => number;
}

// Captions are drawn at the image scale if every caption fits beside or above its image, and
// otherwise smaller (down to 1). A caption that does not fit even then widens the slots, so that
// neighbouring captions never overlap.
function gridLayout(
  cellWidth: number,
  cellHeight: number,
  padding: number,
  scale: number,
  rowLabels: string[],
  columnLabels: string[],
): GridLayout {
  const widestColumnLabel = Math.max(0, ...columnLabels.map(textWidth));
  const labelHeight = rowLabels.length > 0 ? GLYPH_HEIGHT : 0;
  let textScale = scale;
  while (textScale > 1 && (widestColumnLabel * textScale > cellWidth || labelHeight * textScale > cellHeight)) textScale--;

  const margin = CAPTION_MARGIN * textScale;
  const slotWidth = Math.max(cellWidth, widestColumnLabel * textScale);
  const slotHeight = Math.max(cellHeight, labelHeight * textScale);
  const leftStrip = rowLabels.length > 0 ? Math.max(...rowLabels.map(textWidth)) * textScale + 2 * margin : 0;
  const topStrip = columnLabels.length > 0 ? GLYPH_HEIGHT * textScale + 2 * margin : 0;
  return {
    textScale,
    margin,
    slotWidth,
    slotHeight,
    slotLeft: (column) => leftStrip + padding + column * (slotWidth + padding),
    slotTop: (row) => topStrip + padding + row * (slotHeight + padding),
  };
}

// Where something of size `inner` starts to sit centred in `outer` (rounded towards the start).
function centringOffset(outer: number, inner: number): number {
  return Math.floor((outer - inner) / 2);
}

function checkedShape(images: Float32Array, shape: number[]): number[] {
  const isPositiveInteger = (size: number) => Number.isInteger(size) && size > 0;
  if (shape.length !== 4 || !shape.every(isPositiveInteger)) {
    throw new Error(`imageGrid: shape [${shape.join(', ')}] must be [N, C, H, W] of positive integers`);
  }
  const [N, C, H, W] = shape;
  if (C !== 1 && C !== 3) throw new Error(`imageGrid: C = ${C}, but only 1 (grey) or 3 (RGB) channels are supported`);
  if (images.length !== N * C * H * W) {
    throw new Error(`imageGrid: shape [${shape.join(', ')}] holds ${N * C * H * W} values but images has ${images.length}`);
  }
  return shape;
}

function checkOptions(columns: number, padding: number, padValue: number, scale: number, rows: number, opts: GridOptions): void {
  if (!Number.isInteger(columns) || columns < 1) throw new Error(`imageGrid: columns = ${columns} must be a positive integer`);
  if (!Number.isInteger(padding) || padding < 0) throw new Error(`imageGrid: padding = ${padding} must be a non-negative integer`);
  if (!(padValue >= 0 && padValue <= 1)) throw new Error(`imageGrid: padValue = ${padValue} must lie in [0, 1]`);
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`imageGrid: scale = ${scale} must be a positive integer`);
  if ((opts.rowLabels?.length ?? 0) > rows) {
    throw new Error(`imageGrid: ${opts.rowLabels!.length} row labels for a grid of ${rows} rows`);
  }
  if ((opts.columnLabels?.length ?? 0) > columns) {
    throw new Error(`imageGrid: ${opts.columnLabels!.length} column labels for a grid of ${columns} columns`);
  }
}

function blankCanvas(width: number, height: number, grey: number): RgbaImage {
  const rgba = new Uint8Array(width * height * CHANNELS_OUT);
  for (let i = 0; i < width * height; i++) rgba.set([grey, grey, grey, OPAQUE], i * CHANNELS_OUT);
  return { width, height, rgba };
}

// Copies one CHW image onto the canvas with its top-left corner at (left, top); grey images
// repeat their one channel as R, G and B.
function pasteImage(canvas: RgbaImage, image: Float32Array, [C, H, W]: number[], scale: number, left: number, top: number): void {
  for (let y = 0; y < H * scale; y++) {
    for (let x = 0; x < W * scale; x++) {
      const source = Math.floor(y / scale) * W + Math.floor(x / scale);
      const out = ((top + y) * canvas.width + left + x) * CHANNELS_OUT;
      for (let rgb = 0; rgb < 3; rgb++) canvas.rgba[out + rgb] = toByte(image[(C === 1 ? 0 : rgb) * H * W + source]);
    }
  }
}

// Draws `text` with its top-left corner at (left, top), clipped to the canvas.
function drawCaption(canvas: RgbaImage, text: string, scale: number, ink: number, left: number, top: number): void {
  drawText(text, scale, (x, y) => {
    const [px, py] = [left + x, top + y];
    if (px < 0 || py < 0 || px >= canvas.width || py >= canvas.height) return;
    const pixel = (py * canvas.width + px) * CHANNELS_OUT;
    canvas.rgba.fill(ink, pixel, pixel + 3); // R, G, B; alpha stays opaque
  });
}

/** Writes an RGBA image as a PNG file (via `<path>.tmp` and a rename). */
export function writePng(path: string, image: RgbaImage): void {
  const { width, height, rgba } = image;
  if (rgba.length !== width * height * CHANNELS_OUT) {
    throw new Error(`writePng: ${path}: ${width}x${height} RGBA needs ${width * height * CHANNELS_OUT} bytes, got ${rgba.length}`);
  }
  const png = new PNG({ width, height });
  png.data.set(rgba);
  writeFileAtomic(path, PNG.sync.write(png));
}

/** Reads a PNG file of any colour type as 8-bit RGBA. */
export function readPng(path: string): RgbaImage {
  const png = PNG.sync.read(readFileSync(path));
  return { width: png.width, height: png.height, rgba: new Uint8Array(png.data) };
}

/** `imageGrid` followed by `writePng`. */
export function writeImageGrid(
  path: string,
  images: Float32Array,
  shape: [number, number, number, number],
  opts: GridOptions = {},
): RgbaImage {
  const grid = imageGrid(images, shape, opts);
  writePng(path, grid);
  return grid;
}
