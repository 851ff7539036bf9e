/// <reference lib="dom" />
// The script of runs/index.html (runs-index.ts), which runs in the page, not here: runsIndexHtml embeds
// drawRunsChart's source with toString(), so the function uses only its own locals and the browser's
// globals. It reads the runs' curves from the page's JSON, fills the curve menu (the per-step loss, the
// headline metrics, then every other per-epoch metric, those most runs have first) and draws the ticked runs' curves as one SVG line
// chart; each point's <title> gives its value on hover.

/** One run's curves, as runs-index.ts embeds them. */
interface RunCurves {
  name: string;
  epoch: number[];
  metrics: Record<string, (number | null)[]>;
  steps: { x: number[]; y: number[] };
}

export function drawRunsChart(): void {
  const STEP_CURVE = 'loss per step';
  const [WIDTH, HEIGHT] = [720, 360];
  const MARGIN = { top: 20, right: 220, bottom: 50, left: 80 };
  const COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
  const HOVER_POINTS = 150;
  const SVG_NS = 'http://www.w3.org/2000/svg';

  const { headline, runs } = JSON.parse(document.getElementById('runs-data')!.textContent!) as { headline: string[]; runs: RunCurves[] };
  const menu = document.getElementById('metric') as HTMLSelectElement;
  const chart = document.getElementById('chart')!;
  const boxes = [...document.querySelectorAll<HTMLInputElement>('input[data-run]')];

  // the curve menu: the per-step loss when any run logged it, the headline metrics, then the others by how
  // many runs have them
  const counts = new Map<string, number>();
  for (const run of runs) for (const key of Object.keys(run.metrics)) counts.set(key, (counts.get(key) ?? 0) + 1);
  const rank = (key: string) => (headline.includes(key) ? headline.indexOf(key) - headline.length : 0);
  const keys = [...counts.keys()].sort((a, b) => rank(a) - rank(b) || counts.get(b)! - counts.get(a)! || a.localeCompare(b));
  if (runs.some((run) => run.steps.x.length > 0)) keys.unshift(STEP_CURVE);
  for (const key of keys) menu.add(new Option(key, key));

  function seriesOf(run: RunCurves, key: string): [number, number][] {
    if (key === STEP_CURVE) return run.steps.x.map((x, i) => [x, run.steps.y[i]]);
    const values = run.metrics[key] ?? [];
    return run.epoch.map((x, i) => [x, values[i]] as [number, number | null]).filter((p): p is [number, number] => p[1] !== null && Number.isFinite(p[1]));
  }

  /** Ticks at 1, 2 or 5 times a power of ten covering [min, max]. */
  function ticks(min: number, max: number): number[] {
    if (min === max) [min, max] = [min - (Math.abs(min) || 1) / 10, max + (Math.abs(max) || 1) / 10];
    const raw = (max - min) / 5;
    const power = 10 ** Math.floor(Math.log10(raw));
    const step = power * (raw / power < 1.5 ? 1 : raw / power < 3 ? 2 : raw / power < 7 ? 5 : 10);
    const out: number[] = [];
    for (let i = Math.floor(min / step + 1e-9); i <= Math.ceil(max / step - 1e-9); i++) out.push(Number((i * step).toPrecision(12)));
    return out;
  }

  function element(name: string, attributes: Record<string, string | number>, text?: string): SVGElement {
    const node = document.createElementNS(SVG_NS, name);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function draw(): void {
    const key = menu.value;
    const shown = new Set(boxes.filter((box) => box.checked).map((box) => box.dataset.run));
    const series = runs.map((run, i) => ({ run, colour: COLOURS[i % COLOURS.length], points: seriesOf(run, key) })).filter((s) => shown.has(s.run.name) && s.points.length > 0);
    chart.replaceChildren();
    if (series.length === 0) {
      chart.textContent = 'No ticked run has this curve.';
      return;
    }
    const all = series.flatMap((s) => s.points);
    const xTicks = ticks(Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0])));
    const yTicks = ticks(Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1])));
    const [plotWidth, plotHeight] = [WIDTH - MARGIN.left - MARGIN.right, HEIGHT - MARGIN.top - MARGIN.bottom];
    const toX = (x: number) => MARGIN.left + ((x - xTicks[0]) / (xTicks[xTicks.length - 1] - xTicks[0])) * plotWidth;
    const toY = (y: number) => MARGIN.top + plotHeight - ((y - yTicks[0]) / (yTicks[yTicks.length - 1] - yTicks[0])) * plotHeight;
    const svg = element('svg', { width: WIDTH, height: HEIGHT, viewBox: `0 0 ${WIDTH} ${HEIGHT}`, 'font-family': 'sans-serif', 'font-size': 12 });
    for (const x of xTicks) {
      svg.append(element('line', { x1: toX(x), x2: toX(x), y1: MARGIN.top, y2: MARGIN.top + plotHeight, stroke: '#e0e0e0' }));
      svg.append(element('text', { x: toX(x), y: MARGIN.top + plotHeight + 18, 'text-anchor': 'middle' }, String(x)));
    }
    for (const y of yTicks) {
      svg.append(element('line', { x1: MARGIN.left, x2: MARGIN.left + plotWidth, y1: toY(y), y2: toY(y), stroke: '#e0e0e0' }));
      svg.append(element('text', { x: MARGIN.left - 8, y: toY(y) + 4, 'text-anchor': 'end' }, String(y)));
    }
    svg.append(element('rect', { x: MARGIN.left, y: MARGIN.top, width: plotWidth, height: plotHeight, fill: 'none', stroke: '#333' }));
    const xLabel = key === STEP_CURVE ? 'step' : 'epoch';
    svg.append(element('text', { x: MARGIN.left + plotWidth / 2, y: HEIGHT - 12, 'text-anchor': 'middle' }, xLabel));
    svg.append(element('text', { transform: `translate(18 ${MARGIN.top + plotHeight / 2}) rotate(-90)`, 'text-anchor': 'middle' }, key));
    series.forEach(({ run, colour, points }, i) => {
      const polyline = points.map(([x, y]) => `${toX(x).toFixed(1)},${toY(y).toFixed(1)}`).join(' ');
      svg.append(element('polyline', { points: polyline, fill: 'none', stroke: colour, 'stroke-width': 2 }));
      const stride = Math.ceil(points.length / HOVER_POINTS);
      points.forEach(([x, y], j) => {
        if (j % stride !== 0 && j !== points.length - 1) return;
        const dot = element('circle', { cx: toX(x), cy: toY(y), r: points.length < 40 ? 3 : 4, fill: colour, 'fill-opacity': points.length < 40 ? 1 : 0 });
        dot.append(element('title', {}, `${run.name}: ${xLabel} ${Math.round(x * 100) / 100}, ${key} ${y.toPrecision(4)}`));
        svg.append(dot);
      });
      const legendY = MARGIN.top + 8 + i * 18;
      svg.append(element('line', { x1: WIDTH - MARGIN.right + 16, x2: WIDTH - MARGIN.right + 36, y1: legendY, y2: legendY, stroke: colour, 'stroke-width': 2 }));
      svg.append(element('text', { x: WIDTH - MARGIN.right + 42, y: legendY + 4 }, run.name));
    });
    chart.append(svg);
  }

  menu.addEventListener('change', draw);
  for (const box of boxes) box.addEventListener('change', draw);
  draw();
}
