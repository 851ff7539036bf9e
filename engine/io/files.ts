// Writing files so that nothing already on disk is lost: every whole-file write goes to
// `<path>.tmp` first and is renamed over `<path>` only once complete, so a crash mid-write leaves
// the previous version intact (rename within one directory is atomic on POSIX file systems).
import { appendFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The temporary name a file is written under before it is renamed into place. */
export function temporaryPath(path: string): string {
  return `${path}.tmp`;
}

/** Writes `data` to `path` via `<path>.tmp` and a rename, creating parent directories. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = temporaryPath(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw new Error(`writeFileAtomic: could not write ${path}: ${(error as Error).message}`);
  }
}

/** Writes a text file (UTF-8) atomically. */
export function writeText(path: string, text: string): void {
  writeFileAtomic(path, text);
}

/**
 * Appends one JSON record as a line to `path` (the JSON Lines format used for training logs).
 * One `write` of one short line, so a crash loses at most the line being written.
 */
export function appendJsonLine(path: string, record: unknown): void {
  const line = JSON.stringify(record);
  if (line === undefined) throw new Error(`appendJsonLine: ${path}: record is not JSON-serialisable`);
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, line + '\n');
}
