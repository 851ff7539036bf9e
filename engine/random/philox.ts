// Philox 4x32-10 counter-based random numbers: the readable CPU specification that shaders/philox.wgsl
// must match word for word, so a run draws the same noise on every backend.
//
// Philox (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011; the
// Random123 library) maps a 128-bit counter and a 64-bit key to 128 random bits with 10 cheap rounds.
// There is no state to carry: any word of the stream can be computed on its own, which is what a GPU
// thread needs.
//
// The stream definition, used by both backends:
//   a draw is identified by `(seed, blockOffset)` (two uint32). Element `i` of the draw takes word `i % 4` of
//   `philox4x32([blockOffset + floor(i / 4), 0, 0, 0], [seed, 0])` (the first counter word wraps mod 2^32).
//   `randomWords(seed, blockOffset, n): Uint32Array` returns n words.
//
// Words become numbers as follows (element i of each draw):
//   uniform: u_i = wordToUniform(word i), in the open interval (0, 1)
//   normal:  z_i = sqrt(-2 ln u1) * cos(2 pi u2), u1 from word 2i and u2 from word 2i+1 (Box-Muller)
//   gumbel:  g_i = -ln(-ln(u_i)), u_i from word i
// A draw of n elements consumes blocksUsed(kind, n) blocks of 4 words; the next independent draw
// starts at blockOffset + blocksUsed(kind, n).
import type { RandomKind } from '../backend/contracts.js';

/** Round multipliers M0, M1 (Random123 PHILOX_M4x32_0, PHILOX_M4x32_1). */
export const PHILOX_M0 = 0xd2511f53;
export const PHILOX_M1 = 0xcd9e8d57;
/** Weyl key increments W0 = golden ratio, W1 = sqrt(3) - 1, as 32-bit fractions. */
export const PHILOX_W0 = 0x9e3779b9;
export const PHILOX_W1 = 0xbb67ae85;
export const PHILOX_ROUNDS = 10;
/** One counter value yields this many 32-bit words. */
export const WORDS_PER_BLOCK = 4;

const TWO_POW_32 = 2 ** 32;
const LOW_16_BITS = 0xffff;

export type Counter = readonly [number, number, number, number];
export type Key = readonly [number, number];

/**
 * The 64-bit product a * b of two uint32 as [hi, lo] words.
 * JS numbers hold integers exactly only up to 2^53, so a * b itself may round. The low word is
 * Math.imul (a 32x32 -> 32 multiply that wraps) read back as unsigned. For the high word split each
 * factor into 16-bit halves, a = aH 2^16 + aL, so every partial product fits in 32 bits:
 *   a b = aH bH 2^32 + (aH bL + aL bH) 2^16 + aL bL
 * The bits that carry into the high word are the top halves of the two cross terms plus the carry out
 * of the middle column, mid = (aL bL >> 16) + low16(aL bH) + low16(aH bL) (< 3 * 2^16, no overflow).
 * shaders/philox.wgsl computes it the same way, since WGSL has no 64-bit integers either.
 */
export function mulhilo(a: number, b: number): [number, number] {
  const aLow = a & LOW_16_BITS;
  const aHigh = a >>> 16;
  const bLow = b & LOW_16_BITS;
  const bHigh = b >>> 16;
  const lowLow = aLow * bLow;
  const lowHigh = aLow * bHigh;
  const highLow = aHigh * bLow;
  const highHigh = aHigh * bHigh;
  const mid = (lowLow >>> 16) + (lowHigh & LOW_16_BITS) + (highLow & LOW_16_BITS);
  const hi = (highHigh + (lowHigh >>> 16) + (highLow >>> 16) + (mid >>> 16)) >>> 0;
  const lo = Math.imul(a, b) >>> 0;
  return [hi, lo];
}

/** One Philox round: two multiplies mix words 0 and 2 into the others, with the key xored in. */
function philoxRound(ctr: Counter, key: Key): [number, number, number, number] {
  const [hi0, lo0] = mulhilo(PHILOX_M0, ctr[0]);
  const [hi1, lo1] = mulhilo(PHILOX_M1, ctr[2]);
  return [(hi1 ^ ctr[1] ^ key[0]) >>> 0, lo1, (hi0 ^ ctr[3] ^ key[1]) >>> 0, lo0];
}

/** The key schedule: a Weyl sequence, key + W mod 2^32 after each round. */
function bumpKey(key: Key): [number, number] {
  return [(key[0] + PHILOX_W0) >>> 0, (key[1] + PHILOX_W1) >>> 0];
}

/** Philox 4x32-10: 10 rounds of philoxRound, bumping the key between rounds. All words are uint32. */
export function philox4x32(counter: Counter, key: Key): [number, number, number, number] {
  checkWords('philox4x32', 'counter', counter);
  checkWords('philox4x32', 'key', key);
  let ctr: Counter = counter;
  let roundKey: Key = key;
  for (let round = 0; round < PHILOX_ROUNDS; round++) {
    if (round > 0) roundKey = bumpKey(roundKey);
    ctr = philoxRound(ctr, roundKey);
  }
  return [ctr[0], ctr[1], ctr[2], ctr[3]];
}

/** Block b of the stream (seed, blockOffset): the 4 words that elements 4b .. 4b+3 take. */
export function randomBlock(seed: number, blockOffset: number, block: number): [number, number, number, number] {
  return philox4x32([(blockOffset + block) % TWO_POW_32, 0, 0, 0], [seed, 0]);
}

