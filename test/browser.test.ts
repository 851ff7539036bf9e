// The engine in a real browser: headless Chromium (Debian's `chromium`, driven by playwright-core, WebGPU
// enabled) opens the pages built into dist/web/ and served by experiments/lib/static-server.ts.
//   playground  the op subset of experiments/web/op-check.ts on WebGPU against the CPU backend, and the
//               README's MLP for 50 steps, whose losses must match the same 50 steps run here under Node;
//   explorer    a small joint VAE trained here for a few steps and saved as a run: the page loads it over
//               HTTP and decodes a fixed code to the pixels Node decodes from it.
// Screenshots of both pages are written to runs/browser/.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import * as E from '../engine/node.js';
import { writeText } from '../engine/io/files.js';
import { trainXor } from '../experiments/web/xor.js';
import { Vae, type VaeConfig } from '../models/vae/model.js';
import { trainStep } from '../models/vae/train.js';
import { decodeCodes } from '../models/vae/control.js';
import type { LatentsRecord } from '../experiments/vae/figures.js';
import { startStaticServer, type StaticServer } from '../experiments/lib/static-server.js';
import { DIGITS_PATH, digitSampleJson } from '../experiments/lib/digit-sample.js';
import { digitSample, trainDigitsNet } from '../experiments/web/digits-net.js';
import { loadEmbeddedMnist } from '../models/data/mnist.js';
import { assertClose } from './lib/check.js';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan'];
const STEPS = 50;
const SCREENSHOTS = 'runs/browser';

interface PlaygroundApi {
  ready: Promise<void>;
  adapter: () => string | null;
  run: (model: 'xor' | 'digits', steps: number, backend: 'webgpu' | 'cpu') => Promise<{ losses: number[]; stepsPerSecond: number; accuracy?: number }>;
  checkOps: () => Promise<{ name: string; maxError: number; ok: boolean }[]>;
}

let server: StaticServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

test.before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium), as .ci/run does, or set CHROMIUM_PATH`);
  if (!existsSync('dist/web/playground.html')) throw new Error('dist/web/playground.html is missing: build first (npm run build:web)');
  server = await startStaticServer('dist/web', 'runs', 0, { [DIGITS_PATH]: digitSampleJson });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 820, height: 620 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${server.url}playground.html`);
  await page.evaluate(() => (window as unknown as { playground: PlaygroundApi }).playground.ready);
});

test.after(async () => {
  await browser?.close();
  await server?.close();
  E.releaseDevice();
});

test('the page finds a WebGPU adapter and loads without errors', async () => {
  const adapter = await page.evaluate(() => (window as unknown as { playground: PlaygroundApi }).playground.adapter());
  console.log(`browser WebGPU adapter: ${adapter}`);
  assert.ok(adapter, 'no WebGPU adapter in the browser');
  assert.equal(pageErrors, []);
});

test('in the page, WebGPU agrees with the CPU backend on the op subset (forward and gradients, odd shapes)', async () => {
  const rows = await page.evaluate(() => (window as unknown as { playground: PlaygroundApi }).playground.checkOps());
  assert.ok(rows.length >= 10, `only ${rows.length} op cases ran`);
  for (const row of rows) assert.ok(row.ok, `${row.name}: max error ${row.maxError}`);
});

