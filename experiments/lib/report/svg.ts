// Plots as standalone SVG strings: line charts (loss per epoch, train vs test) and scatter plots
// (2-D latent codes coloured by class). No dependencies; write them with `writeText`. A line chart's
// points carry SVG <title> elements, so a browser shows each value on hover where the chart is part of
// the page (report.html embeds its SVG figures for that reason).
//
// Both share one frame: a plot area inside margins, axes with "nice" ticks (steps of 1, 2 or 5
// times a power of ten) and light grid lines, a title above and a legend in the right margin.
// Data coordinates map linearly onto the plot area, with y growing upwards:
//   px = left + (x - xMin) / (xMax - xMin) * width
//   py = top + height - (y - yMin) / (yMax - yMin) * height

import { formatNumber } from '../../../engine/io/format.js';

export interface Series {
  name: string;
  x: number[];
  y: number[];
  colour?: string; // default: the next colour of PALETTE
  faint?: boolean; // thin and translucent, e.g. raw per-step values under their smoothed curve
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** dashed vertical lines at these x values (e.g. epoch ends), named in the legend */
  verticals?: { name: string; x: number[] };
}

export interface ScatterSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  points: { x: Float32Array | number[]; y: Float32Array | number[]; label: Int32Array | number[] };
  labelNames?: string[]; // legend text for label k; default "k"
  colours?: string[]; // colour of label k; default PALETTE
}

/** Tableau 10: distinguishable colours, used in order for series and labels. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

interface Frame {
  width: number; // of the whole picture
  height: number;
  left: number; // of the plot area
  top: number;
  plotWidth: number;
  plotHeight: number;
}

const MARGIN = { top: 40, right: 160, bottom: 60, left: 80 };
const LINE_PLOT = { width: 480, height: 320 };
const SCATTER_PLOT = { width: 400, height: 400 }; // square, so latent distances look right
const TARGET_INTERVALS = 5; // about this many spaces between ticks
const MARKER_LIMIT = 40; // series with fewer points also get a dot at each point
const HOVER_POINTS = 150; // longer series get an invisible hover target at about this many points
const VERTICAL_COLOUR = '#999';
const FONT = 'font-family="sans-serif" font-size="12"';
const GRID_COLOUR = '#e0e0e0';
const TEXT_COLOUR = '#333';

function frameFor(plot: { width: number; height: number }): Frame {
  return {
    width: MARGIN.left + plot.width + MARGIN.right,
    height: MARGIN.top + plot.height + MARGIN.bottom,
    left: MARGIN.left,
    top: MARGIN.top,
    plotWidth: plot.width,
    plotHeight: plot.height,
  };
}

// ---------------------------------------------------------------------------------------------
// Ticks

/** Rounds a positive step up or down to 1, 2, 5 or 10 times a power of ten. */
export function niceStep(rawStep: number): number {
  const power = 10 ** Math.floor(Math.log10(rawStep));
  const fraction = rawStep / power; // in [1, 10)
  const niceFraction = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  return niceFraction * power;
}

/**
 * Tick values covering [min, max] with a nice step; the first and last tick become the axis
 * range. A zero-width range is widened so that the axis still has extent.
 */
export function niceTicks(min: number, max: number, targetIntervals = TARGET_INTERVALS): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new Error(`niceTicks: need finite min <= max, got [${min}, ${max}]`);
  }
  if (min === max) {
    const widen = min === 0 ? 1 : Math.abs(min) / 10;
    [min, max] = [min - widen, max + widen];
  }
  const step = niceStep((max - min) / targetIntervals);
  const slack = 1e-9; // so that 0.6 / 0.2 = 2.9999999999999996 still counts as 3
  const first = Math.floor(min / step + slack);
  const last = Math.ceil(max / step - slack);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toFixed(decimalsFor(step))));
  return ticks;
}

