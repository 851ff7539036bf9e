// The page of every run, runs/index.html, written by `npm run runs` (experiments/runs.ts). A table lists
// each run directory under runs/: its name, what trained it (config.json's script and model kind), its
// preset, the data set, the headline metrics of its last epoch (metrics.jsonl), the epochs done, the wall
// time and a link to its report. Below it a chart overlays the curves of the runs ticked in the table:
// any per-epoch metric, or the per-step loss of steps.jsonl. The runs' data sits in the page as JSON and a
// short inline script (runs-page.ts) draws the chart, so the page needs no other file.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeText } from '../../../engine/io/files.js';
import { formatDuration, formatNumber } from '../../../engine/io/format.js';
import { escapeHtml, REPORT_FILE } from './report.js';
import { dataSetNames } from '../../../models/data/names.js';
import { blockMeans, readJsonLines, type StepLine } from './training.js';
import { drawRunsChart } from './runs-page.js';

export const INDEX_FILE = 'index.html';
/** The headline metrics of each experiment, in the order the table shows them. */
const HEADLINE_KEYS = ['test_nelbo', 'control_mean', 'recon_keeps_colour', 'test_accuracy', 'AB_digit_kept', 'AB_colour_hit', 'BA_digit_kept', 'BA_colour_hit'];
/** A run without any of them shows its first few metrics instead. */
const FALLBACK_METRICS = 4;
/** Keys of metrics.jsonl that are bookkeeping, not metrics. */
const NOT_METRICS = new Set(['epoch', 'seconds']);
/** The page draws at most this many points of a run's per-step loss (means of equal blocks beyond it). */
const STEP_POINTS = 1000;
/** The runs ticked when the page opens. */
const DEFAULT_SHOWN = 4;

/** What the index knows of one run directory. */
export interface RunSummary {
  name: string;
  /** e.g. 'vae continuous mlp', 'classifier' ('' when config.json does not say) */
  kind: string;
  preset: string;
  /** the data set's title and its source ('embedded' or a directory) */
  data: { title: string; source: string };
  epochsDone: number;
  /** the epochs the run was started for, when config.json says */
  epochs?: number;
  /** the seconds of its epochs, summed */
  seconds: number;
  /** a process holds its lock */
  running: boolean;
  /** the last line of metrics.jsonl */
  last: Record<string, number>;
  headline: [string, number][];
  /** per-epoch values of each metric (null in an epoch without it), and the per-step loss (block means past STEP_POINTS) */
  curves: { epoch: number[]; metrics: Record<string, (number | null)[]>; steps: { x: number[]; y: number[] } };
  hasReport: boolean;
}

/** Every run directory under `root` (one with a metrics.jsonl or a config.json), by name. */
export function readRuns(root: string): RunSummary[] {
  if (!existsSync(root)) return [];
  const names = readdirSync(root).filter((name) => statSync(join(root, name)).isDirectory()).sort();
  return names.map((name) => readRun(root, name)).filter((run): run is RunSummary => run !== null);
}

export function readRun(root: string, name: string): RunSummary | null {
  const dir = join(root, name);
  const configPath = join(dir, 'config.json');
  const history = readJsonLines<Record<string, number>>(join(dir, 'metrics.jsonl'));
  if (!existsSync(configPath) && history.length === 0) return null;
  const config = readConfig(configPath);
  const steps = readJsonLines<StepLine>(join(dir, 'steps.jsonl'));
  const last = history[history.length - 1] ?? {};
  const metricKeys = [...new Set(history.flatMap((record) => Object.keys(record)))].filter((key) => !NOT_METRICS.has(key));
  const source = typeof config.data === 'string' ? config.data : '';
  return {
    name,
    kind: runKind(config),
    preset: typeof config.preset === 'string' ? config.preset : '',
    data: { title: source === '' ? '' : dataSetNames(source).title, source },
    epochsDone: last.epoch ?? 0,
    epochs: typeof config.epochs === 'number' ? config.epochs : undefined,
    seconds: history.reduce((sum, record) => sum + (record.seconds ?? 0), 0),
    running: lockHeld(join(dir, '.lock')),
    last,
    headline: headline(last),
    curves: {
      epoch: history.map((record) => record.epoch),
      metrics: Object.fromEntries(metricKeys.map((key) => [key, history.map((record) => record[key] ?? null)])),
      steps: blockMeans(steps.map((line) => line.step), steps.map((line) => line.loss), Math.ceil(steps.length / STEP_POINTS)),
    },
    hasReport: existsSync(join(dir, REPORT_FILE)),
  };
}

