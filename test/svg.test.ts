// SVG plots: nice ticks by hand-worked values, polyline and point coordinates for hand-worked
// data, legends, and escaping.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatTick, lineChart, niceStep, niceTicks, scatterPlot } from '../experiments/lib/report/svg.js';

test('niceStep rounds to 1, 2 or 5 times a power of ten', () => {
  assert.equal([0.2, 0.454, 1.8, 3.2, 7.5, 130].map(niceStep), [0.2, 0.5, 2, 5, 10, 100]);
});

test('niceTicks by hand-worked ranges', () => {
  // range 1 / 5 intervals = 0.2
  assert.equal(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  // 2.27 / 5 = 0.454 -> 0.5; widened outwards to multiples of 0.5
  assert.equal(niceTicks(0.13, 2.4), [0, 0.5, 1, 1.5, 2, 2.5]);
  // epochs 1..10: 9 / 5 = 1.8 -> 2
  assert.equal(niceTicks(1, 10), [0, 2, 4, 6, 8, 10]);
  // 50 / 5 = 10 -> 10
  assert.equal(niceTicks(-3, 47), [-10, 0, 10, 20, 30, 40, 50]);
  // a single value is widened by 10% either side: [4.5, 5.5], step 0.2
  assert.equal(niceTicks(5, 5), [4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6]);
  assert.equal(niceTicks(0, 0), [-1, -0.5, 0, 0.5, 1]);
  assert.throws(() => niceTicks(2, 1), /need finite min <= max, got \[2, 1\]/);
});

test('formatTick shows the decimals the step needs', () => {
  assert.is(formatTick(0.6000000000000001, 0.2), '0.6');
  assert.is(formatTick(2, 0.5), '2.0');
  assert.is(formatTick(40, 10), '40');
  assert.is(formatTick(0.00015, 0.00005), '0.00015');
});

// The line chart's plot area is x in [80, 560] (480 wide) and y in [40, 360] (320 tall).
test('lineChart draws one polyline per series at hand-worked coordinates', () => {
  const svg = lineChart({
    title: 'Loss',
    xLabel: 'epoch',
    yLabel: 'loss',
    series: [
      // x ticks 0..2 step 0.5, y ticks 0..1 step 0.2:
      // px = 80 + x / 2 * 480, py = 360 - y * 320
      { name: 'train', x: [0, 1, 2], y: [0, 0.5, 1] },
      { name: 'test', x: [0, 2], y: [0.25, 0.75] },
    ],
  });
  const polylines = [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((m) => m[1]);
  assert.equal(polylines, ['80,360 320,200 560,40', '80,280 560,120']);
  const legend = [...svg.matchAll(/<g class="legend-entry">.*?<text [^>]*>([^<]*)<\/text><\/g>/g)].map((m) => m[1]);
  assert.equal(legend, ['train', 'test']);
  for (const label of ['0.0', '0.5', '1.0', '1.5', '2.0', '0.2', '0.8']) assert.ok(svg.includes(`>${label}</text>`), label);
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
});

test('lineChart skips non-finite points and escapes text', () => {
  const svg = lineChart({
    title: 'a < b & "c"',
    xLabel: 'x',
    yLabel: 'y',
    series: [{ name: 'diverged <run>', x: [0, 1, 2], y: [0, NaN, 1] }],
  });
  assert.match(svg, /points="80,360 560,40"/);
  assert.ok(svg.includes('a &lt; b &amp; &quot;c&quot;'));
  assert.ok(svg.includes('>diverged &lt;run&gt;</text>'));
  assert.throws(() => lineChart({ title: 't', xLabel: '', yLabel: '', series: [{ name: 's', x: [1], y: [] }] }), /series "s" has 1 x values but 0 y values/);
});

test('lineChart: hover titles on every dot of a short series and about 150 of a long one; dashed verticals; faint series', () => {
  const svg = lineChart({
    title: 'Steps',
    xLabel: 'step',
    yLabel: 'loss',
    series: [
      // x ticks 0..2 step 0.5 as above: px = 80 + x / 2 * 480
      { name: 'raw', x: [0, 1, 2], y: [0, 0.5, 1], faint: true, colour: '#123456' },
      { name: 'long', x: Array.from({ length: 300 }, (_, i) => i / 150), y: Array.from({ length: 300 }, () => 0.5) },
    ],
    verticals: { name: 'epoch end', x: [1] },
  });
  const titles = [...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]);
  assert.equal(titles.slice(0, 3), ['raw: step 0, 0', 'raw: step 1, 0.5000', 'raw: step 2, 1']);
  // the long series: every second point (stride ceil(300 / 150) = 2) and the last one
  assert.is(titles.length, 3 + 151);
  assert.is(titles[titles.length - 1], 'long: step 1.993, 0.5000');
  assert.match(svg, /<polyline fill="none" stroke="#123456" stroke-width="1" stroke-opacity="0.35" points="80,360 320,200 560,40"\/>/);
  assert.match(svg, /<line class="vertical" x1="320" y1="40" x2="320" y2="360" stroke="#999" stroke-dasharray="4 3"\/>/);
  const legend = [...svg.matchAll(/<g class="legend-entry">.*?<text [^>]*>([^<]*)<\/text><\/g>/g)].map((m) => m[1]);
  assert.equal(legend, ['raw', 'long', 'epoch end']);
});

// The scatter plot's area is x in [80, 480] and y in [40, 440].
test('scatterPlot colours points by label at hand-worked coordinates', () => {
  const svg = scatterPlot({
    title: 'Latent space',
    xLabel: 'z0',
    yLabel: 'z1',
    // Domain 0..1 on both axes: cx = 80 + x * 400, cy = 440 - y * 400.
    points: { x: new Float32Array([0, 1, 0.5]), y: new Float32Array([0, 1, 0.5]), label: new Int32Array([0, 2, 2]) },
    labelNames: ['zero', 'one', 'two'],
    colours: ['red', 'green', 'blue'],
  });
  const groups = [...svg.matchAll(/<g class="label" data-label="(\d+)" fill="(\w+)"[^>]*>(.*?)<\/g>/g)];
  assert.equal(groups.map((g) => [g[1], g[2]]), [['0', 'red'], ['2', 'blue']]);
  const centres = (group: string) => [...group.matchAll(/cx="([^"]*)" cy="([^"]*)"/g)].map((m) => `${m[1]},${m[2]}`);
  assert.equal(centres(groups[0][3]), ['80,440']);
  assert.equal(centres(groups[1][3]), ['480,40', '280,240']);
  const legend = [...svg.matchAll(/<g class="legend-entry"><circle [^>]*fill="(\w+)"\/><text [^>]*>([^<]*)</g)].map((m) => [m[1], m[2]]);
  assert.equal(legend, [['red', 'zero'], ['blue', 'two']]);
  assert.throws(
    () => scatterPlot({ title: 't', xLabel: '', yLabel: '', points: { x: [0], y: [0], label: [-1] } }),
    /label\[0\] = -1 is not a non-negative integer/,
  );
});

test.run();
