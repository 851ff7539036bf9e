// CPU pooling and upsampling kernels, float64, written as the definitions read. Maps are (planes, H, W)
// with planes = B*C. The backward kernels scatter each output gradient back along the pixels the
// forward read; the WGSL kernels gather instead, so the two formulations check each other.
import type { PoolGeometry, UpsampleGeometry } from '../contracts.js';
import { registerCpuKernel } from './registry.js';

/** Calls visit(outIndex, inIndices) for every pooling window; inIndices lists its real (unpadded) pixels in row-major order. */
function forEachWindow(g: PoolGeometry, visit: (outIndex: number, inIndices: number[]) => void): void {
  let outIndex = 0;
  for (let plane = 0; plane < g.planes; plane++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        const inIndices: number[] = [];
        for (let ky = 0; ky < g.kernelH; ky++) {
          for (let kx = 0; kx < g.kernelW; kx++) {
            const iy = oy * g.strideH - g.padH + ky;
            const ix = ox * g.strideW - g.padW + kx;
            if (iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW) inIndices.push((plane * g.inH + iy) * g.inW + ix);
          }
        }
        visit(outIndex++, inIndices);
      }
    }
  }
}

/** The first index (in the given order) holding the largest value: ties go to the earliest pixel. */
function firstArgMax(x: Float64Array, indices: number[]): number {
  let best = indices[0];
  for (const i of indices) if (x[i] > x[best]) best = i;
  return best;
}

registerCpuKernel('pool2d', ([x], [y], g) => {
  forEachWindow(g, (o, window) => {
    if (g.op === 'max') {
      y[o] = x[firstArgMax(x, window)];
    } else {
      // count_include_pad: padded pixels are zeros that still count in the divisor
      let total = 0;
      for (const i of window) total += x[i];
      y[o] = total / (g.kernelH * g.kernelW);
    }
  });
});

registerCpuKernel('maxPool2dBackward', ([x, dy], [dx], g) => {
  dx.fill(0);
  forEachWindow(g, (o, window) => {
    dx[firstArgMax(x, window)] += dy[o];
  });
});

registerCpuKernel('avgPool2dBackward', ([dy], [dx], g) => {
  dx.fill(0);
  forEachWindow(g, (o, window) => {
    for (const i of window) dx[i] += dy[o] / (g.kernelH * g.kernelW);
  });
});

/** The input pixels (and weights) that output coordinate o reads along one axis of `size` pixels. */
function sourceTaps(o: number, size: number, scale: number, mode: UpsampleGeometry['mode']): [number, number][] {
  if (mode === 'nearest') return [[Math.floor(o / scale), 1]];
  // align_corners = false: pixel centres line up; coordinates left of the first centre clamp to it
  const source = Math.max((o + 0.5) / scale - 0.5, 0);
  const i0 = Math.floor(source);
  const i1 = Math.min(i0 + 1, size - 1);
  const w1 = source - i0;
  return [[i0, 1 - w1], [i1, w1]];
}

/** Calls visit(outIndex, inIndex, weight) for every (output pixel, input pixel) pair upsampling combines. */
function forEachTap(g: UpsampleGeometry, visit: (outIndex: number, inIndex: number, weight: number) => void): void {
  const outH = g.inH * g.scale;
  const outW = g.inW * g.scale;
  let outIndex = 0;
  for (let plane = 0; plane < g.planes; plane++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (const [iy, wy] of sourceTaps(oy, g.inH, g.scale, g.mode)) {
          for (const [ix, wx] of sourceTaps(ox, g.inW, g.scale, g.mode)) {
            visit(outIndex, (plane * g.inH + iy) * g.inW + ix, wy * wx);
          }
        }
        outIndex++;
      }
    }
  }
}

registerCpuKernel('upsample2d', ([x], [y], g) => {
  y.fill(0);
  forEachTap(g, (o, i, weight) => {
    y[o] += weight * x[i];
  });
});

registerCpuKernel('upsample2dBackward', ([dy], [dx], g) => {
  dx.fill(0);
  forEachTap(g, (o, i, weight) => {
    dx[i] += weight * dy[o];
  });
});
