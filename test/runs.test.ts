// Reports that grow with a run and the page of all runs: the smoothing, block means and epoch ends of the
// per-step chart by hand-worked values; runs/index.html built by `runs` from fixture run directories (its
// table, metrics and embedded curves); Fashion-MNIST's class names in titles and legends.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blockMeans, epochEnds, smooth, type StepLine } from '../experiments/lib/report/training.js';
import { latentFigures } from '../experiments/vae/figures.js';
import { FASHION_MNIST_NAMES, MNIST_NAMES, dataSetNames } from '../models/data/names.js';
import type { ColouredDigits } from '../models/data/coloured-mnist.js';
import type { TestEvaluation } from '../models/vae/evaluate.js';
import { assertClose } from './lib/check.js';

const scratch = mkdtempSync(join(tmpdir(), 'runs-test-'));
test.after(() => rmSync(scratch, { recursive: true, force: true }));

test('smooth: the debiased moving average by hand (window 2: b = 1/2)', () => {
  // s1 = 1, shown 1 / (1 - 1/2) = 2; s2 = 1/2 + 2 = 2.5, shown 2.5 / (3/4); s3 = 1.25 + 2 = 3.25, shown 3.25 / (7/8)
  assertClose(smooth([2, 4, 4], 2), [2, 10 / 3, 26 / 7], 1e-15, 1e-15);
  assert.equal(smooth([5, 1, 7], 1), [5, 1, 7], 'window 1 is the values themselves');
});

test('blockMeans and epochEnds', () => {
  assert.equal(blockMeans([1, 2, 3, 4, 5], [1, 3, 5, 7, 9], 2), { x: [1.5, 3.5, 5], y: [2, 6, 9] });
  const steps = [1, 1, 2, 2, 3].map((epoch, i) => ({ epoch, step: i + 1, loss: 0 })) as StepLine[];
  assert.equal(epochEnds(steps), [2, 4]);
});

/** Writes a run directory: config.json, metrics.jsonl, and the other files given. */
function fixtureRun(root: string, name: string, config: object, metrics: object[], files: Record<string, string> = {}): void {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  writeFileSync(join(dir, 'metrics.jsonl'), metrics.map((m) => JSON.stringify(m) + '\n').join(''));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
}

