// The PyTorch hand-off (docs/pytorch.md): a project checkpoint of the seed VAE, trained here for a few steps,
// loads into the PyTorch model of experiments/pytorch/vae_elbo.py with load_state_dict(strict=True), and its
// negative ELBO at the posterior mean on images exported here matches the engine's own. Runs when a python3
// that imports torch is found (Debian's python3-torch); otherwise it says so and checks nothing else.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from '../engine/node.js';
import { saveSafetensors } from '../engine/io/safetensors-file.js';
import { Vae } from '../models/vae/model.js';
import { trainStep } from '../models/vae/train.js';

const PYTHONS = ['/usr/bin/python3', 'python3'];
const python = PYTHONS.find((p) => spawnSync(p, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0);

/** The engine's negative ELBO at the posterior mean, as the script computes it (its oracle twin). */
function negativeElboAtMean(model: Vae, x: E.Tensor): Promise<number> {
  return E.noGrad(() =>
    E.tidy(() => {
      const { mu, logvar } = model.encode(x);
      const reconstruction = E.nn.bceWithLogits(model.decode(mu!), x, { reduction: 'batchmean' });
      return E.add(reconstruction, E.nn.klNormal(mu!, logvar!, { reduction: 'batchmean' }));
    }),
  ).item();
}

test('a project checkpoint of the seed VAE loads into PyTorch (strict) and gives the engine\'s negative ELBO', async () => {
  if (!python) {
    console.log(`no python3 with torch found (tried ${PYTHONS.join(', ')}): the PyTorch hand-off is not checked here`);
    return;
  }
  await E.setBackend('webgpu');
  E.manualSeed(9);
  const model = new Vae({ kind: 'continuous', variant: 'mlp', latent: 3, variables: 3, categories: 20, hard: false });
  const optimizer = new E.optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = E.rand([64, 3, 28, 28]);
  for (let step = 0; step < 3; step++) await trainStep(model, optimizer, x, { tau: 1 });
  model.eval();
  const dir = mkdtempSync(join(tmpdir(), 'pytorch-'));
  try {
    await E.train.saveCheckpoint(join(dir, 'checkpoint.safetensors'), model, optimizer);
    saveSafetensors(join(dir, 'images.safetensors'), { x: { shape: [...x.shape], data: Float32Array.from(await x.toArray()) } });
    const expected = await negativeElboAtMean(model, x);
    const run = spawnSync(python, ['experiments/pytorch/vae_elbo.py', join(dir, 'checkpoint.safetensors'), join(dir, 'images.safetensors')], { encoding: 'utf8' });
    assert.is(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { negative_elbo_at_mean: number; images: number };
    assert.is(result.images, 64);
    console.log(`negative ELBO at the posterior mean: PyTorch ${result.negative_elbo_at_mean.toFixed(4)}, engine ${expected.toFixed(4)} nats per image`);
    // float32 in both; sums of 2352 terms per image
    assert.ok(Math.abs(result.negative_elbo_at_mean - expected) <= 1e-4 * Math.abs(expected), `PyTorch ${result.negative_elbo_at_mean}, engine ${expected}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    x.dispose();
    model.dispose();
  }
});

test.after(() => E.releaseDevice());
test.run();
