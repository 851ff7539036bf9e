// A small conv net learns grey digits: conv 1 -> 8 (3x3) -> ReLU -> max-pool 2 -> conv 8 -> 16 -> ReLU ->
// max-pool 2 -> linear 784 -> 10, Adam, on a few hundred embedded digits (digitSample). One definition, run
// by the playground page in a browser (the digits come from `npm run serve` at /data/digits.json) and by the
// browser test under Node, so the two can be compared step by step.
import * as E from '../../engine/index.js';
import { IMAGE_SIDE, PIXELS, type GreyDigits } from '../../models/data/digits.js';

/** Training and held-out images of the sample (together digitSample's count). */
export const DIGIT_SAMPLE = { train: 400, test: 100 };
const BATCH = 50;
const LEARNING_RATE = 2e-3;

/** `count` digits spread evenly over `digits` (the embedded set is ordered by digit, so all ten appear). */
export function digitSample(digits: GreyDigits, count = DIGIT_SAMPLE.train + DIGIT_SAMPLE.test): GreyDigits {
  const images = new Float32Array(count * PIXELS);
  const labels = new Uint8Array(count);
  for (let j = 0; j < count; j++) {
    const i = Math.floor((j * digits.count) / count);
    images.set(digits.images.subarray(i * PIXELS, (i + 1) * PIXELS), j * PIXELS);
    labels[j] = digits.labels[i];
  }
  // interleave so that the first DIGIT_SAMPLE.train hold every digit too: sample j goes to slot (j * 7) % count
  const order = Array.from({ length: count }, (_, j) => (j * 7) % count);
  const shuffled = new Float32Array(images.length);
  const shuffledLabels = new Uint8Array(count);
  order.forEach((from, to) => {
    shuffled.set(images.subarray(from * PIXELS, (from + 1) * PIXELS), to * PIXELS);
    shuffledLabels[to] = labels[from];
  });
  return { images: shuffled, labels: shuffledLabels, count };
}

function network(): E.nn.Sequential {
  const { Conv2d, ReLU, MaxPool2d, Flatten, Linear, Sequential } = E.nn;
  return new Sequential(
    new Conv2d(1, 8, 3, { padding: 1 }), new ReLU(), new MaxPool2d({ kernel: 2 }),
    new Conv2d(8, 16, 3, { padding: 1 }), new ReLU(), new MaxPool2d({ kernel: 2 }),
    new Flatten(), new Linear(16 * 7 * 7, 10),
  );
}

/**
 * Trains the net for `steps` Adam steps on the first DIGIT_SAMPLE.train digits of `sample` (batches of 50
 * in order, cycling) on the current backend; reads the loss every `readEvery` steps for onLoss. Returns
 * the accuracy on the DIGIT_SAMPLE.test digits after it. Frees everything it made.
 */
export async function trainDigitsNet(sample: GreyDigits, steps: number, readEvery: number, onLoss: (step: number, loss: number) => void | Promise<void>): Promise<number> {
  if (sample.count !== DIGIT_SAMPLE.train + DIGIT_SAMPLE.test) throw new Error(`trainDigitsNet: needs ${DIGIT_SAMPLE.train + DIGIT_SAMPLE.test} digits, got ${sample.count}`);
  E.manualSeed(0);
  const model = network();
  const optimizer = new E.optim.Adam(model.parameters(), { lr: LEARNING_RATE });
  const images = E.tensor(sample.images, [sample.count, 1, IMAGE_SIDE, IMAGE_SIDE]);
  const batches = DIGIT_SAMPLE.train / BATCH;
  for (let step = 1; step <= steps; step++) {
    const first = ((step - 1) % batches) * BATCH;
    const loss = E.tidy(() => {
      optimizer.zeroGrad();
      const x = E.slice(images, [first, 0, 0, 0], [BATCH, 1, IMAGE_SIDE, IMAGE_SIDE]);
      const loss = E.nn.crossEntropy(model.forward(x) as E.Tensor, sample.labels.subarray(first, first + BATCH));
      loss.backward();
      optimizer.step();
      return loss;
    });
    if (step % readEvery === 0) await onLoss(step, await loss.item());
    loss.dispose();
  }
  model.eval();
  const logits = E.noGrad(() => E.tidy(() => model.forward(E.slice(images, [DIGIT_SAMPLE.train, 0, 0, 0], [DIGIT_SAMPLE.test, 1, IMAGE_SIDE, IMAGE_SIDE])) as E.Tensor));
  const values = await logits.toArray();
  let correct = 0;
  for (let i = 0; i < DIGIT_SAMPLE.test; i++) {
    const row = Array.from(values.subarray(i * 10, i * 10 + 10));
    if (row.indexOf(Math.max(...row)) === sample.labels[DIGIT_SAMPLE.train + i]) correct++;
  }
  for (const t of [logits, images]) t.dispose();
  optimizer.dispose();
  model.dispose();
  return correct / DIGIT_SAMPLE.test;
}
