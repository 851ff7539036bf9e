// TensorFlow.js's side of bench:compare: the workloads of bench/compare-engine.ts (see there) written with
// @tensorflow/tfjs-core on its WebGPU backend, on the same Dawn adapter (the `webgpu` package's
// navigator.gpu). Prints one JSON line {framework, workload, samples}.
//   node dist/bench/compare-tfjs.mjs --workload vae-step [--warmup 2] [--runs 5]
// Layouts are TF.js's own (NHWC for the convolution). A run ends when one element of its result has been
// read back: the queue runs in order, so that waits for all of it without copying the whole tensor out.
import { create, globals } from 'webgpu';
import { runWorker } from './lib/worker.js';

const BATCH = 128;
const ELEMENTWISE_SHAPE = [128, 64, 28, 28];

Object.assign(globalThis, globals);
// TF.js finds WebGPU at navigator.gpu; keep the instance reachable for the whole process
const gpuInstance = create([]);
Object.defineProperty(globalThis, 'navigator', { value: { gpu: gpuInstance, userAgent: 'node' }, configurable: true });
const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-backend-webgpu');
await import('@tensorflow/tfjs-core/dist/register_all_gradients.js'); // gradients are registered separately in tfjs-core

type Tensor = import('@tensorflow/tfjs-core').Tensor;

/** Waits until t is computed (one element read back), then frees it. */
async function settle(t: Tensor): Promise<void> {
  const first = tf.slice(tf.reshape(t, [-1]), 0, 1);
  await first.data();
  first.dispose();
  t.dispose();
}

function dense(inputs: number, outputs: number) {
  // PyTorch's default initialisation range, as the engine's Linear
  const bound = 1 / Math.sqrt(inputs);
  return { w: tf.variable(tf.randomUniform([inputs, outputs], -bound, bound)), b: tf.variable(tf.randomUniform([outputs], -bound, bound)) };
}

function vaeStep(): () => Promise<void> {
  const [encoder, decoder] = [[dense(2352, 512), dense(512, 256), dense(256, 6)], [dense(3, 256), dense(256, 512), dense(512, 2352)]];
  const mlp = (layers: ReturnType<typeof dense>[], x: Tensor) =>
    layers.reduce((h, layer, i) => {
      const y = tf.add(tf.matMul(h, layer.w), layer.b);
      return i < layers.length - 1 ? tf.relu(y) : y;
    }, x);
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomUniform([BATCH, 2352]);
  return async () => {
    const cost = optimizer.minimize(() => {
      const h = mlp(encoder, x);
      const mu = tf.slice(h, [0, 0], [BATCH, 3]);
      const logvar = tf.slice(h, [0, 3], [BATCH, 3]);
      const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logvar, 0.5)), tf.randomNormal([BATCH, 3])));
      const logits = mlp(decoder, z);
      // Bernoulli negative log-likelihood summed over pixels, plus the Gaussian KL, per image
      const reconstruction = tf.sum(tf.sub(tf.softplus(logits), tf.mul(x, logits)));
      const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logvar), tf.square(mu)), tf.exp(logvar))));
      return tf.div(tf.add(reconstruction, kl), BATCH) as import('@tensorflow/tfjs-core').Scalar;
    }, true)!;
    await cost.data();
    cost.dispose();
  };
}

function elementwise(f: (x: Tensor, y: Tensor, c: Tensor) => Tensor): () => () => Promise<void> {
  return () => {
    const [x, y] = [tf.randomNormal(ELEMENTWISE_SHAPE), tf.randomNormal(ELEMENTWISE_SHAPE)];
    const c = tf.greater(tf.randomNormal(ELEMENTWISE_SHAPE), 0);
    return () => settle(f(x, y, c));
  };
}

const WORKLOADS: Record<string, () => () => Promise<void>> = {
  'vae-step': vaeStep,
  'conv-forward': () => {
    const [x, w, bias] = [tf.randomNormal([BATCH, 28, 28, 32]), tf.randomNormal([3, 3, 32, 64]), tf.randomNormal([64])];
    return () => settle(tf.add(tf.conv2d(x as import('@tensorflow/tfjs-core').Tensor4D, w as import('@tensorflow/tfjs-core').Tensor4D, 1, 'same'), bias));
  },
  'conv-backward': () => {
    const [x, w, bias] = [tf.randomNormal([BATCH, 28, 28, 32]), tf.randomNormal([3, 3, 32, 64]), tf.randomNormal([64])];
    const dy = tf.randomNormal([BATCH, 28, 28, 64]);
    const f = (x: Tensor, w: Tensor, b: Tensor) => tf.add(tf.conv2d(x as import('@tensorflow/tfjs-core').Tensor4D, w as import('@tensorflow/tfjs-core').Tensor4D, 1, 'same'), b);
    const gradients = tf.grads(f);
    return async () => {
      const [dx, dw, db] = gradients([x, w, bias], dy);
      await settle(dx);
      await settle(dw);
      await settle(db);
    };
  },
  mul: elementwise((x, y) => tf.mul(x, y)),
  'gt-scalar': elementwise((x) => tf.greater(x, 0)),
  'add-scalar': elementwise((x) => tf.add(x, 1)),
  where: elementwise((x, y, c) => tf.where(c, x, y)),
  'matmul-1024': () => {
    const [a, b] = [tf.randomNormal([1024, 1024]), tf.randomNormal([1024, 1024])];
    return () => settle(tf.matMul(a, b));
  },
};

const setups = Object.fromEntries(Object.entries(WORKLOADS).map(([name, setup]) => [name, async () => setup()]));
await runWorker('tfjs', setups, async () => {
  if (!(await tf.setBackend('webgpu'))) throw new Error('compare-tfjs: the TF.js WebGPU backend did not start');
  await tf.ready();
});
process.exit(0); // the WebGPU backend keeps the device alive
