// Reader for IDX files, the container format of MNIST and Fashion-MNIST
// (`train-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, ...), plain or gzip-compressed.
//
// Layout (all integers big-endian):
//   byte 0, 1   zero
//   byte 2      element type; only 0x08 (unsigned byte) is supported, which is all MNIST uses
//   byte 3      number of dimensions D
//   4 .. 4+4D   each dimension as a u32
//   then        prod(dims) elements, row-major
// The file length must equal header + data exactly, so a truncated download or a file with a
// wrong header is caught here rather than showing up as garbage digits later.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const GZIP_MAGIC = [0x1f, 0x8b];
const UNSIGNED_BYTE_TYPE = 0x08;
const FIXED_HEADER_BYTES = 4; // two zero bytes, the type byte, the dimension count
const BYTES_PER_DIMENSION = 4;

/** Reads and parses the IDX file at `path` (gzip-compressed or not). */
export function readIdx(path: string): IdxArray {
  return parseIdx(readFileSync(path), path);
}

/**
 * Parses the bytes of an IDX file; `source` names the file in error messages.
 * Gzip-compressed input (magic 1f 8b) is decompressed first.
 */
export function parseIdx(bytes: Uint8Array, source: string): IdxArray {
  const raw = isGzip(bytes) ? gunzip(bytes, source) : bytes;
  const what = isGzip(bytes) ? 'decompressed data' : 'file';
  if (raw.length < FIXED_HEADER_BYTES) {
    throw new Error(`${source}: ${what} is ${raw.length} bytes, too short for an IDX header (at least ${FIXED_HEADER_BYTES})`);
  }
  checkMagic(raw, source);
  const dims = readDims(raw, source, what);
  const headerBytes = FIXED_HEADER_BYTES + BYTES_PER_DIMENSION * dims.length;
  const expected = headerBytes + dims.reduce((a, b) => a * b, 1);
  if (raw.length !== expected) {
    throw new Error(`${source}: ${what} is ${raw.length} bytes, expected ${expected} for dims [${dims.join(', ')}]`);
  }
  return { dims, data: raw.subarray(headerBytes) };
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= GZIP_MAGIC.length && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

function gunzip(bytes: Uint8Array, source: string): Uint8Array {
  try {
    return new Uint8Array(gunzipSync(bytes));
  } catch (error) {
    throw new Error(`${source}: starts with the gzip magic 1f 8b but does not decompress (${(error as Error).message})`);
  }
}

function hex(byte: number): string {
  return '0x' + byte.toString(16).padStart(2, '0');
}

function checkMagic(raw: Uint8Array, source: string): void {
  if (raw[0] !== 0 || raw[1] !== 0) {
    throw new Error(`${source}: not an IDX file, expected the first two bytes to be 0x00 0x00, found ${hex(raw[0])} ${hex(raw[1])}`);
  }
  if (raw[2] !== UNSIGNED_BYTE_TYPE) {
    throw new Error(
      `${source}: IDX element type ${hex(raw[2])} is not supported, only ${hex(UNSIGNED_BYTE_TYPE)} (unsigned byte) is`,
    );
  }
  if (raw[3] === 0) {
    throw new Error(`${source}: IDX header declares 0 dimensions, expected at least 1`);
  }
}

function readDims(raw: Uint8Array, source: string, what: string): number[] {
  const count = raw[3];
  const headerBytes = FIXED_HEADER_BYTES + BYTES_PER_DIMENSION * count;
  if (raw.length < headerBytes) {
    throw new Error(`${source}: ${what} is ${raw.length} bytes, too short for the header of ${count} dimensions (${headerBytes} bytes)`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < count; i++) dims.push(view.getUint32(FIXED_HEADER_BYTES + BYTES_PER_DIMENSION * i, false));
  return dims;
}