test('runs writes index.html listing every run with its kind, preset, data, last metrics, epochs, time and report', () => {
  const root = join(scratch, 'runs');
  fixtureRun(
    root,
    'vae-a',
    { script: 'vae', model: { kind: 'continuous', variant: 'mlp' }, preset: 'quick', data: 'embedded', epochs: 2 },
    [
      { epoch: 1, train_nelbo: 200.5, test_nelbo: 190.25, control_mean: 0.5, recon_keeps_colour: 0.5, lr: 0.001, seconds: 30 },
      { epoch: 2, train_nelbo: 160.5, test_nelbo: 150.125, control_mean: 0.75, recon_keeps_colour: 0.875, lr: 0.001, seconds: 31.5 },
    ],
    {
      'steps.jsonl': [1, 2, 3, 4].map((step) => JSON.stringify({ epoch: step <= 2 ? 1 : 2, step, loss: 100 - step, lr: 0.001 }) + '\n').join('') + '{"epoch":3,"st',
      'report.html': '<!DOCTYPE html>',
      '.lock': `${process.pid}\n`, // this process is alive: the run shows as running
    },
  );
  // written before config.json named its script: widths make it the classifier
  fixtureRun(root, 'clf', { preset: 'judge', data: '/somewhere/fashion-mnist', epochs: 9, widths: { conv1: 16 } }, [{ epoch: 1, loss: 0.5, test_accuracy: 0.8125, lr: 0.002, seconds: 60 }]);
  mkdirSync(join(root, 'pictures'));
  writeFileSync(join(root, 'pictures', 'a.png'), ''); // no config or metrics: not a run

  const result = spawnSync(process.execPath, ['dist/experiments/runs.mjs', '--root', root], { encoding: 'utf8' });
  assert.is(result.status, 0, result.stderr);
  assert.is(result.stdout.trim(), `wrote ${join(root, 'index.html')} (2 runs)`);
  const html = readFileSync(join(root, 'index.html'), 'utf8');
  const rows = [...html.matchAll(/<tr><td><input[^>]*data-run="([^"]*)"[^>]*><\/td>(.*?)<\/tr>/g)].map((m) => [m[1], ...[...m[2].matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1])]);
  assert.equal(rows, [
    ['clf', 'clf', 'classifier', 'judge', '<span title="/somewhere/fashion-mnist">Fashion-MNIST (fashion-mnist)</span>', 'test_accuracy 0.8125', '1/9', '1:00', ''],
    [
      'vae-a', 'vae-a', 'vae continuous mlp', 'quick', '<span title="embedded">MNIST (embedded)</span>',
      'test_nelbo 150.1<br>control_mean 0.7500<br>recon_keeps_colour 0.8750', '2/2 <span class="running">running</span>', '1:02', // 61.5 s
      '<a href="vae-a/report.html">report</a>',
    ],
  ]);
  // the chart's data: each run's per-epoch metrics and its whole step lines (the cut-off one skipped)
  const data = JSON.parse(/<script type="application\/json" id="runs-data">(.*?)<\/script>/.exec(html)![1]) as { runs: Record<string, unknown>[] };
  assert.equal(data.runs[1], {
    name: 'vae-a',
    epoch: [1, 2],
    metrics: { train_nelbo: [200.5, 160.5], test_nelbo: [190.25, 150.125], control_mean: [0.5, 0.75], recon_keeps_colour: [0.5, 0.875], lr: [0.001, 0.001] },
    steps: { x: [1, 2, 3, 4], y: [99, 98, 97, 96] },
  });
  const script = /<script>(.*)<\/script>/s.exec(html)![1];
  assert.not.throws(() => new Function(script), 'the page script parses');

  const help = spawnSync(process.execPath, ['dist/experiments/runs.mjs', '--help'], { encoding: 'utf8' });
  assert.is(help.status, 0);
  assert.match(help.stdout, /--root/);
});

test('Fashion-MNIST: a source whose path names it gets its class names in legends and titles', () => {
  assert.is(dataSetNames('embedded'), MNIST_NAMES);
  assert.is(dataSetNames('/data/mnist'), MNIST_NAMES);
  assert.is(dataSetNames('/data/Fashion-MNIST'), FASHION_MNIST_NAMES);
  assert.is(FASHION_MNIST_NAMES.classes.length, 10);

  // ten test images, one of each class, at latent means (k, -k)
  const count = 10;
  const data = { count, digit: Uint8Array.from({ length: count }, (_, k) => k), colour: new Uint8Array(count) } as unknown as ColouredDigits;
  const evaluation = { mu: Float32Array.from({ length: 2 * count }, (_, i) => (i % 2 === 0 ? i / 2 : -(i - 1) / 2)) } as unknown as TestEvaluation;
  const dir = mkdtempSync(join(scratch, 'figures-'));
  const figures = latentFigures(dir, evaluation, data, 2, FASHION_MNIST_NAMES);
  assert.equal(figures.map((f) => f.title), ['Latent space z[0], z[1] by colour', 'Latent space z[0], z[1] by class']);
  assert.match(figures[1].caption!, /coloured by Fashion-MNIST class\.$/);
  const svg = readFileSync(join(dir, figures[1].file), 'utf8');
  assert.ok(svg.includes('>Test means by class</text>'));
  const legend = [...svg.matchAll(/<g class="legend-entry"><circle [^>]*\/><text [^>]*>([^<]*)</g)].map((m) => m[1]);
  assert.equal(legend, ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
  const digits = latentFigures(mkdtempSync(join(scratch, 'figures-')), evaluation, data, 2, MNIST_NAMES);
  assert.equal(digits[1].title, 'Latent space z[0], z[1] by digit');
});

test.run();
