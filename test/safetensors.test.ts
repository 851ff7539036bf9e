// safetensors: a hand-built golden file, round trips, one test per kind of corrupt file, atomic
// saving and state-dict checking.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkStateDict, decodeSafetensors, encodeSafetensors } from '../engine/io/safetensors';
import { loadSafetensors, saveSafetensors } from '../engine/io/safetensors-file';
import { sha256Hex } from '../engine/io/sha256';

// The golden file, written out byte by byte:
//   "a" shape [2]    = [1, -2]           -> 8 bytes at data offsets [0, 8)
//   "b" shape [1, 3] = [0.5, 2, -0.25]   -> 12 bytes at data offsets [8, 20)
const GOLDEN_HEADER =
  '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
  '"b":{"dtype":"F32","shape":[1,3],"data_offsets":[8,20]}}' +
  '  '; // 110 bytes of JSON + 2 spaces of padding = 112, a multiple of 8
const GOLDEN_BYTES = [
  ...[112, 0, 0, 0, 0, 0, 0, 0], // header length, u64 little-endian
  ...[...GOLDEN_HEADER].map((c) => c.charCodeAt(0)),
  ...[0x00, 0x00, 0x80, 0x3f], //  1     = 0x3f800000
  ...[0x00, 0x00, 0x00, 0xc0], // -2     = 0xc0000000
  ...[0x00, 0x00, 0x00, 0x3f], //  0.5   = 0x3f000000
  ...[0x00, 0x00, 0x00, 0x40], //  2     = 0x40000000
  ...[0x00, 0x00, 0x80, 0xbe], // -0.25  = 0xbe800000
];

function goldenTensors() {
  // Inserted out of order: the writer must sort by name.
  return {
    b: { shape: [1, 3], data: new Float32Array([0.5, 2, -0.25]) },
    a: { shape: [2], data: new Float32Array([1, -2]) },
  };
}

// Builds a file from a header object (unpadded) and a data section, to make corrupt files.
function fileWith(header: unknown, data: number[] = [], rawHeader?: string): Uint8Array {
  const json = new TextEncoder().encode(rawHeader ?? JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  bytes.set(data, 8 + json.length);
  return bytes;
}

function f32Entry(shape: number[], begin: number, end: number) {
  return { dtype: 'F32', shape, data_offsets: [begin, end] };
}

function rejects(bytes: Uint8Array, expectedMessage: RegExp): void {
  assert.throws(() => decodeSafetensors(bytes, 'bad.safetensors'), (error: Error) => {
    assert.match(error.message, 'bad.safetensors');
    assert.match(error.message, expectedMessage);
    return true;
  });
}

test('encodeSafetensors matches the hand-built golden file byte for byte', () => {
  assert.equal([...encodeSafetensors(goldenTensors())], GOLDEN_BYTES);
});

test('decodeSafetensors reads the golden file', () => {
  const { tensors, metadata } = decodeSafetensors(new Uint8Array(GOLDEN_BYTES));
  assert.equal([...tensors.keys()], ['a', 'b']);
  assert.equal(tensors.get('a')!.shape, [2]);
  assert.equal([...tensors.get('a')!.data], [1, -2]);
  assert.equal(tensors.get('b')!.shape, [1, 3]);
  assert.equal([...tensors.get('b')!.data], [0.5, 2, -0.25]);
  assert.equal(metadata, {});
});

test('round trip with metadata, a scalar and an empty tensor', () => {
  const tensors = {
    'encoder.weight': { shape: [2, 3], data: new Float32Array([0.1, -1e-30, 3e38, -0, 7, Math.PI]) },
    scalar: { shape: [], data: new Float32Array([42]) },
    empty: { shape: [0, 4], data: new Float32Array(0) },
  };
  const metadata = { epoch: '3', note: 'naïve ✓' };
  const bytes = encodeSafetensors(tensors, metadata);
  const view = new DataView(bytes.buffer);
  assert.is((8 + Number(view.getBigUint64(0, true))) % 8, 0, 'data section starts 8-aligned');
  const decoded = decodeSafetensors(bytes);
  assert.equal(decoded.metadata, metadata);
  assert.equal([...decoded.tensors.keys()], ['empty', 'encoder.weight', 'scalar']);
  // Also from a node Buffer at an odd offset: unaligned, and a view into a larger allocation.
  const unaligned = Buffer.concat([Buffer.from([0]), Buffer.from(bytes)]).subarray(1);
  assert.equal([...decodeSafetensors(unaligned).tensors.get('encoder.weight')!.data], [...tensors['encoder.weight'].data]);
  for (const [name, { shape, data }] of Object.entries(tensors)) {
    assert.equal(decoded.tensors.get(name)!.shape, shape);
    assert.equal([...decoded.tensors.get(name)!.data], [...data]);
  }
});

test('rejects a file shorter than the length field', () => {
  rejects(new Uint8Array([1, 2, 3]), /file is 3 bytes, shorter than the 8-byte header length field/);
});

test('rejects a header length past the end of the file', () => {
  rejects(new Uint8Array(GOLDEN_BYTES.slice(0, 50)), /header length 112 runs past the end of the file \(42 bytes follow it\)/);
});

test('rejects a header that is not JSON', () => {
  rejects(fileWith(null, [], '{"a": [1, 2'), /header is not valid JSON/);
  rejects(fileWith([1, 2]), /header is JSON but not an object/);
});

test('rejects an unsupported dtype, naming it', () => {
  const header = { a: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } };
  rejects(fileWith(header, [0, 0, 0, 0]), /tensor "a": unsupported dtype "F16" \(only F32 is supported\)/);
});

