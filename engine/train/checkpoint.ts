// Checkpoint files (Node): the checkpoint bytes of engine/io/checkpoint.ts written via a temporary name and
// a rename, and read back.
import { readFileSync } from 'node:fs';
import type { Module } from '../nn/module.js';
import { writeFileAtomic } from '../io/files.js';
import { encodeCheckpoint, restoreCheckpoint, type Optimizers } from '../io/checkpoint.js';

export type { Optimizers } from '../io/checkpoint.js';

/** Writes module (+ optimizers, + extra JSON) to `path` via `<path>.tmp` and a rename. */
export async function saveCheckpoint(path: string, module: Module, optimizers?: Optimizers, extra: Record<string, unknown> = {}): Promise<void> {
  writeFileAtomic(path, await encodeCheckpoint(module, optimizers, extra));
}

/** Restores module (and optimizers) from the checkpoint file at `path`; see restoreCheckpoint. */
export async function loadCheckpoint(path: string, module: Module, optimizers?: Optimizers): Promise<Record<string, unknown>> {
  return restoreCheckpoint(readFileSync(path), path, module, optimizers);
}
