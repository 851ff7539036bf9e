/// <reference lib="dom" />
// The latent explorer page (explorer.html?run=<name>): loads a VAE run's config.json, checkpoint,
// latents.json and colour-control.json over HTTP (npm run serve serves runs/), draws the test set's
// posterior means on two chosen latent axes coloured by colour or by digit, and decodes in the page as the
// pointer moves over the plot (the other axes held at the test set's mean, each categorical variable at its
// picker's category), reporting the milliseconds per decode. The palette draws samples of a chosen colour
// with the run's colour-control mechanism. `window.explorer` exposes load() and decode() to the browser tests.
import * as E from '../../engine/index.js';
import { restoreCheckpoint } from '../../engine/io/checkpoint.js';
import { checkRunName } from '../../engine/train/names.js';
import { Vae, type VaeConfig } from '../../models/vae/model.js';
import { decodeCodes, sampleColour, type ColourControl } from '../../models/vae/control.js';
import { PALETTE } from '../../models/data/coloured-mnist.js';
import { DIGITS, IMAGE_SIDE, PIXELS } from '../../models/data/digits.js';
import type { LatentsRecord } from '../vae/figures.js';

const PLOT = { size: 460, margin: 30 };
const PRIOR_RANGE = 3; // the axes' half-width without test latents: 3 standard deviations of N(0, 1)
const SAMPLES_PER_COLOUR = 8;
const DIGIT_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const PALETTE_HEX = PALETTE.map(({ rgb }) => `rgb(${rgb.join(',')})`);
const element = (id: string) => document.getElementById(id)!;

interface LoadedRun {
  name: string;
  model: Vae;
  latents: LatentsRecord;
  control: ColourControl | null;
  /** the code the pointer edits: L continuous values, then N one-hot groups of K */
  code: Float32Array;
  axes: [number, number];
  colourBy: 'colour' | 'digit';
}