/** A run's config.json; {} when it is missing or cut off (the run is listed all the same). */
function readConfig(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** The script that trained a run, and its model's kind and variant when it has them. */
function runKind(config: Record<string, unknown>): string {
  const model = (typeof config.model === 'object' && config.model !== null ? config.model : {}) as { kind?: unknown; variant?: unknown };
  // runs trained before config.json named its script: a VAE has a model kind, the classifier widths
  const script = typeof config.script === 'string' ? config.script : typeof model.kind === 'string' ? 'vae' : 'widths' in config ? 'classifier' : '';
  return [script, model.kind, model.variant].filter((part) => typeof part === 'string' && part !== '').join(' ');
}

function headline(last: Record<string, number>): [string, number][] {
  const known = HEADLINE_KEYS.filter((key) => typeof last[key] === 'number');
  const keys = known.length > 0 ? known : Object.keys(last).filter((key) => !NOT_METRICS.has(key) && !key.startsWith('lr')).slice(0, FALLBACK_METRICS);
  return keys.map((key) => [key, last[key]]);
}

/** A lock file whose process still exists (a killed run leaves a stale one). */
function lockHeld(path: string): boolean {
  if (!existsSync(path)) return false;
  const pid = Number(readFileSync(path, 'utf8').trim());
  try {
    process.kill(pid, 0); // signal 0 only asks whether the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const STYLE = `
  body { font-family: system-ui, sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; }
  h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
  table { border-collapse: collapse; font-size: 0.9em; }
  th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
  td.number { text-align: right; font-variant-numeric: tabular-nums; }
  th { background: #f4f4f4; }
  .running { color: #a60; font-weight: bold; }
  .generated { color: #888; font-size: 0.8em; }
  #chart svg { border: 1px solid #eee; }`;

/** The page: the table, the chart's controls, the data as JSON and the script that draws the chart. */
export function runsIndexHtml(runs: RunSummary[], root: string): string {
  const data = { headline: HEADLINE_KEYS, runs: runs.map(({ name, curves }) => ({ name, ...curves })) };
  // '<' escaped so that no string in the data can close the script element
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<title>Runs</title>',
    `<style>${STYLE}\n</style></head><body>`,
    '<h1>Runs</h1>',
    `<p class="generated">${runs.length} runs under ${escapeHtml(root)}; generated ${new Date().toISOString()} by <code>npm run runs</code></p>`,
    runsTable(runs),
    '<h2>Curves</h2>',
    '<p>Tick runs in the table to overlay them; hover a point for its value.</p>',
    '<p><label>curve <select id="metric"></select></label></p>',
    '<div id="chart"></div>',
    `<script type="application/json" id="runs-data">${json}</script>`,
    `<script>(${drawRunsChart.toString()})();</script>`,
    '</body></html>',
    '',
  ].join('\n');
}

function runsTable(runs: RunSummary[]): string {
  if (runs.length === 0) return '<p>(no runs yet)</p>';
  const header = '<tr><th>show</th><th>run</th><th>kind</th><th>preset</th><th>data</th><th>last epoch</th><th>epochs</th><th>wall time</th><th>report</th></tr>';
  return `<table id="runs">\n${header}\n${runs.map(runRow).join('\n')}\n</table>`;
}

function runRow(run: RunSummary, index: number): string {
  const name = escapeHtml(run.name);
  const metrics = run.headline.map(([key, value]) => `${escapeHtml(key)} ${escapeHtml(formatNumber(value))}`).join('<br>');
  const epochs = `${run.epochsDone}${run.epochs === undefined ? '' : `/${run.epochs}`}${run.running ? ' <span class="running">running</span>' : ''}`;
  const data = run.data.source === '' ? '' : `<span title="${escapeHtml(run.data.source)}">${escapeHtml(run.data.title)} (${escapeHtml(basename(run.data.source))})</span>`;
  return [
    '<tr>',
    `<td><input type="checkbox" data-run="${name}"${index < DEFAULT_SHOWN ? ' checked' : ''}></td>`,
    `<td>${name}</td>`,
    `<td>${escapeHtml(run.kind)}</td>`,
    `<td>${escapeHtml(run.preset)}</td>`,
    `<td>${data}</td>`,
    `<td class="metrics">${metrics}</td>`,
    `<td class="number">${epochs}</td>`,
    `<td class="number">${run.seconds > 0 ? formatDuration(run.seconds) : ''}</td>`,
    `<td>${run.hasReport ? `<a href="${encodeURIComponent(run.name)}/${REPORT_FILE}">report</a>` : ''}</td>`,
    '</tr>',
  ].join('');
}

/** Writes `root/index.html` and returns its path and the runs it lists. */
export function writeRunsIndex(root: string): { path: string; runs: RunSummary[] } {
  const runs = readRuns(root);
  const path = join(root, INDEX_FILE);
  writeText(path, runsIndexHtml(runs, root));
  return { path, runs };
}
