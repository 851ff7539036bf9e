// Memory: 200 training steps of a small MLP with Adam leave the live-buffer count (and bytes) exactly where
// they were after step 1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from '../engine/index.js';

test('200 training steps keep live buffers flat', async () => {
  const gpu = await E.setBackend('webgpu');
  E.manualSeed(3);
  const x = E.keep(E.randn([64, 20]));
  const y = E.keep(E.rand([64, 1]));
  const model = new E.nn.Sequential(new E.nn.Linear(20, 33), new E.nn.Tanh(), new E.nn.Linear(33, 1));
  const optimizer = new E.optim.Adam(model.parameters());
  const step = async () => {
    const loss = E.tidy(() => {
      optimizer.zeroGrad();
      const loss = E.nn.mse(model.forward(x), y);
      loss.backward();
      optimizer.step();
      return loss;
    });
    const value = await loss.item();
    loss.dispose();
    return value;
  };
  const first = await step();
  const after1 = gpu.memory();
  let last = first;
  for (let i = 2; i <= 200; i++) last = await step();
  assert.equal(gpu.memory(), after1);
  assert.ok(last < first, `loss ${first} -> ${last}`);
});

test.after(() => E.releaseDevice());
test.run();
