// Downloads a file from the first mirror that serves it with the expected SHA-256. The bytes go to
// `<path>.tmp` first and are renamed to `<path>` only after the hash matches, so a failed or
// tampered download never leaves a file that looks complete.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type Fetch = (url: string) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }>;

const TEMPORARY_SUFFIX = '.tmp';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** True when `path` exists and its SHA-256 is `expectedSha256`. */
export function hasVerifiedFile(path: string, expectedSha256: string): boolean {
  return existsSync(path) && sha256Hex(readFileSync(path)) === expectedSha256;
}

/**
 * Writes bytes to `<path>.tmp`, hashes what was written, and renames it to `path` only if the hash
 * is `expectedSha256`; otherwise removes the temporary file and throws, leaving `path` untouched.
 */
export function saveVerified(bytes: Uint8Array, path: string, expectedSha256: string): void {
  const temporary = path + TEMPORARY_SUFFIX;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(temporary, bytes);
  const found = sha256Hex(readFileSync(temporary));
  if (found !== expectedSha256) {
    rmSync(temporary, { force: true });
    throw new Error(`saveVerified: ${path}: SHA-256 is ${found}, expected ${expectedSha256}`);
  }
  renameSync(temporary, path);
}

/**
 * Tries each URL in turn and saves the first response whose hash matches. Throws, listing the reason
 * for every URL, when none does. `fetchFile` defaults to the global fetch.
 */
export async function downloadVerified(urls: string[], path: string, expectedSha256: string, fetchFile: Fetch = fetch): Promise<string> {
  const failures: string[] = [];
  for (const url of urls) {
    try {
      const response = await fetchFile(url);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      saveVerified(new Uint8Array(await response.arrayBuffer()), path, expectedSha256);
      return url;
    } catch (error) {
      failures.push(`${url}: ${describe(error)}`);
    }
  }
  throw new Error(`downloadVerified: no URL gave ${path}:\n  ${failures.join('\n  ')}`);
}

/** The message of an error and of its cause (fetch puts the network reason, e.g. ENOTFOUND, there). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return error.message + cause;
}