let run: LoadedRun | null = null;
let decodeMs: number[] = [];
let decoding = false;
let decodeAgain = false; // the code changed while a decode ran

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText} (is the run trained, and the page served by npm run serve?)`);
  return response;
}

/** Loads run `name` from runs/<name>/ and draws it. */
async function load(name: string): Promise<void> {
  checkRunName(name, 'explorer');
  const base = `runs/${name}/`;
  const config = (await (await fetchOk(`${base}config.json`)).json()) as { model: VaeConfig };
  const bytes = new Uint8Array(await (await fetchOk(`${base}checkpoint.safetensors`)).arrayBuffer());
  const latentsResponse = await fetch(`${base}latents.json`);
  const controlResponse = await fetch(`${base}colour-control.json`);
  const control = controlResponse.ok ? ((await controlResponse.json()) as ColourControl) : null;
  run?.model.dispose();
  const model = new Vae(config.model);
  // runs trained before latents.json existed: no scatter, the axes span PRIOR_RANGE around the prior's mean
  const latents: LatentsRecord = latentsResponse.ok
    ? ((await latentsResponse.json()) as LatentsRecord)
    : { count: 0, latent: model.hasContinuous ? config.model.latent : 0, mu: [], variables: model.hasDiscrete ? config.model.variables : 0, categories: [], colour: [], digit: [] };
  restoreCheckpoint(bytes, `${base}checkpoint.safetensors`, model);
  model.eval();
  const { latent: L, variables: N } = latents;
  const code = new Float32Array(model.codeSize);
  for (let a = 0; a < L; a++) code[a] = mean(latents.mu, a, L);
  for (let v = 0; v < N; v++) code[L + v * config.model.categories] = 1; // category 0 of each variable
  run = { name, model, latents, control, code, axes: [0, Math.min(1, L - 1)], colourBy: 'colour' };
  decodeMs = [];
  const scatter = latentsResponse.ok ? `${latents.count} test images` : 'no latents.json (the run predates it): no scatter';
  element('info').textContent = `${name}: ${model.describe()}, ${model.parameterCount().toLocaleString('en-US')} parameters; ${scatter}`;
  drawControls();
  drawScatter();
  await decodeAndDraw(); // the first decode also compiles the decoder's kernels: not counted below
  decodeMs = [];
}

/** The mean of one axis of (count, stride) values; 0 (the prior's mean) without values. */
function mean(values: number[], axis: number, stride: number): number {
  let sum = 0;
  for (let i = axis; i < values.length; i += stride) sum += values[i];
  return values.length === 0 ? 0 : sum / (values.length / stride);
}

function drawControls(): void {
  const { latents, model } = run!;
  const parts: string[] = [];
  if (latents.latent >= 2) {
    const options = (selected: number) => Array.from({ length: latents.latent }, (_, a) => `<option value="${a}"${a === selected ? ' selected' : ''}>z[${a}]</option>`).join('');
    parts.push(`<label>x axis <select id="axis-x">${options(run!.axes[0])}</select></label>`);
    parts.push(`<label>y axis <select id="axis-y">${options(run!.axes[1])}</select></label>`);
  }
  if (latents.latent >= 1) parts.push(`<label>colour by <select id="colour-by"><option value="colour">colour</option><option value="digit">digit</option></select></label>`);
  for (let v = 0; v < latents.variables; v++) {
    const options = Array.from({ length: model.config.categories }, (_, k) => `<option value="${k}">${k}</option>`).join('');
    parts.push(`<label>variable ${v} <select class="category" data-variable="${v}">${options}</select></label>`);
  }
  element('controls').innerHTML = parts.join('');
  for (const select of document.querySelectorAll('#controls select')) select.addEventListener('change', onControlChange);
  element('palette').innerHTML = PALETTE.map((p, c) => `<button title="${p.name}" data-colour="${c}" style="background:${PALETTE_HEX[c]}"></button>`).join('');
  for (const button of document.querySelectorAll('#palette button')) {
    button.addEventListener('click', () => void drawColourSamples(Number((button as HTMLElement).dataset.colour)));
  }
}

function onControlChange(): void {
  const r = run!;
  const value = (id: string) => Number((document.getElementById(id) as HTMLSelectElement | null)?.value ?? 0);
  if (r.latents.latent >= 2) r.axes = [value('axis-x'), value('axis-y')];
  r.colourBy = ((document.getElementById('colour-by') as HTMLSelectElement | null)?.value ?? 'colour') as 'colour' | 'digit';
  const K = r.model.config.categories;
  for (const select of document.querySelectorAll('#controls select.category')) {
    const v = Number((select as HTMLSelectElement).dataset.variable);
    const offset = r.latents.latent + v * K;
    r.code.fill(0, offset, offset + K);
    r.code[offset + Number((select as HTMLSelectElement).value)] = 1;
  }
  drawScatter();
  void decodeAndDraw();
}

/** The plot's data range on each chosen axis, padded by 5%. */
function ranges(): [number, number][] {
  const { latents, axes } = run!;
  if (latents.count === 0) return axes.map(() => [-PRIOR_RANGE, PRIOR_RANGE]) as [number, number][];
  return axes.map((a) => {
    let [low, high] = [Infinity, -Infinity];
    for (let i = a; i < latents.mu.length; i += latents.latent) [low, high] = [Math.min(low, latents.mu[i]), Math.max(high, latents.mu[i])];
    const pad = 0.05 * (high - low || 1);
    return [low - pad, high + pad];
  }) as [number, number][];
}

function drawScatter(): void {
  const svg = element('scatter');
  const { latents, axes, colourBy } = run!;
  if (latents.latent === 0) {
    svg.innerHTML = `<text x="20" y="40">no continuous latent: pick categories on the right</text>`;
    return;
  }
  const [[x0, x1], [y0, y1]] = ranges();
  const span = PLOT.size - 2 * PLOT.margin;
  const dots: string[] = [];
  for (let i = 0; i < latents.count; i++) {
    const x = PLOT.margin + ((latents.mu[i * latents.latent + axes[0]] - x0) / (x1 - x0)) * span;
    const y = PLOT.size - PLOT.margin - ((latents.mu[i * latents.latent + axes[1]] - y0) / (y1 - y0)) * span;
    const fill = colourBy === 'colour' ? PALETTE_HEX[latents.colour[i]] : DIGIT_COLOURS[latents.digit[i] % DIGITS];
    dots.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="2" fill="${fill}" fill-opacity="0.7"></circle>`);
  }
  const label = (a: number) => `z[${a}]`;
  svg.innerHTML = `${dots.join('')}<text x="${PLOT.size / 2}" y="${PLOT.size - 8}" text-anchor="middle" font-size="12">${label(axes[0])}</text><text x="12" y="${PLOT.size / 2}" font-size="12" transform="rotate(-90 12 ${PLOT.size / 2})" text-anchor="middle">${label(axes[1])}</text><circle id="cursor" r="6" fill="none" stroke="#000" stroke-width="2" cx="-10" cy="-10"></circle>`;
}