test('rejects a shape that disagrees with the offsets', () => {
  rejects(fileWith({ a: f32Entry([3], 0, 8) }, Array(8).fill(0)), /tensor "a": shape \[3\] needs 12 bytes but data_offsets \[0, 8\] span 8/);
});

test('rejects negative and non-integer shape entries', () => {
  rejects(fileWith({ a: f32Entry([-1], 0, 0) }), /tensor "a": shape \[-1\] must be a list of non-negative integers/);
  rejects(fileWith({ a: f32Entry([1.5], 0, 4) }, [0, 0, 0, 0]), /shape \[1.5\] must be a list of non-negative integers/);
});

test('rejects offsets outside the data section (truncated data)', () => {
  rejects(fileWith({ a: f32Entry([2], 0, 8) }, [0, 0, 0, 0]), /tensor "a" data_offsets \[0, 8\] run past the end of the data section \(4 bytes\)/);
});

test('rejects overlapping tensors', () => {
  const header = { a: f32Entry([2], 0, 8), b: f32Entry([1], 4, 8) };
  rejects(fileWith(header, Array(8).fill(0)), /tensor "b" data_offsets \[4, 8\] overlap tensor "a" \[0, 8\]/);
});

test('rejects a gap between tensors', () => {
  const header = { a: f32Entry([1], 0, 4), b: f32Entry([1], 8, 12) };
  rejects(fileWith(header, Array(12).fill(0)), /data section bytes \[4, 8\) belong to no tensor \(gap before tensor "b"/);
});

test('rejects trailing bytes', () => {
  rejects(fileWith({ a: f32Entry([1], 0, 4) }, Array(6).fill(0)), /2 trailing bytes after the last tensor \(data section 6 bytes, tensors cover 4\)/);
});

test('SHA-256 of the published test vectors (FIPS 180-4 examples)', () => {
  const text = (t: string) => new TextEncoder().encode(t);
  assert.is(sha256Hex(text('')), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.is(sha256Hex(text('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.is(sha256Hex(text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  assert.is(sha256Hex(new Uint8Array(1_000_000).fill(0x61)), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
});

test('rejects non-string metadata', () => {
  rejects(fileWith({ __metadata__: { epoch: 3 } }), /__metadata__: value of "epoch" is 3, not a string/);
});

test('encodeSafetensors rejects data that does not fill the shape', () => {
  assert.throws(
    () => encodeSafetensors({ w: { shape: [2, 2], data: new Float32Array(3) } }),
    /tensor "w": shape \[2, 2\] holds 4 elements but data has 3/,
  );
});

test('saveSafetensors writes via a temporary file and leaves none behind', () => {
  const dir = mkdtempSync(join(tmpdir(), 'safetensors-'));
  const path = join(dir, 'model.safetensors');
  saveSafetensors(path, goldenTensors());
  assert.equal(readdirSync(dir), ['model.safetensors']);
  assert.equal([...readFileSync(path)], GOLDEN_BYTES);
  assert.equal([...loadSafetensors(path).tensors.get('b')!.data], [0.5, 2, -0.25]);

  // A failed save (here: bad data) must leave the earlier file untouched and no .tmp behind.
  assert.throws(() => saveSafetensors(path, { w: { shape: [2], data: new Float32Array(1) } }));
  assert.equal([...readFileSync(path)], GOLDEN_BYTES);
  assert.not.ok(existsSync(path + '.tmp'));
});

test('loadSafetensors names the file in its errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'safetensors-'));
  const path = join(dir, 'short.safetensors');
  writeFileSync(path, new Uint8Array(4));
  assert.throws(() => loadSafetensors(path), (error: Error) => error.message.includes(`safetensors file ${path}: file is 4 bytes`));
});

test('checkStateDict passes a matching file and lists every problem otherwise', () => {
  const loaded = decodeSafetensors(new Uint8Array(GOLDEN_BYTES)).tensors;
  checkStateDict({ a: [2], b: [1, 3] }, loaded, 'ok.safetensors');
  assert.throws(
    () => checkStateDict({ a: [2], b: [3], c: [4, 4] }, loaded, 'vae.safetensors'),
    (error: Error) => {
      assert.is(
        error.message,
        'checkStateDict: vae.safetensors does not match the module:\n' +
          '  shape mismatch for "b": expected [3], file has [1, 3]\n' +
          '  missing tensor "c" (expected shape [4, 4])',
      );
      return true;
    },
  );
  assert.throws(
    () => checkStateDict({ a: [2] }, loaded, 'x.safetensors'),
    /does not match the module:\n  unexpected tensor "b" \(shape \[1, 3\]\)$/,
  );
});

test.run();