function decimalsFor(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/** Tick label with as many decimals as the step between ticks needs. */
export function formatTick(value: number, step: number): string {
  return value.toFixed(decimalsFor(step));
}

// ---------------------------------------------------------------------------------------------
// Shared drawing

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

/** A coordinate rounded to 2 decimals, enough for screen pixels. */
function coord(value: number): string {
  return String(Math.round(value * 100) / 100);
}

function linearMap(domain: number[], rangeStart: number, rangeEnd: number): (value: number) => number {
  const [d0, d1] = [domain[0], domain[domain.length - 1]];
  return (value) => rangeStart + ((value - d0) / (d1 - d0)) * (rangeEnd - rangeStart);
}

interface Axes {
  toX: (x: number) => number;
  toY: (y: number) => number;
  svg: string;
}

// Grid lines, tick labels, axis labels and the title for data spanning the given ranges.
function drawAxes(frame: Frame, xRange: number[], yRange: number[], text: { title: string; xLabel: string; yLabel: string }): Axes {
  const xTicks = niceTicks(Math.min(...xRange), Math.max(...xRange));
  const yTicks = niceTicks(Math.min(...yRange), Math.max(...yRange));
  const bottom = frame.top + frame.plotHeight;
  const right = frame.left + frame.plotWidth;
  const toX = linearMap(xTicks, frame.left, right);
  const toY = linearMap(yTicks, bottom, frame.top);
  const xStep = xTicks[1] - xTicks[0];
  const yStep = yTicks[1] - yTicks[0];
  const parts: string[] = [];
  for (const x of xTicks) {
    parts.push(`<line x1="${coord(toX(x))}" y1="${frame.top}" x2="${coord(toX(x))}" y2="${bottom}" stroke="${GRID_COLOUR}"/>`);
    parts.push(`<text x="${coord(toX(x))}" y="${bottom + 18}" text-anchor="middle">${formatTick(x, xStep)}</text>`);
  }
  for (const y of yTicks) {
    parts.push(`<line x1="${frame.left}" y1="${coord(toY(y))}" x2="${right}" y2="${coord(toY(y))}" stroke="${GRID_COLOUR}"/>`);
    parts.push(`<text x="${frame.left - 8}" y="${coord(toY(y) + 4)}" text-anchor="end">${formatTick(y, yStep)}</text>`);
  }
  parts.push(`<rect x="${frame.left}" y="${frame.top}" width="${frame.plotWidth}" height="${frame.plotHeight}" fill="none" stroke="${TEXT_COLOUR}"/>`);
  const centreX = frame.left + frame.plotWidth / 2;
  const centreY = frame.top + frame.plotHeight / 2;
  parts.push(`<text x="${centreX}" y="${frame.top - 16}" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(text.title)}</text>`);
  parts.push(`<text x="${centreX}" y="${bottom + 44}" text-anchor="middle">${escapeXml(text.xLabel)}</text>`);
  parts.push(`<text transform="translate(${frame.left - 56} ${centreY}) rotate(-90)" text-anchor="middle">${escapeXml(text.yLabel)}</text>`);
  return { toX, toY, svg: parts.join('\n') };
}

interface LegendEntry {
  name: string;
  colour: string;
  mark: 'line' | 'dot' | 'dashed' | 'faint';
}

// One row per entry in the right margin, level with the top of the plot area.
function drawLegend(frame: Frame, entries: LegendEntry[]): string {
  const rowHeight = 18;
  const x = frame.left + frame.plotWidth + 16;
  return entries
    .map(({ name, colour, mark }, i) => {
      const y = frame.top + 8 + i * rowHeight;
      const dash = mark === 'dashed' ? ' stroke-dasharray="4 3"' : mark === 'faint' ? ' stroke-opacity="0.35"' : '';
      const swatch =
        mark === 'dot'
          ? `<circle cx="${x + 10}" cy="${y}" r="4" fill="${colour}"/>`
          : `<line x1="${x}" y1="${y}" x2="${x + 20}" y2="${y}" stroke="${colour}" stroke-width="2"${dash}/>`;
      return `<g class="legend-entry">${swatch}<text x="${x + 26}" y="${y + 4}">${escapeXml(name)}</text></g>`;
    })
    .join('\n');
}

function svgDocument(frame: Frame, body: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${frame.width}" height="${frame.height}" viewBox="0 0 ${frame.width} ${frame.height}" ${FONT} fill="${TEXT_COLOUR}">`,
    `<rect width="${frame.width}" height="${frame.height}" fill="white"/>`,
    body,
    '</svg>',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Line chart

/**
 * One polyline per series over shared axes, with a legend. Non-finite points are skipped. Each point of a
 * short series is a dot whose <title> says its value; a long one gets invisible hover targets instead.
 */
export function lineChart(spec: LineChartSpec): string {
  const series = spec.series.map((s, i) => ({ ...s, colour: s.colour ?? PALETTE[i % PALETTE.length], points: finitePoints(s) }));
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) throw new Error(`lineChart "${spec.title}": no finite data points`);
  const frame = frameFor(LINE_PLOT);
  const axes = drawAxes(frame, all.map(([x]) => x), all.map(([, y]) => y), spec);
  const lines = series.map(({ name, points, colour, faint }) => {
    const xy = points.map(([x, y]) => `${coord(axes.toX(x))},${coord(axes.toY(y))}`);
    const stroke = faint ? `stroke="${colour}" stroke-width="1" stroke-opacity="0.35"` : `stroke="${colour}" stroke-width="2"`;
    const label = (i: number) => `${name}: ${spec.xLabel} ${formatNumber(points[i][0])}, ${formatNumber(points[i][1])}`;
    const markers = points.length < MARKER_LIMIT ? xy.map((p, i) => dot(p, colour, label(i))) : hoverTargets(xy, label);
    return `<g class="series" data-name="${escapeXml(name)}"><polyline fill="none" ${stroke} points="${xy.join(' ')}"/>${markers.join('')}</g>`;
  });
  const legendEntries: LegendEntry[] = series.map((s) => ({ name: s.name, colour: s.colour, mark: s.faint ? 'faint' : 'line' }));
  const verticals = spec.verticals ? drawVerticals(frame, axes, spec.verticals.x) : '';
  if (spec.verticals && spec.verticals.x.length > 0) legendEntries.push({ name: spec.verticals.name, colour: VERTICAL_COLOUR, mark: 'dashed' });
  return svgDocument(frame, [axes.svg, verticals, ...lines, drawLegend(frame, legendEntries)].join('\n'));
}

function drawVerticals(frame: Frame, axes: Axes, xs: number[]): string {
  const bottom = frame.top + frame.plotHeight;
  return xs
    .map((x) => `<line class="vertical" x1="${coord(axes.toX(x))}" y1="${frame.top}" x2="${coord(axes.toX(x))}" y2="${bottom}" stroke="${VERTICAL_COLOUR}" stroke-dasharray="4 3"/>`)
    .join('\n');
}

/** Invisible circles at about HOVER_POINTS evenly spaced points (the last one always), each with its value. */
function hoverTargets(xy: string[], label: (i: number) => string): string[] {
  const stride = Math.ceil(xy.length / HOVER_POINTS);
  const chosen = xy.map((_, i) => i).filter((i) => i % stride === 0 || i === xy.length - 1);
  return chosen.map((i) => {
    const [cx, cy] = xy[i].split(',');
    return `<circle cx="${cx}" cy="${cy}" r="4" fill-opacity="0"><title>${escapeXml(label(i))}</title></circle>`;
  });
}

function finitePoints({ name, x, y }: Series): [number, number][] {
  if (x.length !== y.length) throw new Error(`lineChart: series "${name}" has ${x.length} x values but ${y.length} y values`);
  const points: [number, number][] = x.map((xi, i) => [xi, y[i]]);
  return points.filter(([xi, yi]) => Number.isFinite(xi) && Number.isFinite(yi));
}

function dot(point: string, colour: string, label: string): string {
  const [cx, cy] = point.split(',');
  return `<circle cx="${cx}" cy="${cy}" r="3" fill="${colour}"><title>${escapeXml(label)}</title></circle>`;
}

// ---------------------------------------------------------------------------------------------
// Scatter plot

/** Points coloured by integer label, one group per label, with a legend. */
export function scatterPlot(spec: ScatterSpec): string {
  const { x, y, label } = spec.points;
  if (x.length !== y.length || x.length !== label.length) {
    throw new Error(`scatterPlot "${spec.title}": x, y and label lengths differ (${x.length}, ${y.length}, ${label.length})`);
  }
  const kept = [...x.keys()].filter((i) => Number.isFinite(x[i]) && Number.isFinite(y[i]));
  if (kept.length === 0) throw new Error(`scatterPlot "${spec.title}": no finite points`);
  for (const i of kept) {
    if (!Number.isInteger(label[i]) || label[i] < 0) throw new Error(`scatterPlot: label[${i}] = ${label[i]} is not a non-negative integer`);
  }
  const colours = spec.colours ?? PALETTE;
  const colourOf = (k: number) => colours[k % colours.length];
  const nameOf = (k: number) => spec.labelNames?.[k] ?? String(k);

  const frame = frameFor(SCATTER_PLOT);
  const axes = drawAxes(frame, kept.map((i) => x[i]), kept.map((i) => y[i]), spec);
  const labels = [...new Set(kept.map((i) => label[i]))].sort((a, b) => a - b);
  const groups = labels.map((k) => {
    const circles = kept
      .filter((i) => label[i] === k)
      .map((i) => `<circle cx="${coord(axes.toX(x[i]))}" cy="${coord(axes.toY(y[i]))}" r="2"/>`);
    return `<g class="label" data-label="${k}" fill="${colourOf(k)}" fill-opacity="0.7">${circles.join('')}</g>`;
  });
  const legend = drawLegend(frame, labels.map((k) => ({ name: nameOf(k), colour: colourOf(k), mark: 'dot' })));
  return svgDocument(frame, [axes.svg, ...groups, legend].join('\n'));
}
