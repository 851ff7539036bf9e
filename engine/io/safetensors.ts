// The safetensors checkpoint format (https://github.com/huggingface/safetensors), F32 only.
//
// Layout:
//   bytes 0 .. 8        N, the header length, as a little-endian u64
//   bytes 8 .. 8+N      a JSON object, padded with spaces so that 8+N is a multiple of 8:
//                       {"__metadata__": {"k": "v", ...},            (optional, string -> string)
//                        "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
//   bytes 8+N .. end    the data section: each tensor's elements, row-major, little-endian;
//                       offsets count from the start of the data section
// Tensors are written in order of sorted names, back to back, as the reference writer does.
// The reader accepts any order but insists that the tensors tile the data section exactly
// (no overlap, no gap, no trailing bytes), so a truncated or corrupted file is caught on load.
// This file works on bytes, in Node and browsers alike; safetensors-file.ts reads and writes files (Node).

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsContents {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
}

const HEADER_LENGTH_BYTES = 8; // the u64 in front of the header
const HEADER_ALIGNMENT = 8; // the data section starts on a multiple of this
const F32_BYTES = 4;
const F32_DTYPE = 'F32';
const METADATA_KEY = '__metadata__';

// Float32Array views use the host byte order, and the format is little-endian.
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function requireLittleEndianHost(caller: string): void {
  if (!HOST_IS_LITTLE_ENDIAN) throw new Error(`${caller}: big-endian hosts are not supported`);
}

function numel(shape: number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

function shapeText(shape: number[]): string {
  return `[${shape.join(', ')}]`;
}

// Code-point order, as the reference writer sorts (localeCompare would depend on the locale).
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Writing

/** Serialises F32 tensors (and optional string metadata) to safetensors bytes. */
export function encodeSafetensors(
  tensors: Record<string, NamedTensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  requireLittleEndianHost('encodeSafetensors');
  const names = Object.keys(tensors).sort(compareNames);
  const header: Record<string, unknown> = Object.create(null); // so a tensor may be called "__proto__"
  if (metadata !== undefined) header[METADATA_KEY] = checkedMetadata(metadata, 'encodeSafetensors: metadata');

  let offset = 0;
  for (const name of names) {
    const { shape, data } = tensors[name];
    checkTensorToWrite(name, shape, data);
    header[name] = { dtype: F32_DTYPE, shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }

  const headerBytes = paddedHeader(JSON.stringify(header));
  const dataStart = HEADER_LENGTH_BYTES + headerBytes.length;
  const bytes = new Uint8Array(dataStart + offset);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  bytes.set(headerBytes, HEADER_LENGTH_BYTES);
  for (const name of names) {
    const { data } = tensors[name];
    const [begin] = (header[name] as { data_offsets: number[] }).data_offsets;
    bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), dataStart + begin);
  }
  return bytes;
}

function checkTensorToWrite(name: string, shape: number[], data: Float32Array): void {
  if (name === METADATA_KEY) throw new Error(`encodeSafetensors: "${METADATA_KEY}" is reserved, not a tensor name`);
  const where = `encodeSafetensors: tensor "${name}"`;
  if (!(data instanceof Float32Array)) throw new Error(`${where}: data must be a Float32Array`);
  if (!shape.every(isSize)) throw new Error(`${where}: shape ${shapeText(shape)} must hold non-negative integers`);
  if (numel(shape) !== data.length) {
    throw new Error(`${where}: shape ${shapeText(shape)} holds ${numel(shape)} elements but data has ${data.length}`);
  }
}

// UTF-8 header followed by spaces up to the next multiple of HEADER_ALIGNMENT.
function paddedHeader(json: string): Uint8Array {
  const encoded = new TextEncoder().encode(json);
  const padding = (HEADER_ALIGNMENT - (encoded.length % HEADER_ALIGNMENT)) % HEADER_ALIGNMENT;
  const padded = new Uint8Array(encoded.length + padding).fill(' '.charCodeAt(0));
  padded.set(encoded);
  return padded;
}

// ---------------------------------------------------------------------------------------------
// Reading

interface HeaderEntry {
  name: string;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Parses safetensors bytes, checking every field; errors name `source` and what is wrong.
 * The tensors are copies, so they do not keep `bytes` alive.
 */
export function decodeSafetensors(bytes: Uint8Array, source = '<buffer>'): SafetensorsContents {
  requireLittleEndianHost('decodeSafetensors');
  const fail = (problem: string) => new Error(`safetensors file ${source}: ${problem}`);
  const headerLength = readHeaderLength(bytes, fail);
  const header = parseHeader(bytes.subarray(HEADER_LENGTH_BYTES, HEADER_LENGTH_BYTES + headerLength), fail);
  const dataStart = HEADER_LENGTH_BYTES + headerLength;

  let metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) metadata = checkedMetadata(value, `safetensors file ${source}: ${METADATA_KEY}`);
    else entries.push(parseEntry(name, value, fail));
  }
  checkTiling(entries, bytes.length - dataStart, fail);

  const tensors = new Map<string, NamedTensor>();
  for (const { name, shape, begin, end } of entries.sort((a, b) => compareNames(a.name, b.name))) {
    // NOTE: copy through a fresh Float32Array. `bytes.slice(...).buffer` would be wrong for a
    // node Buffer, whose slice is a view into a shared pool, and the data may be unaligned.
    const data = new Float32Array(numel(shape));
    new Uint8Array(data.buffer).set(bytes.subarray(dataStart + begin, dataStart + end));
    tensors.set(name, { shape, data });
  }
  return { tensors, metadata };
}

