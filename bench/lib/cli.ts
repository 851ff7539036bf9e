// Command-line flags and result output shared by the bench scripts: `--json <file>` writes every
// record as one JSON array (atomically), and tables are printed as aligned text columns.
import { writeText } from '../../engine/io/files.js';

/** The value after `--name`, or undefined when the flag is absent; throws when the value is missing. */
export function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`bench: --${name} needs a value`);
  return value;
}

export function flag(args: string[], name: string): boolean {
  return args.includes(`--${name}`);
}

/** One row of a bench's --json output: a kernel version on one shape. */
export interface BenchRecord {
  name: string;
  shape: string;
  ms: number | null;
  gflops: number | null;
  maxError: number | null;
  note?: string;
}

/** Writes the records to the file named by `--json`, if any. */
export function writeJsonOption(args: string[], records: BenchRecord[]): void {
  const path = option(args, 'json');
  if (path === undefined) return;
  writeText(path, JSON.stringify(records, null, 2) + '\n');
  console.log(`wrote ${records.length} records to ${path}`);
}

/** Rows of cells as text columns: left-aligned text, right-aligned numbers, a rule under the header. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((row) => /^[-+0-9.e]+$|^-$/.test(row[c])));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
