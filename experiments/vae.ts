// The VAE experiment: trains one of the three VAEs (continuous, discrete, joint) on coloured MNIST from a
// named preset, and uses a trained run to draw digits in a chosen colour.
//   npm run vae                                          # the quick preset: a few minutes on lavapipe
//   npm run vae -- --preset joint-tinted-split           # the documented best colour control (docs/results-vae.md)
//   npm run vae -- --preset quick --set kind=discrete --set latent=8 --epochs 5 --name my-run
//   npm run vae -- sample --name <run> --colour blue     # new digits in a chosen colour
//   npm run vae -- control --name <run> --mechanisms gaussian,mixture-4
// `--help` lists every flag, config field and preset. The settings are experiments/vae/settings.ts; the
// training path experiments/vae/train.ts; sampling and control comparison experiments/vae/sample.ts.
import * as E from '../engine/node.js';
import { commandLine } from './lib/command.js';
import { VAE_COMMAND, trainOptions } from './vae/settings.js';
import { train } from './vae/train.js';
import { compareControls, sample } from './vae/sample.js';

async function main(): Promise<void> {
  const parsed = commandLine(VAE_COMMAND);
  if (!parsed) return;
  const { command, config, flags, name, preset } = parsed;
  await E.setBackend('webgpu');
  try {
    if (command === 'sample') await sample({ name, colour: flags.colour, count: flags.count, seed: config.seed, out: flags.out });
    else if (command === 'control') await compareControls(name, flags.mechanisms, { fit: flags.fit as 'train' | 'test', discreteDraw: flags['discrete-draw'] as 'variables' | 'combinations', seed: config.seed });
    else await train(trainOptions(config, name, preset), { resume: parsed.resume, progress: parsed.progress });
  } finally {
    E.releaseDevice();
  }
}

main().catch((error) => {
  console.error(process.env.DEBUG ? error : (error as Error).message);
  process.exitCode = 1;
});