/** Words 0 .. n-1 of the stream (seed, blockOffset). */
export function randomWords(seed: number, blockOffset: number, n: number): Uint32Array {
  checkDraw('randomWords', seed, blockOffset, n);
  const words = new Uint32Array(n);
  for (let block = 0; block * WORDS_PER_BLOCK < n; block++) {
    const blockWords = randomBlock(seed, blockOffset, block);
    for (let j = 0; j < WORDS_PER_BLOCK && block * WORDS_PER_BLOCK + j < n; j++) {
      words[block * WORDS_PER_BLOCK + j] = blockWords[j];
    }
  }
  return words;
}

const UNIFORM_DROPPED_BITS = 9;
const UNIFORM_BITS = 32 - UNIFORM_DROPPED_BITS;
const UNIFORM_SCALE = 2 ** -UNIFORM_BITS;

/**
 * A word as a uniform number in the open interval (0, 1): (float(w >>> 9) + 0.5) * 2^-23.
 * The top 23 bits k give the midpoint of one of 2^23 equal cells, (2k + 1) * 2^-24, which needs at most
 * 24 significant bits and so is exact in float32: the GPU gives the same value bit for bit. (Keeping 24
 * bits would need 25 significant bits; float32 would round the top cell up to exactly 1.0, and gumbel
 * noise would become infinite.) Range: 2^-24 .. 1 - 2^-24.
 */
export function wordToUniform(w: number): number {
  return ((w >>> UNIFORM_DROPPED_BITS) + 0.5) * UNIFORM_SCALE;
}

/** n uniform numbers in (0, 1); element i from word i. */
export function uniform(seed: number, blockOffset: number, n: number): Float64Array {
  const words = randomWords(seed, blockOffset, n);
  return Float64Array.from(words, wordToUniform);
}

/** n standard normal numbers by Box-Muller; element i uses words 2i and 2i+1. */
export function normal(seed: number, blockOffset: number, n: number): Float64Array {
  const words = randomWords(seed, blockOffset, 2 * n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u1 = wordToUniform(words[2 * i]);
    const u2 = wordToUniform(words[2 * i + 1]);
    out[i] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  return out;
}

/** n standard Gumbel numbers, -ln(-ln u); element i from word i. Mean: Euler-Mascheroni 0.5772... */
export function gumbel(seed: number, blockOffset: number, n: number): Float64Array {
  return uniform(seed, blockOffset, n).map((u) => -Math.log(-Math.log(u)));
}

/** How many 4-word blocks a draw of n elements consumes: advance blockOffset by this to avoid overlap. */
export function blocksUsed(kind: RandomKind, n: number): number {
  const wordsPerElement = kind === 'normal' ? 2 : 1;
  return Math.ceil((wordsPerElement * n) / WORDS_PER_BLOCK);
}

/**
 * Seeded randomness for data pipelines: the generator that data loaders use for seeded shuffles and
 * colour draws. It reads the same Philox stream, key [seed, 0], word after word from block 0, keeping
 * its own cursor, so a loader seeded the same way shuffles the same way on every machine.
 */
export class HostRandom {
  readonly seed: number;
  private wordIndex = 0; // next word of the stream to hand out
  private block: [number, number, number, number] = [0, 0, 0, 0];

  constructor(seed: number) {
    checkWords('HostRandom', 'seed', [seed]);
    this.seed = seed;
  }

  /** The next word of the stream, a uint32. */
  nextWord(): number {
    const position = this.wordIndex % WORDS_PER_BLOCK;
    if (position === 0) {
      this.block = randomBlock(this.seed, 0, Math.floor(this.wordIndex / WORDS_PER_BLOCK));
    }
    this.wordIndex++;
    return this.block[position];
  }

  /** A uniform number in (0, 1), as wordToUniform. */
  uniform(): number {
    return wordToUniform(this.nextWord());
  }

  /**
   * A uniform integer in [0, n), without modulo bias: words at or above the largest multiple of n
   * below 2^32 are redrawn (less than half of all words, whatever n is).
   */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new Error(`HostRandom.int: n must be an integer in [1, 2^32], got ${n}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let word = this.nextWord();
    while (word >= limit) word = this.nextWord();
    return word % n;
  }

  /** Shuffles the array in place (Fisher-Yates) and returns it. */
  shuffle<T>(array: T[]): T[];
  shuffle(array: Int32Array): Int32Array;
  shuffle<T>(array: T[] | Int32Array): T[] | Int32Array {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const held = array[i];
      array[i] = array[j];
      array[j] = held;
    }
    return array;
  }
}

/** Throws unless every value is a uint32 (an integer in [0, 2^32)). */
function checkWords(fn: string, name: string, values: readonly number[]): void {
  for (const value of values) {
    if (!Number.isInteger(value) || value < 0 || value >= TWO_POW_32) {
      throw new Error(`${fn}: ${name} must hold uint32 values, got [${values.join(', ')}]`);
    }
  }
}

function checkDraw(fn: string, seed: number, blockOffset: number, n: number): void {
  checkWords(fn, 'seed', [seed]);
  checkWords(fn, 'blockOffset', [blockOffset]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${fn}: n must be a non-negative integer, got ${n}`);
}
