// The README's example: an MLP learns XOR on the plane (label 1 where x·y > 0) with Adam on the GPU.
import * as E from '../engine/index.js';

await E.setBackend(process.argv.includes('--cpu') ? 'cpu' : 'webgpu');
E.manualSeed(0);
const points = E.rand([256, 2], { low: -1, high: 1 }); // 256 points in the square
const labels = E.gt(E.mul(E.slice(points, [0, 0], [256, 1]), E.slice(points, [0, 1], [256, 1])), 0);
const model = new E.nn.Sequential(new E.nn.Linear(2, 32), new E.nn.ReLU(), new E.nn.Linear(32, 32), new E.nn.ReLU(), new E.nn.Linear(32, 1));
const optimizer = new E.optim.Adam(model.parameters(), { lr: 0.02 });
for (let step = 1; step <= 300; step++) {
  const loss = E.tidy(() => {
    optimizer.zeroGrad();
    const loss = E.nn.bceWithLogits(model.forward(points), labels);
    loss.backward();
    optimizer.step();
    return loss;
  });
  if (step % 100 === 0) console.log(`step ${step}: loss ${(await loss.item()).toFixed(4)}`);
  loss.dispose();
}
E.releaseDevice();
