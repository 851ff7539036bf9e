/// <reference lib="dom" />
// The training playground page (playground.html): trains the README's MLP (xor.ts) or a small conv net on
// 400 digits (digits-net.ts, data from /data/digits.json) live on WebGPU or the CPU backend, drawing the
// loss as it goes and reporting steps per second. `window.playground` exposes run(model, steps, backend)
// and the op check (op-check.ts) to the browser tests (test/browser.test.ts).
import * as E from '../../engine/index.js';
import { trainXor } from './xor.js';
import { DIGIT_SAMPLE, trainDigitsNet } from './digits-net.js';
import type { GreyDigits } from '../../models/data/digits.js';
import { checkOps } from './op-check.js';

const CHART = { left: 50, right: 710, top: 10, bottom: 270 };
const LOSS_RANGE = [1e-3, 3]; // the chart's log-scale y axis

type ModelName = 'xor' | 'digits';
const MODELS: Record<ModelName, { steps: number; about: string }> = {
  xor: { steps: 300, about: "2 &rarr; 32 &rarr; 32 &rarr; 1, ReLU, Adam (lr 0.02), 256 points of the square labelled x&middot;y &gt; 0: the README's example." },
  digits: {
    steps: 80,
    about: `conv 1 &rarr; 8 &rarr; 16 (3&times;3, ReLU, max-pool 2), linear 784 &rarr; 10, Adam (lr 0.002), batches of 50 of ${DIGIT_SAMPLE.train} embedded digits; accuracy on ${DIGIT_SAMPLE.test} held-out ones at the end.`,
  },
};
let digits: GreyDigits | null = null;

/** The digit sample, fetched once from the server (experiments/lib/digit-sample.ts). */
async function digitData(): Promise<GreyDigits> {
  if (digits) return digits;
  const response = await fetch('data/digits.json');
  if (!response.ok) throw new Error(`data/digits.json: ${response.status} (serve the page with npm run serve)`);
  const json = (await response.json()) as { count: number; images: string; labels: number[] };
  const bytes = Uint8Array.from(atob(json.images), (c) => c.charCodeAt(0));
  digits = { count: json.count, images: new Float32Array(bytes.buffer), labels: Uint8Array.from(json.labels) };
  return digits;
}

function selectedModel(): ModelName {
  return (document.querySelector('input[name=model]:checked') as HTMLInputElement).value as ModelName;
}

function onModelChange(): void {
  const model = MODELS[selectedModel()];
  element('about').innerHTML = model.about;
  (element('steps') as HTMLInputElement).value = String(model.steps);
}
const element = (id: string) => document.getElementById(id)!;

let adapterName: string | null = null;

async function findAdapter(): Promise<void> {
  try {
    adapterName = (await E.webgpu()).adapterName;
    element('adapter').textContent = `WebGPU adapter: ${adapterName}`;
  } catch (error) {
    element('adapter').textContent = `${(error as Error).message} The CPU backend still works.`;
    (document.querySelector('input[value=cpu]') as HTMLInputElement).checked = true;
  }
}

function drawAxes(steps: number): void {
  const ticks: string[] = [];
  for (let p = Math.log10(LOSS_RANGE[0]); p <= 0; p++) {
    const y = yOf(10 ** p);
    ticks.push(`<line class="axis" x1="${CHART.left - 4}" y1="${y}" x2="${CHART.left}" y2="${y}"></line><text class="label" x="${CHART.left - 6}" y="${y + 4}" text-anchor="end">1e${p}</text>`);
  }
  for (const s of [0, steps / 2, steps]) {
    ticks.push(`<text class="label" x="${xOf(s, steps)}" y="${CHART.bottom + 14}" text-anchor="middle">${Math.round(s)}</text>`);
  }
  element('ticks').innerHTML = ticks.join('');
}

const xOf = (step: number, steps: number) => CHART.left + ((CHART.right - CHART.left) * step) / steps;

function yOf(loss: number): number {
  const [low, high] = LOSS_RANGE.map(Math.log10);
  const t = (Math.log10(Math.min(Math.max(loss, LOSS_RANGE[0]), LOSS_RANGE[1])) - low) / (high - low);
  return CHART.bottom - t * (CHART.bottom - CHART.top);
}

/**
 * Trains `model` for `steps` steps on `backend`, reading every loss; returns them with the steps per
 * second (and the held-out accuracy of the digits net).
 */
async function run(model: ModelName, steps: number, backend: 'webgpu' | 'cpu'): Promise<{ losses: number[]; stepsPerSecond: number; accuracy?: number }> {
  const sample = model === 'digits' ? await digitData() : null;
  (document.querySelector(`input[name=model][value=${model}]`) as HTMLInputElement).checked = true;
  element('about').innerHTML = MODELS[model].about;
  await E.setBackend(backend);
  drawAxes(steps);
  const losses: number[] = [];
  const points: string[] = [];
  const start = performance.now();
  const onLoss = (step: number, loss: number) => {
    losses.push(loss);
    points.push(`${xOf(step, steps).toFixed(1)},${yOf(loss).toFixed(1)}`);
    const seconds = (performance.now() - start) / 1000;
    element('status').textContent = `${backend}: step ${step}/${steps}, loss ${loss.toFixed(4)}, ${(step / seconds).toFixed(1)} steps/s`;
    element('curve').setAttribute('points', points.join(' '));
  };
  const accuracy = sample ? await trainDigitsNet(sample, steps, 1, onLoss) : (await trainXor(steps, 1, onLoss), undefined);
  const stepsPerSecond = steps / ((performance.now() - start) / 1000);
  if (accuracy !== undefined) element('status').textContent += `; held-out accuracy ${(100 * accuracy).toFixed(0)}%`;
  return { losses, stepsPerSecond, accuracy };
}

async function onStart(): Promise<void> {
  const button = element('start') as HTMLButtonElement;
  button.disabled = true;
  try {
    const backend = (document.querySelector('input[name=backend]:checked') as HTMLInputElement).value as 'webgpu' | 'cpu';
    const steps = Number((element('steps') as HTMLInputElement).value);
    if (!Number.isInteger(steps) || steps < 1 || steps > 5000) throw new Error(`steps must be a whole number from 1 to 5000, got ${(element('steps') as HTMLInputElement).value}`);
    await run(selectedModel(), steps, backend);
  } catch (error) {
    element('status').textContent = `error: ${(error as Error).message}`;
  } finally {
    button.disabled = false;
  }
}

element('start').addEventListener('click', () => void onStart());
for (const input of document.querySelectorAll('input[name=model]')) input.addEventListener('change', onModelChange);
onModelChange();
const ready = findAdapter();
/** Turns the kernel profiler on or off (from the console: `await playground.profile(true)`, train, then `console.log(await playground.profileReport())`). */
const profile = async (on: boolean) => (await E.webgpu()).setProfile(on);
const profileReport = async () => (await E.webgpu()).profileReport();
(window as unknown as { playground: object }).playground = { ready, run, checkOps, profile, profileReport, adapter: () => adapterName };
