// The engine's side of bench:compare (bench/compare.ts runs it as a child process, one workload at a time):
// times one workload on the WebGPU backend and prints one JSON line {framework, workload, samples}.
//   node dist/bench/compare-engine.mjs --workload vae-step [--warmup 2] [--runs 5]
// It uses only the engine's public API and the models, so the same file built in an older checkout of the
// project times that version too (bench/compare.ts --baseline <dir>; see there).
// Workloads (inputs are uniform random numbers: no time depends on the values):
//   vae-step            the seed's continuous MLP VAE (2352-512-256-6 / 3-256-512-2352), one Adam step, batch 128
//   conv-forward        conv2d 128x32x28x28 -> 64, 3x3, padding 1, with bias
//   conv-backward       its input and weight gradients (and the bias gradient) from a given dy
//   gan-assignment-step one step of the CycleGAN assignment preset (batch 128, width 64, BCE, its training order)
//   gan-default-step    one step of the default CycleGAN (batch 16, width 16, LSGAN, cycle and identity terms, history)
//   mul, gt-scalar, add-scalar, where   elementwise on 128x64x28x28 (where: cond, x and y all full size)
//   bias-grad           sum over axes [0, 2, 3] of 128x64x28x28 (a conv bias's gradient)
//   maxpool-backward    maxPool2d(2) of 128x64x28x28, forward and input gradient
//   matmul-1024         1024 x 1024 . 1024 x 1024
import * as E from '../engine/index.js';
import { runWorker, type WorkloadSetup } from './lib/worker.js';
import { Vae } from '../models/vae/model.js';
import { trainStep as vaeTrainStep } from '../models/vae/train.js';
import { DEFAULT_CYCLEGAN_CONFIG, type CycleGanConfig } from '../models/cyclegan/config.js';
import { historyRandom } from '../models/cyclegan/history.js';
import { CycleGan } from '../models/cyclegan/model.js';
import { makeOptimizers, trainStep as ganTrainStep } from '../models/cyclegan/train.js';

const BATCH = 128;
const ELEMENTWISE_SHAPE = [128, 64, 28, 28];


const CYCLEGAN_ASSIGNMENT: CycleGanConfig = {
  generatorWidth: 64, generatorKernel: 3, generatorSlope: 0, centreInput: false, discriminatorWidths: [16, 32], discriminatorHidden: 128,
  adversarial: 'bce', cycleWeight: 0, identityWeight: 0, history: 0, labelled: false, labelledGenerators: false, order: 'assignment',
  lr: 2e-4, beta1: 0.5, beta2: 0.999,
};

/** Waits for a tensor's values (the run's end), then frees it. */
async function settle(t: E.Tensor): Promise<void> {
  await t.toArray();
  t.dispose();
}

function ganStep(config: CycleGanConfig, batch: number): WorkloadSetup {
  return async () => {
    const gan = new CycleGan(config);
    const optimizers = makeOptimizers(gan);
    const [a, b] = [E.keep(E.rand([batch, 3, 28, 28])), E.keep(E.rand([batch, 3, 28, 28]))];
    const random = historyRandom(1, 0);
    return () => settle(ganTrainStep(gan, optimizers, a, b, random));
  };
}

function elementwise(f: (x: E.Tensor, y: E.Tensor, c: E.Tensor) => E.Tensor): WorkloadSetup {
  return async () => {
    const [x, y] = [E.keep(E.randn(ELEMENTWISE_SHAPE)), E.keep(E.randn(ELEMENTWISE_SHAPE))];
    const c = E.keep(E.gt(E.randn(ELEMENTWISE_SHAPE), 0));
    return async () => {
      f(x, y, c).dispose();
      await E.flush();
    };
  };
}

const WORKLOADS: Record<string, WorkloadSetup> = {
  'vae-step': async () => {
    const model = new Vae({ kind: 'continuous', variant: 'mlp', latent: 3, variables: 3, categories: 20, hard: false });
    const optimizer = new E.optim.Adam(model.parameters(), { lr: 1e-3 });
    const x = E.keep(E.rand([BATCH, 3, 28, 28]));
    return async () => void (await vaeTrainStep(model, optimizer, x, { tau: 1 }));
  },
  'conv-forward': async () => {
    const [x, w, bias] = [E.keep(E.randn([BATCH, 32, 28, 28])), E.keep(E.randn([64, 32, 3, 3])), E.keep(E.randn([64]))];
    return async () => {
      E.conv2d(x, w, bias, { padding: 1 }).dispose();
      await E.flush();
    };
  },
  'conv-backward': async () => {
    const x = E.keep(E.randn([BATCH, 32, 28, 28]).requireGrad());
    const w = E.keep(E.randn([64, 32, 3, 3]).requireGrad());
    const bias = E.keep(E.randn([64]).requireGrad());
    const dy = E.keep(E.randn([BATCH, 64, 28, 28]));
    return async () => {
      const y = E.conv2d(x, w, bias, { padding: 1 });
      y.backward(dy);
      y.dispose();
      for (const t of [x, w, bias]) {
        t.grad?.dispose();
        t.grad = null;
      }
      await E.flush();
    };
  },
  'gan-assignment-step': ganStep(CYCLEGAN_ASSIGNMENT, 128),
  'gan-default-step': ganStep(DEFAULT_CYCLEGAN_CONFIG, 16),
  mul: elementwise((x, y) => E.mul(x, y)),
  'gt-scalar': elementwise((x) => E.gt(x, 0)),
  'add-scalar': elementwise((x) => E.add(x, 1)),
  where: elementwise((x, y, c) => E.where(c, x, y)),
  'bias-grad': async () => {
    const x = E.keep(E.randn(ELEMENTWISE_SHAPE));
    return async () => {
      E.sum(x, [0, 2, 3]).dispose();
      await E.flush();
    };
  },
  'maxpool-backward': async () => {
    const x = E.keep(E.randn(ELEMENTWISE_SHAPE).requireGrad());
    return async () => {
      const y = E.maxPool2d(x, { kernel: 2 });
      const dy = E.onesLike(y);
      y.backward(dy);
      for (const t of [y, dy]) t.dispose();
      x.grad?.dispose();
      x.grad = null;
      await E.flush();
    };
  },
  'matmul-1024': async () => {
    const [a, b] = [E.keep(E.randn([1024, 1024])), E.keep(E.randn([1024, 1024]))];
    return async () => {
      E.matmul(a, b).dispose();
      await E.flush();
    };
  },
};

await runWorker(
  'engine',
  WORKLOADS,
  async () => {
    await E.setBackend('webgpu');
    E.manualSeed(1);
  },
);
E.releaseDevice();
