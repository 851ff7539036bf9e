// The run report: one self-contained `report.html` per run directory, readable offline in any
// browser. It shows the configuration, a table of metrics and the figures (PNG or SVG files in the
// same directory, referenced by relative path so the directory can be copied as a whole).
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { writeText } from './files';
import { formatNumber } from './format';

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
}

export const REPORT_FILE = 'report.html';

const STYLE = `
  body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
  h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
  table { border-collapse: collapse; font-size: 0.9em; }
  th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
  td.number { text-align: right; font-variant-numeric: tabular-nums; }
  th { background: #f4f4f4; }
  figure { margin: 1.5em 0; } figure img { max-width: 100%; border: 1px solid #eee; image-rendering: pixelated; }
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
  const html = [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(spec.title)}</title>`,
    `<style>${STYLE}\n</style></head><body>`,
    `<h1>${escapeHtml(spec.title)}</h1>`,
    `<p class="generated">Generated ${new Date().toISOString()}</p>`,
    '<h2>Configuration</h2>',
    configTable(spec.config),
    '<h2>Metrics</h2>',
    metricsTable(spec.metrics),
    '<h2>Figures</h2>',
    ...spec.figures.map(figureHtml),
    '</body></html>',
    '',
  ].join('\n');
  const path = join(dir, REPORT_FILE);
  writeText(path, html);
  return path;
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

function figureHtml({ title, file, caption }: ReportFigure): string {
  const source = escapeHtml(file.split('/').map(encodeURIComponent).join('/')); // 'a b#1.png' -> 'a%20b%231.png'
  const captionHtml = caption === undefined ? '' : `\n<figcaption>${escapeHtml(caption)}</figcaption>`;
  return `<figure>\n<h3>${escapeHtml(title)}</h3>\n<img src="${source}" alt="${escapeHtml(title)}">${captionHtml}\n</figure>`;
}
