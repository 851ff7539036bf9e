// Checkpoints: a module's parameters and buffers, optionally its optimizers' state, and extra JSON (epoch,
// random stream position, ...) in one safetensors file. This file works on the file's bytes (Node and
// browsers); engine/train/checkpoint.ts writes them to disk (a temporary name, then a rename) and reads them.
//
// Tensor names:
//   <state_dict name>                        encoder.0.weight, bn.running_mean   (PyTorch's keys)
//   <optimizer key>/<parameter name>/<state> optimizer/encoder.0.weight/exp_avg
// Module names never contain '/', so the two kinds cannot collide. A single optimizer is saved under the
// key 'optimizer'; several (a GAN's generator and critic) under the keys of the record passed in.
// Metadata (strings): format, one JSON record per optimizer key ({type, hyperparameters, steps: {name:
// step count}}), 'extra' (JSON), and 'sha256' (JSON: each tensor's name -> the SHA-256 of its float32 bytes,
// checked on load, so a flipped bit inside a tensor is caught; files written before it load without the check).
//
// Loading validates everything (names, shapes, optimizer types and step records) before it writes a
// single value, so a mismatched file leaves the module and optimizers untouched.
import type { Tensor } from '../tensor.js';
import type { Module } from '../nn/module.js';
import { Optimizer } from '../optim/optimizer.js';
import { checkStateDict, decodeSafetensors, encodeSafetensors, type NamedTensor } from './safetensors.js';
import { sha256Hex } from './sha256.js';

export type Optimizers = Optimizer | Record<string, Optimizer>;

const FORMAT = 'engine-checkpoint-1';
const SINGLE_OPTIMIZER_KEY = 'optimizer';
const KEY_PATTERN = /^[A-Za-z0-9_]+$/;

interface OptimizerRecord {
  type: string;
  hyperparameters: Record<string, number>;
  steps: Record<string, number>;
}

function optimizerEntries(optimizers: Optimizers | undefined): [string, Optimizer][] {
  if (optimizers === undefined) return [];
  if (optimizers instanceof Optimizer) return [[SINGLE_OPTIMIZER_KEY, optimizers]];
  const entries = Object.entries(optimizers);
  for (const [key] of entries) {
    if (!KEY_PATTERN.test(key)) throw new Error(`checkpoint: optimizer key "${key}" must use letters, digits and _ only`);
  }
  return entries;
}

/** The module's name for each parameter the optimizer updates (every one must belong to the module). */
function parameterNames(module: Module, key: string, optimizer: Optimizer): Map<Tensor, string> {
  const byTensor = new Map(module.namedParameters().map(([name, p]) => [p, name]));
  const names = new Map<Tensor, string>();
  for (const p of optimizer.params) {
    const name = byTensor.get(p);
    if (name === undefined) throw new Error(`checkpoint: ${key} (${optimizer.name}) updates ${p}, which is not a parameter of the module`);
    names.set(p, name);
  }
  return names;
}

/** Every optimizer state tensor under its checkpoint name. */
function optimizerTensors(module: Module, key: string, optimizer: Optimizer): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [p, name] of parameterNames(module, key, optimizer)) {
    for (const [stateName, t] of Object.entries(optimizer.stateOf(p).tensors)) out.set(`${key}/${name}/${stateName}`, t);
  }
  return out;
}

function optimizerRecord(module: Module, key: string, optimizer: Optimizer): OptimizerRecord {
  const steps: Record<string, number> = {};
  for (const [p, name] of parameterNames(module, key, optimizer)) steps[name] = optimizer.stateOf(p).step;
  return { type: optimizer.name, hyperparameters: optimizer.hyperparameters(), steps };
}

async function toHost(t: Tensor): Promise<NamedTensor> {
  return { shape: [...t.shape], data: Float32Array.from(await t.toArray()) };
}

