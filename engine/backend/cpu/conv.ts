// CPU convolution kernels, float64, written as the definitions read (the specification the WGSL kernels
// are checked against). All NCHW; g is the ConvGeometry of backend/contracts.ts, built by engine/ops/conv.ts:
//   x (B, inC, inH, inW), w (outC, inC, kH, kW), y (B, outC, outH, outW); the input pixel under tap
//   (ky, kx) of output (oy, ox) is (oy*strideH - padH + ky*dilationH, ox*strideW - padW + kx*dilationW).
// The transposed convolution is written the other way round, as a scatter: each input value adds
// value * w into every output pixel it reaches. The WGSL kernel gathers instead, so the two
// formulations check each other.
import type { ConvGeometry } from '../contracts.js';
import { registerCpuKernel } from './registry.js';
// The rest of the family (pooling, upsampling).
import './pool.js';

/** Index of x[b, c, iy, ix] in an (B, C, H, W) array, or -1 when (iy, ix) lies in the zero padding. */
function pixelIndex(b: number, c: number, iy: number, ix: number, C: number, H: number, W: number): number {
  if (iy < 0 || iy >= H || ix < 0 || ix >= W) return -1;
  return ((b * C + c) * H + iy) * W + ix;
}

/** Input row read by tap ky of output row oy (likewise for columns). */
const inputRow = (g: ConvGeometry, oy: number, ky: number) => oy * g.strideH - g.padH + ky * g.dilationH;
const inputCol = (g: ConvGeometry, ox: number, kx: number) => ox * g.strideW - g.padW + kx * g.dilationW;

const weightIndex = (g: ConvGeometry, co: number, ci: number, ky: number, kx: number) =>
  ((co * g.inChannels + ci) * g.kernelH + ky) * g.kernelW + kx;

// y[b, co, oy, ox] = bias[co] + sum_{ci, ky, kx} x[b, ci, iy, ix] w[co, ci, ky, kx]
registerCpuKernel('conv2d', ([x, w, bias], [y], g) => {
  let out = 0;
  for (let b = 0; b < g.batch; b++) {
    for (let co = 0; co < g.outChannels; co++) {
      for (let oy = 0; oy < g.outH; oy++) {
        for (let ox = 0; ox < g.outW; ox++) {
          let acc = g.hasBias ? bias[co] : 0;
          for (let ci = 0; ci < g.inChannels; ci++) {
            for (let ky = 0; ky < g.kernelH; ky++) {
              for (let kx = 0; kx < g.kernelW; kx++) {
                const i = pixelIndex(b, ci, inputRow(g, oy, ky), inputCol(g, ox, kx), g.inChannels, g.inH, g.inW);
                if (i >= 0) acc += x[i] * w[weightIndex(g, co, ci, ky, kx)];
              }
            }
          }
          y[out++] = acc;
        }
      }
    }
  }
});

// dx[b, ci, iy, ix] = bias[ci] + sum of dy[b, co, oy, ox] w[co, ci, ky, kx] over the (oy, ox, ky, kx)
// whose tap lands on (iy, ix): every conv2d output scatters its value back along the taps it read.
registerCpuKernel('convTranspose2d', ([dy, w, bias], [dx], g) => {
  const planeSize = g.inH * g.inW;
  for (let b = 0; b < g.batch; b++) {
    for (let ci = 0; ci < g.inChannels; ci++) {
      const plane = (b * g.inChannels + ci) * planeSize;
      dx.fill(g.hasBias ? bias[ci] : 0, plane, plane + planeSize);
    }
  }
  let i = 0;
  for (let b = 0; b < g.batch; b++) {
    for (let co = 0; co < g.outChannels; co++) {
      for (let oy = 0; oy < g.outH; oy++) {
        for (let ox = 0; ox < g.outW; ox++) {
          const value = dy[i++];
          for (let ci = 0; ci < g.inChannels; ci++) {
            for (let ky = 0; ky < g.kernelH; ky++) {
              for (let kx = 0; kx < g.kernelW; kx++) {
                const target = pixelIndex(b, ci, inputRow(g, oy, ky), inputCol(g, ox, kx), g.inChannels, g.inH, g.inW);
                if (target >= 0) dx[target] += value * w[weightIndex(g, co, ci, ky, kx)];
              }
            }
          }
        }
      }
    }
  }
});

// dw[co, ci, ky, kx] = sum_{b, oy, ox} dy[b, co, oy, ox] x[b, ci, iy, ix]
registerCpuKernel('conv2dWeightGrad', ([x, dy], [dw], g) => {
  for (let co = 0; co < g.outChannels; co++) {
    for (let ci = 0; ci < g.inChannels; ci++) {
      for (let ky = 0; ky < g.kernelH; ky++) {
        for (let kx = 0; kx < g.kernelW; kx++) {
          let acc = 0;
          for (let b = 0; b < g.batch; b++) {
            for (let oy = 0; oy < g.outH; oy++) {
              for (let ox = 0; ox < g.outW; ox++) {
                const i = pixelIndex(b, ci, inputRow(g, oy, ky), inputCol(g, ox, kx), g.inChannels, g.inH, g.inW);
                if (i >= 0) acc += dy[((b * g.outChannels + co) * g.outH + oy) * g.outW + ox] * x[i];
              }
            }
          }
          dw[weightIndex(g, co, ci, ky, kx)] = acc;
        }
      }
    }
  }
});
