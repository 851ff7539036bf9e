// Safetensors files on disk (Node only): the byte codec of safetensors.ts plus an atomic write.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './files';
import { decodeSafetensors, encodeSafetensors, type NamedTensor, type SafetensorsContents } from './safetensors.js';

/** Writes a safetensors file via `<path>.tmp` and a rename. */
export function saveSafetensors(
  path: string,
  tensors: Record<string, NamedTensor>,
  metadata?: Record<string, string>,
): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/** Reads and validates a safetensors file. */
export function loadSafetensors(path: string): SafetensorsContents {
  return decodeSafetensors(readFileSync(path), path);
}
