// The HTML run report: every figure referenced (an SVG embedded), every metric and config value present
// and escaped, the live page's refresh; number formatting by hand-worked values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDuration, formatNumber } from '../engine/io/format';
import { markReportStopped, stopReportOnFailure, writeReport } from '../experiments/lib/report/report.js';

test('formatNumber: integers in full, others to 4 significant digits', () => {
  assert.equal(
    [3, 60000, 0.123456, 0.5, 110.01, -1234.5678, 60000.5, 0.000012346, 1.5e-7, NaN, -Infinity].map(formatNumber),
    ['3', '60000', '0.1235', '0.5000', '110.0', '-1235', '60001', '0.00001235', '1.500e-7', 'NaN', '-Infinity'],
  );
});

test('formatDuration: m:ss below an hour, h:mm:ss above', () => {
  assert.equal([0, 7.4, 59.6, 754, 3723, -1].map(formatDuration), ['0:00', '0:07', '1:00', '12:34', '1:02:03', '?']);
});

test('writeReport references every figure and shows every metric and config value, escaped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'report-'));
  writeFileSync(join(dir, 'loss.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dir, 'samples grid#1.png'), '');
  const path = writeReport(dir, {
    title: 'VAE <MNIST> & friends',
    config: { epochs: 10, learningRate: 0.001, layers: [784, 400, 20], note: 'a "quoted" note' },
    metrics: [
      { epoch: 1, train_loss: 163.456789, test_loss: 140.1 },
      { epoch: 2, train_loss: 120.5, test_loss: 118.04, note: 'lr <- lr/2' },
    ],
    figures: [
      { title: 'Loss', file: 'loss.svg', caption: 'train & test' },
      { title: 'Samples', file: 'samples grid#1.png' },
    ],
  });
  assert.is(path, join(dir, 'report.html'));
  assert.equal(readdirSync(dir).sort(), ['loss.svg', 'report.html', 'samples grid#1.png']);
  const html = readFileSync(path, 'utf8');
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.ok(html.includes('<title>VAE &lt;MNIST&gt; &amp; friends</title>'));
  assert.ok(html.includes('<h3>Loss</h3>\n<svg xmlns="http://www.w3.org/2000/svg"/>\n<figcaption>'), 'the SVG is embedded, so its hover titles work');
  assert.not.ok(html.includes('<img src="loss.svg"'));
  assert.ok(html.includes('<img src="samples%20grid%231.png"'));
  assert.ok(html.includes('<figcaption>train &amp; test</figcaption>'));
  assert.ok(html.includes('<code>[784,400,20]</code>'));
  assert.ok(html.includes('<code>a &quot;quoted&quot; note</code>'));
  assert.ok(html.includes('<tr><th>epoch</th><th>train_loss</th><th>test_loss</th><th>note</th></tr>'));
  const cells = (row: string) => [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
  const rows = [...html.matchAll(/<tr>(<td.*?)<\/tr>/g)].map((m) => cells(m[1]));
  assert.equal(rows, [
    ['1', '163.5', '140.1', ''],
    ['2', '120.5', '118.0', 'lr &lt;- lr/2'],
  ]);
  assert.not.ok(html.includes('<script'), 'no scripts: viewable offline as is');
  assert.not.ok(html.includes('http-equiv="refresh"'), 'a finished run does not reload');
});

test('a live report reloads itself every 30 s and says where the run is; no temporary file is left', () => {
  const dir = mkdtempSync(join(tmpdir(), 'report-'));
  writeReport(dir, { title: 't', config: {}, metrics: [], figures: [], live: 'epoch 2 of 5 done' });
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.match(html, /<head><meta charset="utf-8">\n<meta http-equiv="refresh" content="30">\n<title>t<\/title>/);
  assert.ok(html.includes('<p class="live">Training: epoch 2 of 5 done. This page reloads every 30 s.</p>'));
  assert.equal(readdirSync(dir), ['report.html'], 'no temporary file left');
});

test('writeReport refuses a figure that does not exist', () => {
  const dir = mkdtempSync(join(tmpdir(), 'report-'));
  assert.throws(
    () => writeReport(dir, { title: 't', config: {}, metrics: [], figures: [{ title: 'x', file: 'missing.png' }] }),
    /writeReport: figure file .*missing\.png does not exist/,
  );
});

test('a run that fails turns its live report into a plain page saying why; a final report is left as it was', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'report-stopped-'));
  writeReport(dir, { title: 't', config: {}, metrics: [{ epoch: 1 }], figures: [], live: 'epoch 1 of 5 done' });
  const failed = await stopReportOnFailure(dir, Promise.reject(new Error('vae: the loss became non-finite at step 3 of epoch 2\nmore'))).then(
    () => null,
    (error: Error) => error.message,
  );
  assert.is(failed, 'vae: the loss became non-finite at step 3 of epoch 2\nmore'); // the error goes on unchanged
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.not.ok(html.includes('http-equiv="refresh"'));
  assert.ok(html.includes('<p class="live">Stopped: vae: the loss became non-finite at step 3 of epoch 2. The run wrote nothing after this; its last checkpoint is kept.</p>'));
  writeReport(dir, { title: 'final', config: {}, metrics: [], figures: [] });
  const final = readFileSync(join(dir, 'report.html'), 'utf8');
  markReportStopped(dir, 'late error');
  assert.is(readFileSync(join(dir, 'report.html'), 'utf8'), final);
});

test.run();
