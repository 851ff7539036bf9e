// The README's example: an MLP learns XOR on the plane (label 1 where x·y > 0) with Adam. One definition,
// run by experiments/mlp-example.ts under Node and by the playground page in a browser, so the two can be
// compared step by step (test/browser.test.ts does).
import * as E from '../../engine/index.js';

/**
 * Trains the MLP for `steps` Adam steps on the current backend, reading the loss back every `readEvery`
 * steps and passing it to onLoss. Frees everything it made before returning.
 */
export async function trainXor(steps: number, readEvery: number, onLoss: (step: number, loss: number) => void | Promise<void>): Promise<void> {
  E.manualSeed(0);
  const points = E.rand([256, 2], { low: -1, high: 1 }); // 256 points in the square
  const labels = E.gt(E.mul(E.slice(points, [0, 0], [256, 1]), E.slice(points, [0, 1], [256, 1])), 0);
  const model = new E.nn.Sequential(new E.nn.Linear(2, 32), new E.nn.ReLU(), new E.nn.Linear(32, 32), new E.nn.ReLU(), new E.nn.Linear(32, 1));
  const optimizer = new E.optim.Adam(model.parameters(), { lr: 0.02 });
  for (let step = 1; step <= steps; step++) {
    const loss = E.tidy(() => {
      optimizer.zeroGrad();
      const loss = E.nn.bceWithLogits(model.forward(points), labels);
      loss.backward();
      optimizer.step();
      return loss;
    });
    if (step % readEvery === 0) await onLoss(step, await loss.item());
    loss.dispose();
  }
  for (const t of [points, labels]) t.dispose();
  optimizer.dispose();
  model.dispose();
}