function readHeaderLength(bytes: Uint8Array, fail: (problem: string) => Error): number {
  if (bytes.length < HEADER_LENGTH_BYTES) {
    throw fail(`file is ${bytes.length} bytes, shorter than the ${HEADER_LENGTH_BYTES}-byte header length field`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  const available = bytes.length - HEADER_LENGTH_BYTES;
  if (headerLength > BigInt(available)) {
    throw fail(`header length ${headerLength} runs past the end of the file (${available} bytes follow it): truncated?`);
  }
  return Number(headerLength);
}

function parseHeader(headerBytes: Uint8Array, fail: (problem: string) => Error): Record<string, unknown> {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (error) {
    throw fail(`header is not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(header)) throw fail('header is JSON but not an object');
  return header;
}

function parseEntry(name: string, value: unknown, fail: (problem: string) => Error): HeaderEntry {
  const where = `tensor "${name}"`;
  if (!isPlainObject(value)) throw fail(`${where}: entry is not an object`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (dtype !== F32_DTYPE) throw fail(`${where}: unsupported dtype ${JSON.stringify(dtype)} (only ${F32_DTYPE} is supported)`);
  if (!Array.isArray(shape) || !shape.every(isSize)) {
    throw fail(`${where}: shape ${JSON.stringify(shape)} must be a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isSize) || offsets[0] > offsets[1]) {
    throw fail(`${where}: data_offsets ${JSON.stringify(offsets)} must be [begin, end] with 0 <= begin <= end`);
  }
  const [begin, end] = offsets as number[];
  const needed = numel(shape) * F32_BYTES;
  if (end - begin !== needed) {
    throw fail(
      `${where}: shape ${shapeText(shape)} needs ${needed} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  }
  return { name, shape, begin, end };
}

// The tensors, taken in offset order, must cover [0, dataLength) exactly once.
function checkTiling(entries: HeaderEntry[], dataLength: number, fail: (problem: string) => Error): void {
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: HeaderEntry | undefined;
  for (const entry of byOffset) {
    const where = `tensor "${entry.name}" data_offsets [${entry.begin}, ${entry.end}]`;
    if (entry.end > dataLength) {
      throw fail(`${where} run past the end of the data section (${dataLength} bytes): truncated?`);
    }
    if (entry.begin < covered) {
      throw fail(`${where} overlap tensor "${previous!.name}" [${previous!.begin}, ${previous!.end}]`);
    }
    if (entry.begin > covered) {
      throw fail(`data section bytes [${covered}, ${entry.begin}) belong to no tensor (gap before ${where})`);
    }
    covered = entry.end;
    previous = entry;
  }
  if (covered < dataLength) {
    throw fail(`${dataLength - covered} trailing bytes after the last tensor (data section ${dataLength} bytes, tensors cover ${covered})`);
  }
}

function checkedMetadata(value: unknown, where: string): Record<string, string> {
  if (!isPlainObject(value)) throw new Error(`${where} must be an object of strings`);
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') throw new Error(`${where}: value of "${key}" is ${JSON.stringify(entry)}, not a string`);
  }
  return value as Record<string, string>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

// ---------------------------------------------------------------------------------------------
// Matching a file against a module's parameters

/**
 * Checks that `loaded` holds exactly the tensors a module expects, with the expected shapes.
 * Throws one error listing every missing key, unexpected key and shape mismatch, so a module can
 * validate a checkpoint before it overwrites any of its parameters.
 */
export function checkStateDict(
  expected: Record<string, number[]>,
  loaded: Map<string, { shape: number[] }>,
  source: string,
): void {
  const problems: string[] = [];
  for (const name of Object.keys(expected).sort(compareNames)) {
    const tensor = loaded.get(name);
    if (tensor === undefined) problems.push(`missing tensor "${name}" (expected shape ${shapeText(expected[name])})`);
    else if (!sameShape(expected[name], tensor.shape)) {
      problems.push(`shape mismatch for "${name}": expected ${shapeText(expected[name])}, file has ${shapeText(tensor.shape)}`);
    }
  }
  for (const name of [...loaded.keys()].sort(compareNames)) {
    if (!Object.hasOwn(expected, name)) problems.push(`unexpected tensor "${name}" (shape ${shapeText(loaded.get(name)!.shape)})`);
  }
  if (problems.length > 0) {
    throw new Error(`checkStateDict: ${source} does not match the module:\n  ${problems.join('\n  ')}`);
  }
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i]);
}