/** The bytes of a checkpoint of module (+ optimizers, + extra JSON). */
export async function encodeCheckpoint(module: Module, optimizers?: Optimizers, extra: Record<string, unknown> = {}): Promise<Uint8Array> {
  const tensors: Record<string, NamedTensor> = {};
  const metadata: Record<string, string> = { format: FORMAT, extra: JSON.stringify(extra) };
  for (const [name, t] of module.stateDict()) tensors[name] = await toHost(t);
  for (const [key, optimizer] of optimizerEntries(optimizers)) {
    for (const [name, t] of optimizerTensors(module, key, optimizer)) tensors[name] = await toHost(t);
    metadata[key] = JSON.stringify(optimizerRecord(module, key, optimizer));
  }
  metadata.sha256 = JSON.stringify(Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, digest(t)])));
  return encodeSafetensors(tensors, metadata);
}

/** The SHA-256 of a tensor's float32 bytes, as the file holds them. */
function digest(t: NamedTensor): string {
  return sha256Hex(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

/**
 * Restores module (and optimizers, when given) in place from a checkpoint's bytes and returns the extra
 * JSON. Without optimizers only the module is read (optimizer state in the file is ignored). Throws,
 * naming `path` (where the bytes came from) and every problem, before changing anything when they do not match.
 */
export function restoreCheckpoint(bytes: Uint8Array, path: string, module: Module, optimizers?: Optimizers): Record<string, unknown> {
  const { tensors, metadata } = decodeSafetensors(bytes, path);
  const fail = (problem: string) => new Error(`loadCheckpoint: ${path}: ${problem}`);
  if (metadata.format !== FORMAT) throw fail(`format is ${JSON.stringify(metadata.format)}, expected "${FORMAT}"`);
  const entries = optimizerEntries(optimizers);

  // 1. names and shapes: the module's state plus the requested optimizers' state, nothing else
  const expected = module.stateShapes();
  const stateByName = new Map<string, Tensor>();
  for (const [key, optimizer] of entries) {
    for (const [name, t] of optimizerTensors(module, key, optimizer)) {
      expected[name] = [...t.shape];
      stateByName.set(name, t);
    }
  }
  const requestedKeys = new Set(entries.map(([key]) => key));
  const relevant = new Map([...tensors].filter(([name]) => !name.includes('/') || requestedKeys.has(name.split('/')[0])));
  checkStateDict(expected, relevant, path);
  if (metadata.sha256 !== undefined) {
    const digests = parseJson(metadata.sha256, 'sha256', fail) as Record<string, string>;
    for (const [name, t] of relevant) {
      if (digests[name] !== digest(t)) throw fail(`tensor "${name}" does not match its SHA-256 in the metadata: the file is damaged`);
    }
  }

  // 2. optimizer records: same type, a step count for each parameter
  const records = entries.map(([key, optimizer]) => {
    const record = parseOptimizerRecord(metadata[key], key, fail);
    if (record.type !== optimizer.name) throw fail(`${key} holds ${record.type} state, but the optimizer is ${optimizer.name}`);
    for (const name of parameterNames(module, key, optimizer).values()) {
      if (!Number.isInteger(record.steps[name])) throw fail(`${key} has no step count for parameter "${name}"`);
    }
    return record;
  });
  const extra = parseJson(metadata.extra ?? '{}', 'extra', fail) as Record<string, unknown>;

  // 3. everything matches: write
  entries.forEach(([, optimizer], i) => optimizer.setHyperparameters(records[i].hyperparameters));
  module.loadStateDict(new Map([...relevant].filter(([name]) => !name.includes('/'))), path);
  for (const [name, t] of stateByName) t.backend.write(t.storage, relevant.get(name)!.data);
  entries.forEach(([key, optimizer], i) => {
    for (const [p, name] of parameterNames(module, key, optimizer)) optimizer.stateOf(p).step = records[i].steps[name];
  });
  return extra;
}

function parseOptimizerRecord(text: string | undefined, key: string, fail: (problem: string) => Error): OptimizerRecord {
  if (text === undefined) throw fail(`no optimizer state under "${key}" (was it saved without an optimizer?)`);
  const record = parseJson(text, key, fail) as Partial<OptimizerRecord>;
  if (typeof record.type !== 'string' || typeof record.hyperparameters !== 'object' || typeof record.steps !== 'object') {
    throw fail(`metadata "${key}" is not an optimizer record: ${text.slice(0, 200)}`);
  }
  return record as OptimizerRecord;
}

function parseJson(text: string, what: string, fail: (problem: string) => Error): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw fail(`metadata "${what}" is not valid JSON (${(error as Error).message})`);
  }
}
