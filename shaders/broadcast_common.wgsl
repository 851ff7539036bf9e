// Prepended to binary.wgsl and where.wgsl: the uniform record of an elementwise kernel over a broadcast
// and how it finds an operand's element for output element i. Each operand has an access mode, chosen per
// call by engine/backend/webgpu/elementwise.ts and passed as an override constant, so a kernel compiles
// only the read it needs:
//   FULL     the operand has the output's shape: element i, no index arithmetic
//   SCALAR   every axis is broadcast: element 0, the same address in every thread (a uniform load)
//   DIVMOD   the operand's axes with a stride form one contiguous run (a bias row or column, a
//            per-channel scale): element (i / div) % mod, div and mod from `divmod`
//   STRIDED  anything else: the coordinate walk, summing coordinate * stride over the axes
// Before it come the generated `const RANK_VEC4S` (the uniform arrays hold 4 axes per vec4),
// index_common.wgsl (flat_index) and strided_common.wgsl (strided_offset, the walk).

struct Params {
  n: u32,
  rank: u32,
  alpha: f32, // the op's parameter (leakyReluBackward's slope); unused by the others
  shape: array<vec4<u32>, RANK_VEC4S>,
  divmod: array<vec4<u32>, 3>, // per operand: (div, mod, -, -) for DIVMOD reads
  strides: array<array<vec4<u32>, RANK_VEC4S>, 3>, // per operand, for STRIDED reads
}

@group(0) @binding(0) var<uniform> params: Params;

const FULL: u32 = 0u;
const SCALAR: u32 = 1u;
const DIVMOD: u32 = 2u;
const STRIDED: u32 = 3u;

/**
 * For the four-per-thread kernels: which vec4 of operand `operand` holds the values of output elements
 * 4q .. 4q+3, and which component when the four share one value (4: the whole quad, element by element). The
 * host takes this path only when each operand's four values are one aligned quad (FULL; DIVMOD with div 1 and
 * mod % 4 == 0) or one value (SCALAR; DIVMOD with div % 4 == 0).
 */
fn quad_source(q: u32, operand: u32, mode: u32) -> vec2<u32> {
  switch mode {
    case FULL: {
      return vec2<u32>(q, 4u);
    }
    case SCALAR: {
      return vec2<u32>(0u, 0u);
    }
    default: {
      let e = ((4u * q) / params.divmod[operand].x) % params.divmod[operand].y; // the element of 4q
      return vec2<u32>(e / 4u, select(e % 4u, 4u, params.divmod[operand].x == 1u));
    }
  }
}

/** The four values from the vec4 `loaded` that quad_source named. */
fn quad_values(loaded: vec4<f32>, source: vec2<u32>) -> vec4<f32> {
  return select(vec4(loaded[min(source.y, 3u)]), loaded, source.y == 4u);
}

/** Where operand `operand`, read in `mode`, holds the value for output element i. */
fn operand_index(i: u32, operand: u32, mode: u32) -> u32 {
  switch mode {
    case FULL: {
      return i;
    }
    case SCALAR: {
      return 0u;
    }
    case DIVMOD: {
      return (i / params.divmod[operand].x) % params.divmod[operand].y;
    }
    default: {
      return strided_offset(i, params.rank, params.shape, params.strides[operand]);
    }
  }
}
