// Philox 4x32-10 counter-based random numbers (Salmon et al., SC 2011; Random123), the same words as the
// CPU specification engine/random/philox.ts. A library with no entry point: TypeScript prepends it to
// kernels that draw noise. Element i of the draw (seed, block_offset) is word i % 4 of
// philox4x32_10(vec4(block_offset + i / 4, 0, 0, 0), vec2(seed, 0)), the first counter word wrapping.

const PHILOX_M0: u32 = 0xD2511F53u;
const PHILOX_M1: u32 = 0xCD9E8D57u;
const PHILOX_W0: u32 = 0x9E3779B9u; // golden ratio
const PHILOX_W1: u32 = 0xBB67AE85u; // sqrt(3) - 1
const PHILOX_ROUNDS: u32 = 10u;
const LOW_16_BITS: u32 = 0xFFFFu;

// The 64-bit product a * b as vec2(hi, lo). WGSL has no 64-bit integers, so split each factor into
// 16-bit halves, a = aH 2^16 + aL; each partial product fits in 32 bits:
//   a b = aH bH 2^32 + (aH bL + aL bH) 2^16 + aL bL
// hi collects aH bH, the top halves of the cross terms and the carry of the middle column.
fn mulhilo(a: u32, b: u32) -> vec2<u32> {
  let a_low = a & LOW_16_BITS;
  let a_high = a >> 16u;
  let b_low = b & LOW_16_BITS;
  let b_high = b >> 16u;
  let low_low = a_low * b_low;
  let low_high = a_low * b_high;
  let high_low = a_high * b_low;
  let high_high = a_high * b_high;
  let mid = (low_low >> 16u) + (low_high & LOW_16_BITS) + (high_low & LOW_16_BITS);
  let hi = high_high + (low_high >> 16u) + (high_low >> 16u) + (mid >> 16u);
  return vec2<u32>(hi, a * b); // u32 multiplication wraps: the low word
}

fn philox_round(ctr: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  let p0 = mulhilo(PHILOX_M0, ctr.x);
  let p1 = mulhilo(PHILOX_M1, ctr.z);
  return vec4<u32>(p1.x ^ ctr.y ^ key.x, p1.y, p0.x ^ ctr.w ^ key.y, p0.y);
}

fn philox4x32_10(ctr: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = philox_round(ctr, key);
  var k = key;
  for (var round = 1u; round < PHILOX_ROUNDS; round++) {
    k += vec2<u32>(PHILOX_W0, PHILOX_W1); // Weyl key schedule, wraps mod 2^32
    c = philox_round(c, k);
  }
  return c;
}

// Block b of the stream: the 4 words that elements 4b .. 4b+3 take.
fn block_at(seed: u32, block_offset: u32, block: u32) -> vec4<u32> {
  return philox4x32_10(vec4<u32>(block_offset + block, 0u, 0u, 0u), vec2<u32>(seed, 0u));
}

fn word_at(seed: u32, block_offset: u32, i: u32) -> u32 {
  return block_at(seed, block_offset, i / 4u)[i % 4u];
}

const UNIFORM_SCALE: f32 = 1.1920928955078125e-7; // 2^-23, written out so no exp2 runs on the device

// (float(w >> 9) + 0.5) * 2^-23: the midpoint of one of 2^23 cells, exact in f32, in (0, 1).
fn word_to_uniform(w: u32) -> f32 {
  return (f32(w >> 9u) + 0.5) * UNIFORM_SCALE;
}

// -ln(u) for a uniform u, accurate in relative terms. Near u = 1 the device log is accurate only to about
// 2^-24 in absolute terms, a large relative error once -ln(u) is tiny, and Gumbel noise -ln(-ln u) or the
// Box-Muller radius sqrt(-2 ln u) would inherit it. There the series -ln(1 - v) = v + v^2/2 + v^3/3 + ...
// with v = 1 - u (exact in f32 for word_to_uniform values) is used instead: for v < 1/64 five terms leave
// a relative error below v^5 / 6 < 2^-32.
const SERIES_BELOW: f32 = 0.015625; // 1/64

fn neg_log_uniform(u: f32) -> f32 {
  let v = 1.0 - u;
  if (v < SERIES_BELOW) {
    return v * (1.0 + v * (1.0 / 2.0 + v * (1.0 / 3.0 + v * (1.0 / 4.0 + v / 5.0))));
  }
  return -log(u);
}
