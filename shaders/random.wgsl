// Fills out[0 .. n) with uniform, normal or Gumbel noise from the Philox stream (seed, block_offset),
// element for element what engine/random/philox.ts computes. Prepended with index_common.wgsl and
// philox.wgsl at pipeline creation; the kind codes match RANDOM_KIND_CODES in engine/random/kernel.ts.

struct Params {
  n: u32,
  seed: u32,
  block_offset: u32,
  kind: u32, // 0 = uniform, 1 = normal, 2 = gumbel
  low: f32, // uniform: low + (high - low) * u
  high: f32,
  mean: f32, // normal: mean + std_dev * z
  std_dev: f32, // `std` is a reserved word in WGSL
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

override WG: u32;

const KIND_UNIFORM: u32 = 0u;
const KIND_NORMAL: u32 = 1u;
const KIND_GUMBEL: u32 = 2u;
const TWO_PI: f32 = 6.283185307179586;

fn uniform_at(i: u32) -> f32 {
  return word_to_uniform(word_at(params.seed, params.block_offset, i));
}

// Box-Muller, sqrt(-2 ln u1) cos(2 pi u2), from words 2i and 2i+1, which lie in the same 4-word block.
fn normal_at(i: u32) -> f32 {
  let words = block_at(params.seed, params.block_offset, i / 2u);
  let first = (2u * i) % 4u;
  let u1 = word_to_uniform(words[first]);
  let u2 = word_to_uniform(words[first + 1u]);
  return sqrt(2.0 * neg_log_uniform(u1)) * cos(TWO_PI * u2);
}

// -ln(-ln u) from word i.
fn gumbel_at(i: u32) -> f32 {
  return -log(neg_log_uniform(uniform_at(i)));
}

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(num_workgroups) num_workgroups: vec3<u32>,
) {
  let i = flat_index(wid, num_workgroups, lid, WG);
  if (i >= params.n) {
    return;
  }
  switch params.kind {
    case KIND_UNIFORM: {
      out[i] = params.low + (params.high - params.low) * uniform_at(i);
    }
    case KIND_NORMAL: {
      out[i] = params.mean + params.std_dev * normal_at(i);
    }
    case KIND_GUMBEL: {
      out[i] = gumbel_at(i);
    }
    default: {} // unreachable: packRandomParams accepts only the three kinds
  }
}