/** Moves the code's two chosen axes to the pointer's position on the plot and decodes. */
function onPointer(event: PointerEvent): void {
  if (!run || run.latents.latent === 0 || (event.buttons === 0 && event.type !== 'pointerdown')) return;
  const svg = element('scatter') as unknown as SVGSVGElement;
  const box = svg.getBoundingClientRect();
  const [px, py] = [((event.clientX - box.left) / box.width) * PLOT.size, ((event.clientY - box.top) / box.height) * PLOT.size];
  const [[x0, x1], [y0, y1]] = ranges();
  const span = PLOT.size - 2 * PLOT.margin;
  run.code[run.axes[0]] = x0 + ((px - PLOT.margin) / span) * (x1 - x0);
  run.code[run.axes[1]] = y0 + ((PLOT.size - PLOT.margin - py) / span) * (y1 - y0);
  const cursor = document.getElementById('cursor');
  cursor?.setAttribute('cx', px.toFixed(1));
  cursor?.setAttribute('cy', py.toFixed(1));
  void decodeAndDraw();
}

/** Decoded pixels (3, 28, 28) in [0, 1] of one code (codeSize values). */
async function decode(code: ArrayLike<number>): Promise<Float32Array> {
  if (!run) throw new Error('no run loaded');
  const start = performance.now();
  const pixels = await decodeCodes(run.model, Float32Array.from(code));
  decodeMs.push(performance.now() - start);
  return pixels;
}

/** Decodes the current code and draws it; a request while a decode runs is served once it ends (with the latest code). */
async function decodeAndDraw(): Promise<void> {
  if (!run) return;
  if (decoding) {
    decodeAgain = true;
    return;
  }
  decoding = true;
  try {
    drawImages(element('decoded') as HTMLCanvasElement, await decode(run.code), 1);
    const recent = decodeMs.slice(-20).sort((a, b) => a - b);
    element('timing').textContent = recent.length > 0 ? `decode: ${recent[Math.floor(recent.length / 2)].toFixed(1)} ms (median of the last ${recent.length})` : 'drag over the plot to decode';
    element('code').textContent = `z = [${Array.from(run.code.slice(0, run.latents.latent), (v) => v.toFixed(2)).join(', ')}]`;
  } finally {
    decoding = false;
  }
  if (decodeAgain) {
    decodeAgain = false;
    await decodeAndDraw();
  }
}

async function drawColourSamples(colour: number): Promise<void> {
  if (!run?.control) {
    element('error').textContent = 'this run has no colour-control.json';
    return;
  }
  const images = await sampleColour(run.model, run.control, colour, SAMPLES_PER_COLOUR);
  drawImages(element('samples') as HTMLCanvasElement, images, SAMPLES_PER_COLOUR);
}

/** Draws `count` images (count, 3, 28, 28) in [0, 1] side by side, scaled to the canvas height. */
function drawImages(canvas: HTMLCanvasElement, images: Float32Array, count: number): void {
  const context = canvas.getContext('2d')!;
  const pixels = new ImageData(IMAGE_SIDE * count, IMAGE_SIDE);
  for (let n = 0; n < count; n++) {
    for (let p = 0; p < PIXELS; p++) {
      const target = ((Math.floor(p / IMAGE_SIDE) * count + n) * IMAGE_SIDE + (p % IMAGE_SIDE)) * 4;
      for (let c = 0; c < 3; c++) pixels.data[target + c] = Math.round(255 * images[(n * 3 + c) * PIXELS + p]);
      pixels.data[target + 3] = 255;
    }
  }
  const scratch = new OffscreenCanvas(IMAGE_SIDE * count, IMAGE_SIDE);
  scratch.getContext('2d')!.putImageData(pixels, 0, 0);
  context.imageSmoothingEnabled = false;
  context.drawImage(scratch, 0, 0, canvas.width, canvas.height);
}

async function start(): Promise<void> {
  try {
    await E.setBackend('webgpu');
    element('adapter').textContent = `WebGPU adapter: ${(await E.webgpu()).adapterName}`;
  } catch (error) {
    await E.setBackend('cpu');
    element('adapter').textContent = `${(error as Error).message} Decoding on the CPU backend.`;
  }
  const name = new URLSearchParams(location.search).get('run');
  (element('run') as HTMLInputElement).value = name ?? '';
  if (name) await load(name);
}

async function onLoad(): Promise<void> {
  element('error').textContent = '';
  try {
    await load((element('run') as HTMLInputElement).value.trim());
  } catch (error) {
    element('error').textContent = (error as Error).message;
  }
}

element('load').addEventListener('click', () => void onLoad());
for (const type of ['pointerdown', 'pointermove'] as const) element('scatter').addEventListener(type, (event) => onPointer(event as PointerEvent));
const ready = start().catch((error) => {
  element('error').textContent = (error as Error).message;
});
(window as unknown as { explorer: object }).explorer = { ready, load, decode, msPerDecode: () => [...decodeMs] };
