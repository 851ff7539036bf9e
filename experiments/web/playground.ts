/// <reference lib="dom" />
// The training playground page (playground.html): trains the README's MLP (xor.ts) live on WebGPU or the
// CPU backend, drawing the loss as it goes and reporting steps per second. `window.playground` exposes
// run(steps, backend) and the op check (op-check.ts) to the browser tests (test/browser.test.ts).
import * as E from '../../engine/index.js';
import { trainXor } from './xor.js';
import { checkOps } from './op-check.js';

const CHART = { left: 50, right: 710, top: 10, bottom: 270 };
const LOSS_RANGE = [1e-3, 1]; // the chart's log-scale y axis
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

/** Trains for `steps` steps on `backend`, reading every loss; returns them with the steps per second. */
async function run(steps: number, backend: 'webgpu' | 'cpu'): Promise<{ losses: number[]; stepsPerSecond: number }> {
  await E.setBackend(backend);
  drawAxes(steps);
  const losses: number[] = [];
  const points: string[] = [];
  const start = performance.now();
  await trainXor(steps, 1, (step, loss) => {
    losses.push(loss);
    points.push(`${xOf(step, steps).toFixed(1)},${yOf(loss).toFixed(1)}`);
    const seconds = (performance.now() - start) / 1000;
    element('status').textContent = `${backend}: step ${step}/${steps}, loss ${loss.toFixed(4)}, ${(step / seconds).toFixed(0)} steps/s`;
    element('curve').setAttribute('points', points.join(' '));
  });
  return { losses, stepsPerSecond: steps / ((performance.now() - start) / 1000) };
}

async function onStart(): Promise<void> {
  const button = element('start') as HTMLButtonElement;
  button.disabled = true;
  try {
    const backend = (document.querySelector('input[name=backend]:checked') as HTMLInputElement).value as 'webgpu' | 'cpu';
    const steps = Number((element('steps') as HTMLInputElement).value);
    if (!Number.isInteger(steps) || steps < 1 || steps > 5000) throw new Error(`steps must be a whole number from 1 to 5000, got ${(element('steps') as HTMLInputElement).value}`);
    await run(steps, backend);
  } catch (error) {
    element('status').textContent = `error: ${(error as Error).message}`;
  } finally {
    button.disabled = false;
  }
}

element('start').addEventListener('click', () => void onStart());
const ready = findAdapter();
(window as unknown as { playground: object }).playground = { ready, run, checkOps, adapter: () => adapterName };
