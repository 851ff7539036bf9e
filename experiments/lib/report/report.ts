// The run report: one self-contained `report.html` per run directory, readable offline in any
// browser. It shows the configuration, a table of metrics and the figures: PNG files in the same
// directory, referenced by relative path so the directory can be copied as a whole, and SVG files
// embedded in the page, so the values their points carry show on hover. Experiments rewrite it after
// every epoch: while the run goes on (`live`), the page says so and reloads itself every
// REFRESH_SECONDS; the final report does not. It is written to a temporary name and renamed into
// place, so a browser reloading it never reads half a page.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { writeText } from '../../../engine/io/files.js';
import { formatNumber } from '../../../engine/io/format.js';

export interface ReportFigure {
  title: string;
  file: string; // relative to the report's directory
  caption?: string;
}

export interface ReportSpec {
  title: string;
  config: Record<string, unknown>;
  metrics: Record<string, number | string>[]; // one row per entry (e.g. per epoch)
  figures: ReportFigure[];
  /** set while the run goes on: a line on where it is (e.g. 'epoch 3 of 10 done'); the page reloads itself */
  live?: string;
}

export const REPORT_FILE = 'report.html';
export const REFRESH_SECONDS = 30;

const STYLE = `
  body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
  h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
  table { border-collapse: collapse; font-size: 0.9em; }
  th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
  td.number { text-align: right; font-variant-numeric: tabular-nums; }
  th { background: #f4f4f4; }
  figure { margin: 1.5em 0; } figure img { max-width: 100%; border: 1px solid #eee; image-rendering: pixelated; }
  figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
  .live { background: #fff4d6; border: 1px solid #e8c66a; padding: 0.4em 0.8em; }
  figcaption { color: #555; font-size: 0.9em; margin-top: 0.3em; }
  .generated { color: #888; font-size: 0.8em; }`;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`);
}

/** Writes `dir/report.html` and returns its path. Every figure file must already exist. */
export function writeReport(dir: string, spec: ReportSpec): string {
  for (const { file } of spec.figures) {
    if (isAbsolute(file)) throw new Error(`writeReport: figure "${file}" must be relative to ${dir}`);
    if (!existsSync(join(dir, file))) throw new Error(`writeReport: figure file ${join(dir, file)} does not exist`);
  }
  const live = spec.live === undefined ? [] : [`<p class="live">Training: ${escapeHtml(spec.live)}. This page reloads every ${REFRESH_SECONDS} s.</p>`];
  const html = [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    ...(spec.live === undefined ? [] : [`<meta http-equiv="refresh" content="${REFRESH_SECONDS}">`]),
    `<title>${escapeHtml(spec.title)}</title>`,
    `<style>${STYLE}\n</style></head><body>`,
    `<h1>${escapeHtml(spec.title)}</h1>`,
    ...live,
    `<p class="generated">Generated ${new Date().toISOString()}</p>`,
    '<h2>Configuration</h2>',
    configTable(spec.config),
    '<h2>Metrics</h2>',
    metricsTable(spec.metrics),
    '<h2>Figures</h2>',
    ...spec.figures.map((figure) => figureHtml(dir, figure)),
    '</body></html>',
    '',
  ].join('\n');
  const path = join(dir, REPORT_FILE);
  writeText(path, html);
  return path;
}

const REFRESH_TAG = /<meta http-equiv="refresh" content="\d+">\n/;
const LIVE_LINE = /<p class="live">.*<\/p>/;

/**
 * A run that stopped with an error leaves its live report behind; this turns it into a plain page saying
 * why the run stopped (no reload). Nothing happens when the run wrote no report or its report is final.
 */
export function markReportStopped(dir: string, reason: string): void {
  const path = join(dir, REPORT_FILE);
  if (!existsSync(path)) return;
  const html = readFileSync(path, 'utf8');
  if (!REFRESH_TAG.test(html)) return;
  const stopped = `<p class="live">Stopped: ${escapeHtml(reason)}. The run wrote nothing after this; its last checkpoint is kept.</p>`;
  writeText(path, html.replace(REFRESH_TAG, '').replace(LIVE_LINE, () => stopped));
}

/** Awaits a run; when it fails, its live report says so (markReportStopped) before the error goes on. */
export async function stopReportOnFailure<T>(dir: string, run: Promise<T>): Promise<T> {
  try {
    return await run;
  } catch (error) {
    markReportStopped(dir, (error as Error).message.split('\n')[0]);
    throw error;
  }
}

function configTable(config: Record<string, unknown>): string {
  const rows = Object.entries(config).map(([key, value]) => {
    const shown = typeof value === 'string' ? value : JSON.stringify(value);
    return `<tr><th>${escapeHtml(key)}</th><td><code>${escapeHtml(String(shown))}</code></td></tr>`;
  });
  return rows.length > 0 ? `<table>\n${rows.join('\n')}\n</table>` : '<p>(none)</p>';
}

// Columns are the union of the rows' keys, in order of first appearance; missing cells stay empty.
function metricsTable(metrics: Record<string, number | string>[]): string {
  const columns = [...new Set(metrics.flatMap((row) => Object.keys(row)))];
  if (columns.length === 0) return '<p>(none)</p>';
  const header = `<tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const rows = metrics.map((row) => `<tr>${columns.map((c) => metricCell(row[c])).join('')}</tr>`);
  return `<table>\n${header}\n${rows.join('\n')}\n</table>`;
}

function metricCell(value: number | string | undefined): string {
  if (value === undefined) return '<td></td>';
  if (typeof value === 'number') return `<td class="number">${escapeHtml(formatNumber(value))}</td>`;
  return `<td>${escapeHtml(value)}</td>`;
}

/** An SVG file is embedded (its hover values work only inside the page); any other image is linked. */
function figureHtml(dir: string, { title, file, caption }: ReportFigure): string {
  const source = escapeHtml(file.split('/').map(encodeURIComponent).join('/')); // 'a b#1.png' -> 'a%20b%231.png'
  const image = file.endsWith('.svg')
    ? readFileSync(join(dir, file), 'utf8').replace(/^<\?xml[^>]*>\s*/, '').trim()
    : `<img src="${source}" alt="${escapeHtml(title)}">`;
  const captionHtml = caption === undefined ? '' : `\n<figcaption>${escapeHtml(caption)}</figcaption>`;
  return `<figure>\n<h3>${escapeHtml(title)}</h3>\n${image}${captionHtml}\n</figure>`;
}
