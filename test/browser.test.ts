// The engine in a real browser: headless Chromium (Debian's `chromium`, driven by playwright-core, WebGPU
// enabled) opens the playground page built into dist/web/ and served by experiments/lib/static-server.ts.
// In the page: the op subset of experiments/web/op-check.ts on WebGPU against the CPU backend, and the
// README's MLP for 50 steps, whose losses must match the same 50 steps run here under Node. A screenshot
// of the page after training is written to runs/browser/playground.png.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import * as E from '../engine/index.js';
import { trainXor } from '../experiments/web/xor.js';
import { startStaticServer, type StaticServer } from '../experiments/lib/static-server.js';
import { assertClose } from './lib/check.js';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan'];
const STEPS = 50;
const SCREENSHOTS = 'runs/browser';

interface PlaygroundApi {
  ready: Promise<void>;
  adapter: () => string | null;
  run: (steps: number, backend: 'webgpu' | 'cpu') => Promise<{ losses: number[]; stepsPerSecond: number }>;
  checkOps: () => Promise<{ name: string; maxError: number; ok: boolean }[]>;
}

let server: StaticServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

test.before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium), as .ci/run does, or set CHROMIUM_PATH`);
  if (!existsSync('dist/web/playground.html')) throw new Error('dist/web/playground.html is missing: build first (npm run build:web)');
  server = await startStaticServer('dist/web', 'runs');
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
  const inBrowser = await page.evaluate((steps) => (window as unknown as { playground: PlaygroundApi }).playground.run(steps, 'webgpu'), STEPS);
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

test.run();
