// Using a trained VAE run: `vae sample` draws new digits in a chosen colour from the run's checkpoint and
// colour-control.json, and says how often the run measured that colour to come out; `vae control`
// measures the run's colour-control accuracy under several mechanisms without writing anything.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from '../../engine/node.js';
import { writeImageGrid } from '../lib/report/png.js';
import { runPaths } from '../../engine/train/run.js';
import { loadMnist } from '../../models/data/mnist.js';
import { PALETTE, vaeDataset } from '../../models/data/coloured-mnist.js';
import { parsePaletteColour } from '../../models/colour.js';
import { Vae } from '../../models/vae/model.js';
import { IMAGE_SHAPE } from '../../models/vae/networks.js';
import { stepSettings } from '../../models/vae/train.js';
import { evaluateSet } from '../../models/vae/evaluate.js';
import { CONTROL_SAMPLES_PER_COLOUR, colourControlAccuracy, fitColourControl, parseControlMechanism, sampleColour, type ColourControl, type ControlFit, type DiscreteDraw } from '../../models/vae/control.js';
import type { TrainOptions } from './settings.js';
import { CONTROL_FILE, TEST_COLOUR_SEED, TRAIN_COLOUR_SEED } from './train.js';

/** Below this measured hit rate for the asked colour, `vae sample` warns. */
const HONEST_HIT_RATE = 0.9;
/** The preset whose colour control the warning recommends (docs/results-vae.md). */
const BEST_CONTROL_PRESET = 'joint-tinted-split';

export interface SampleRequest {
  name: string;
  colour: string;
  count: number;
  seed: number;
  out: string;
}

export async function sample({ name, colour: colourText, count, seed, out }: SampleRequest): Promise<void> {
  const colour = parsePaletteColour(colourText);
  const { dir, model } = await loadRun('sample', name, [CONTROL_FILE]);
  const control = JSON.parse(readFileSync(join(dir, CONTROL_FILE), 'utf8')) as ColourControl;
  E.manualSeed(seed);
  const images = await sampleColour(model, control, colour, count);
  const path = out || join(dir, `sample-${PALETTE[colour].name}.png`);
  writeImageGrid(path, images, [count, ...IMAGE_SHAPE], { scale: 2 });
  const measured = measuredHitRate(dir, PALETTE[colour].name);
  const rate = measured === null ? 'not measured in this run' : `${(100 * measured).toFixed(0)}% of its samples had the colour when the run measured it`;
  console.log(`wrote ${count} samples asked to be ${PALETTE[colour].name} to ${path} (${rate})`);
  if (measured !== null && measured < HONEST_HIT_RATE) {
    console.warn(
      `vae sample: warning: run "${name}" puts ${PALETTE[colour].name} in only ${(100 * measured).toFixed(0)}% of its samples, so most of these are other colours. ` +
        `The preset ${BEST_CONTROL_PRESET} reaches 100% on every colour: npm run vae -- --preset ${BEST_CONTROL_PRESET} (docs/results-vae.md).`,
    );
  }
}

/** The colour-control hit rate the run's last epoch measured for colour `name` (metrics.jsonl), or null. */
function measuredHitRate(dir: string, name: string): number | null {
  const path = runPaths(dir).metrics;
  if (!existsSync(path)) return null;
  const lines = readFileSync(path, 'utf8').trim().split('\n').filter(Boolean);
  const last = lines.length > 0 ? (JSON.parse(lines[lines.length - 1]) as Record<string, number>) : {};
  const value = last[`control_${name}`];
  return typeof value === 'number' ? value : null;
}

/** A trained run's directory, options and model (in eval mode); `needs` are further files it must have. */
async function loadRun(command: string, name: string, needs: string[] = []): Promise<{ dir: string; options: TrainOptions & { totalSteps: number }; model: Vae }> {
  E.train.checkRunName(name, `vae ${command}`);
  const dir = join('runs', name);
  const paths = runPaths(dir);
  for (const file of [paths.config, paths.checkpoint, ...needs.map((need) => join(dir, need))]) {
    if (!existsSync(file)) throw new Error(`vae ${command}: ${file} is missing; train the run "${name}" first`);
  }
  const options = JSON.parse(readFileSync(paths.config, 'utf8')) as TrainOptions & { totalSteps: number };
  const model = new Vae(options.model);
  await E.train.loadCheckpoint(paths.checkpoint, model);
  model.eval();
  return { dir, options, model };
}

/** Colour-control accuracy of a finished run under each of `mechanisms` (comma-separated); writes nothing. */
export async function compareControls(name: string, mechanismList: string, settings: { fit: ControlFit; discreteDraw: DiscreteDraw; seed: number }): Promise<void> {
  const mechanisms = mechanismList.split(',');
  mechanisms.forEach(parseControlMechanism);
  const { fit, discreteDraw, seed } = settings;
  const { options, model } = await loadRun('control', name);
  const grey = loadMnist({ data: options.data });
  const sets = { train: vaeDataset(grey.train, TRAIN_COLOUR_SEED), test: vaeDataset(grey.test, TEST_COLOUR_SEED) };
  const tau = stepSettings(options.totalSteps, options.totalSteps).tau;
  const fitSet = sets[fit];
  const evaluation = await evaluateSet(model, fitSet, options.batch, tau);
  console.log(`${name}: colour control fitted on the ${fit} set (${fitSet.count} images), ${CONTROL_SAMPLES_PER_COLOUR} decodes per colour, seed ${seed}`);
  console.log(['mechanism', 'mean', 'min', ...PALETTE.map((p) => p.name), 'seconds'].join('\t'));
  for (const mechanism of mechanisms) {
    const start = performance.now();
    E.manualSeed(seed);
    const control = fitColourControl(model, evaluation, fitSet, mechanism, fit, discreteDraw);
    const { perColour, mean, min } = await colourControlAccuracy(model, control);
    const percent = (x: number) => (100 * x).toFixed(1);
    console.log([mechanism, percent(mean), percent(min), ...perColour.map(percent), ((performance.now() - start) / 1000).toFixed(1)].join('\t'));
  }
}