test(`the playground's first ${STEPS} steps give the losses of the same steps under Node`, async () => {
  const inBrowser = await page.evaluate((steps) => (window as unknown as { playground: PlaygroundApi }).playground.run('xor', steps, 'webgpu'), STEPS);
  console.log(`playground: ${inBrowser.stepsPerSecond.toFixed(1)} steps/s in the browser, loss ${inBrowser.losses[STEPS - 1].toFixed(5)} after ${STEPS} steps`);
  await E.setBackend('webgpu');
  const inNode: number[] = [];
  await trainXor(STEPS, 1, (_, loss) => void inNode.push(loss));
  assert.is(inBrowser.losses.length, STEPS);
  // two float32 implementations of the same kernels (Dawn on this machine, the browser's adapter): rounding
  // differences only, compounded over 50 Adam steps
  assertClose(inBrowser.losses, inNode, 1e-4, 1e-3, 'losses');
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/playground.png` });
  assert.equal(pageErrors, []);
});

test('the playground\'s conv net: the first 20 steps on the served digits give the losses of the same steps under Node', async () => {
  const steps = 20;
  const inBrowser = await page.evaluate((n) => (window as unknown as { playground: PlaygroundApi }).playground.run('digits', n, 'webgpu'), steps);
  console.log(`playground conv net: ${inBrowser.stepsPerSecond.toFixed(1)} steps/s in the browser, loss ${inBrowser.losses[steps - 1].toFixed(4)} after ${steps} steps, held-out accuracy ${(100 * inBrowser.accuracy!).toFixed(0)}%`);
  await E.setBackend('webgpu');
  const inNode: number[] = [];
  const accuracy = await trainDigitsNet(digitSample(loadEmbeddedMnist().train), steps, 1, (_, loss) => void inNode.push(loss));
  assertClose(inBrowser.losses, inNode, 1e-4, 1e-3, 'losses');
  assert.ok(Math.abs(inBrowser.accuracy! - accuracy) <= 0.02, `held-out accuracy ${inBrowser.accuracy} in the browser, ${accuracy} under Node`);
  await page.screenshot({ path: `${SCREENSHOTS}/playground-digits.png` });
});

interface ExplorerApi {
  ready: Promise<void>;
  decode: (code: number[]) => Promise<Float32Array>;
  msPerDecode: () => number[];
}

const EXPLORER_RUN = 'browser-explorer-test';
const EXPLORER_CONFIG: VaeConfig = { kind: 'joint', variant: 'mlp', latent: 2, variables: 1, categories: 10, hard: false };
const TRAINING_STEPS = 5;

/** Trains a small joint VAE for a few steps on random images and writes it as a run the explorer can load. */
async function explorerRun(): Promise<Vae> {
  await E.setBackend('webgpu');
  E.manualSeed(3);
  const model = new Vae(EXPLORER_CONFIG);
  const optimizer = new E.optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = E.rand([32, 3, 28, 28]);
  for (let step = 0; step < TRAINING_STEPS; step++) await trainStep(model, optimizer, x, { tau: 1 });
  model.eval();
  const encoding = model.encode(x);
  const mu = Array.from(await encoding.mu!.toArray());
  const logits = await encoding.logits!.toArray();
  const categories = Array.from({ length: 32 }, (_, i) => {
    const row = Array.from(logits.slice(i * 10, i * 10 + 10));
    return row.indexOf(Math.max(...row));
  });
  const latents: LatentsRecord = { count: 32, latent: 2, mu, variables: 1, categories, colour: categories, digit: categories };
  const dir = join('runs', EXPLORER_RUN);
  rmSync(dir, { recursive: true, force: true });
  writeText(join(dir, 'config.json'), JSON.stringify({ model: EXPLORER_CONFIG }));
  writeText(join(dir, 'latents.json'), JSON.stringify(latents));
  await E.train.saveCheckpoint(join(dir, 'checkpoint.safetensors'), model, optimizer);
  x.dispose();
  return model;
}

test('the latent explorer loads a run over HTTP and decodes a fixed code to the pixels Node decodes', async () => {
  const model = await explorerRun();
  const explorer = await browser.newPage({ viewport: { width: 1000, height: 760 } });
  explorer.on('pageerror', (error) => pageErrors.push(error.message));
  await explorer.goto(`${server.url}explorer.html?run=${EXPLORER_RUN}`);
  await explorer.evaluate(() => (window as unknown as { explorer: ExplorerApi }).explorer.ready);
  const code = [0.4, -0.7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]; // z, then category 3 of the one variable
  const inPage = await explorer.evaluate((c) => (window as unknown as { explorer: ExplorerApi }).explorer.decode(c).then((p) => Array.from(p)), code);
  const inNode = await decodeCodes(model, Float32Array.from(code));
  assert.is(inPage.length, 3 * 28 * 28);
  assertClose(inPage, inNode, 1e-4, 0, 'decoded pixels');
  // drag over the scatter: every position decodes; the page reports its ms per decode
  const box = (await explorer.locator('#scatter').boundingBox())!;
  await explorer.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
  await explorer.mouse.down();
  for (let k = 1; k <= 10; k++) await explorer.mouse.move(box.x + box.width * (0.3 + 0.04 * k), box.y + box.height * (0.3 + 0.03 * k), { steps: 2 });
  await explorer.mouse.up();
  await explorer.waitForTimeout(300);
  const ms = await explorer.evaluate(() => (window as unknown as { explorer: ExplorerApi }).explorer.msPerDecode());
  ms.sort((a, b) => a - b);
  console.log(`explorer: ${ms.length} decodes, median ${ms[Math.floor(ms.length / 2)].toFixed(1)} ms per decode in the browser`);
  assert.ok(ms.length >= 3, `only ${ms.length} decodes while dragging`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await explorer.screenshot({ path: `${SCREENSHOTS}/explorer.png` });
  assert.equal(pageErrors, []);
  model.dispose();
});

test.run();
