// The experiments' command line (experiments/lib/command.ts): presets load with their `extends` chain and
// every field checked; --set and the shorthands override them; each kind of bad input fails with a message
// naming the flag or key and the offending text, before any data or device work (checked on the real
// scripts in child processes: they exit 2 and create no run directory).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommand, runSettings, presetNames, usage, type CommandSpec } from '../experiments/lib/command.js';
import { VAE_COMMAND, VAE_CONFIG, trainOptions } from '../experiments/vae/settings.js';
import { CYCLEGAN_COMMAND } from '../experiments/cyclegan/settings.js';

test('a preset with an extends chain, then --set and --epochs, gives the hand-worked config', () => {
  const parsed = parseCommand(VAE_COMMAND, ['--preset', 'mlp10-discrete-batch-sum', '--set', 'latent=5', '--epochs', '2', '--set', 'capacity=0,4.5']);
  assert.is(parsed.command, 'train');
  assert.is(parsed.name, 'vae-mlp10-discrete-batch-sum');
  // mlp10-discrete-batch-sum extends mlp10-discrete (kind discrete), which extends mlp10-continuous (epochs 10)
  assert.equal(
    { kind: parsed.config.kind, batchSum: parsed.config.batchSum, latent: parsed.config.latent, epochs: parsed.config.epochs, capacity: parsed.config.capacity, batch: parsed.config.batch },
    { kind: 'discrete', batchSum: true, latent: 5, epochs: 2, capacity: [0, 4.5], batch: 128 },
  );
  const options = trainOptions(parsed.config, parsed.name, parsed.preset);
  assert.equal(options.capacity, { continuous: 0, discrete: 4.5, gamma: 30, continuousRamp: [0, 1], discreteRamp: [0, 1] });
});

test('the default preset is the config defaults, and every VAE preset passes the field and cross-field checks', () => {
  const quick = parseCommand(VAE_COMMAND, []);
  for (const [key, spec] of Object.entries(VAE_CONFIG)) assert.equal((quick.config as Record<string, unknown>)[key], spec.default, key);
  const names = presetNames('vae');
  assert.ok(names.includes('quick') && names.includes('assignment') && names.includes('joint-tinted-split'));
  for (const name of names) parseCommand(VAE_COMMAND, ['--preset', name]);
  const split = parseCommand(VAE_COMMAND, ['--preset', 'joint-tinted-split']).config;
  assert.equal([split.kind, split.decoder, split.latent, split.variables, split.categories, split.usage, split.batchSum, split.colourScale, split.epochs], ['joint', 'tinted-split', 8, 1, 10, 30, true, 10, 20]);
});

const failures: [string[], RegExp][] = [
  [['--epochs', '0'], /--epochs: 0 is below the smallest allowed value, 1/],
  [['--epochs', '0x10'], /--epochs: expected a decimal number, got "0x10"/],
  [['--set', 'batch=0'], /--set batch=0: 0 is below the smallest allowed value, 1/],
  [['--set', 'lr=1e'], /--set lr=1e: expected a decimal number, got "1e"/],
  [['--set', 'latent=2.5'], /--set latent=2.5: expected a whole number, got 2.5/],
  [['--set', 'kind=gaussian'], /--set kind=gaussian: expected one of continuous, discrete, joint, got "gaussian"/],
  [['--set', 'nope=1'], /--set nope=1: vae has no config field "nope"/],
  [['--set', 'capacity=1,2,3'], /--set capacity=1,2,3: expected 0 or 2 numbers, got 3/],
  [['--set', 'control=mixture-x'], /control: /],
  [['--colour', 'blue'], /--colour does not apply to the train command \(only sample\)/],
  [['sample', '--epochs', '3'], /--epochs does not apply to the sample command \(only train\)/],
  [['--frobnicate'], /unknown flag --frobnicate/],
  [['--preset', 'nope'], /no preset "nope" \(.*nope\.json does not exist; presets: .*quick/],
  [['--resume=yes'], /--resume is a switch and takes no value/],
  [['--name'], /--name needs a value/],
  [['--seed', '1', '--seed', '2'], /--seed is given twice/],
  [['--set', 'kind=continuous', '--set', 'decoder=tinted-split'], /decoder tinted-split paints from a categorical variable/],
  [['--set', 'latent=4', '--set', 'latent=5'], /--set latent=5: latent is already set by --set latent=4/],
  [['--epochs', '4', '--set', 'epochs=5'], /--set epochs=5: epochs is already set by --epochs/],
  [['--name', '../x'], /--name: run name "\.\.\/x" must use letters, digits/],
  [['--name', ''], /--name: run name "" must use letters, digits/],
  [['--set', 'data='], /--set data=: data "" is neither 'embedded' nor a directory/],
  [['--data', 'no-such-directory'], /--data: data "no-such-directory" is neither 'embedded' nor a directory/],
  [['--preset', '../cyclegan/quick'], /preset "\.\.\/cyclegan\/quick" is neither a preset name \(presets: .*quick.*\) nor a path to a \.json file/],
  [['sample', '--colour', 'red'], /sample: --name <run> is required/],
  [['sample', '--name', 'some-run'], /sample: --colour <name\|index> is required/],
  [['sample', '--name', 'some-run', '--colour', 'mauve'], /--colour mauve: parsePaletteColour: "mauve" is not a palette colour/],
  [['control', '--name', 'some-run', '--mechanisms', 'gaussian,bogus'], /--mechanisms gaussian,bogus: parseControlMechanism: "bogus" is not one of/],
];

test('each kind of bad command line is refused with a message naming the flag or key and the value', () => {
  for (const [argv, message] of failures) {
    assert.throws(() => parseCommand(VAE_COMMAND, argv), message, argv.join(' '));
  }
});

test('the scripts refuse bad flags at once (exit 2, no run directory) and answer --help', () => {
  for (const [argv, message] of failures.slice(0, 3)) {
    const name = `command-test-${process.pid}`;
    const run = spawnSync(process.execPath, ['dist/experiments/vae.mjs', ...argv, '--name', name], { encoding: 'utf8' });
    assert.is(run.status, 2, argv.join(' '));
    assert.match(run.stderr, message);
    assert.not.ok(existsSync(`runs/${name}`));
  }
  const help = spawnSync(process.execPath, ['dist/experiments/vae.mjs', '--help'], { encoding: 'utf8' });
  assert.is(help.status, 0);
  for (const name of presetNames('vae')) assert.match(help.stdout, new RegExp(`^  ${name} `, 'm'));
  assert.match(help.stdout, /^ {2}latent +L, dimensions of the continuous latent \(default 3\)$/m);
});

test('--set of a list field with nothing after = clears it: joint-tinted without its capacity schedule', () => {
  const withCapacity = parseCommand(VAE_COMMAND, ['--preset', 'joint-tinted']);
  assert.equal(withCapacity.config.capacity, [30, 2.3]);
  const parsed = parseCommand(VAE_COMMAND, ['--preset', 'joint-tinted', '--set', 'capacity=']);
  assert.equal(parsed.config.capacity, []);
  assert.is(trainOptions(parsed.config, parsed.name, parsed.preset).capacity, null);
});

test('a data directory that exists and a plain run name are taken as given', () => {
  const parsed = parseCommand(VAE_COMMAND, ['--data', 'test/fixtures', '--name', 'run_1.b-2']);
  assert.is(parsed.config.data, 'test/fixtures');
  assert.is(parsed.name, 'run_1.b-2');
  const sample = parseCommand(VAE_COMMAND, ['sample', '--name', 'run_1.b-2', '--colour', 'blue', '--count', '8']);
  assert.equal([sample.command, sample.name, sample.flags.colour, sample.flags.count], ['sample', 'run_1.b-2', 'blue', 8]);
});

test('a preset path that is a directory is refused naming it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'preset-'));
  const path = join(dir, 'folder.json');
  mkdirSync(path);
  try {
    assert.throws(() => parseCommand(VAE_COMMAND, ['--preset', path]), (error: Error) => error.message.includes(`preset "${path}": ${path} is not a file`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the CycleGAN presets hold the values of the flags they replaced; an even generator kernel and too few images are refused', () => {
  // the defaults and the assignment preset of the flag parser these presets replaced (experiments/cyclegan.ts at 8732f89)
  const quick = parseCommand(CYCLEGAN_COMMAND, []).config;
  assert.equal(
    [quick.epochs, quick.batch, quick.width, quick.genKernel, quick.genSlope, quick.centreInput, quick.discWidths, quick.discHidden, quick.images, quick.evalImages],
    [5, 16, 16, 3, 0.2, true, [8, 16], 32, 1000, 0],
  );
  assert.equal(
    [quick.adversarial, quick.cycle, quick.identity, quick.history, quick.labeller, quick.genLabelled, quick.order, quick.lr, quick.decayEpochs, quick.beta1, quick.beta2, quick.seed],
    ['lsgan', 10, 5, 50, '', false, 'joint', 3e-4, 0, 0.5, 0.999, 1],
  );
  const assignment = parseCommand(CYCLEGAN_COMMAND, ['--preset', 'assignment']);
  const a = assignment.config;
  assert.is(assignment.name, 'cyclegan-assignment');
  assert.equal(
    [a.epochs, a.batch, a.width, a.genKernel, a.genSlope, a.centreInput, a.discWidths, a.discHidden, a.images, a.adversarial, a.cycle, a.identity, a.history, a.order, a.lr],
    [150, 128, 64, 3, 0, false, [16, 32], 128, 0, 'bce', 0, 0, 0, 'assignment', 2e-4],
  );
  assert.is(parseCommand(CYCLEGAN_COMMAND, ['--set', 'genKernel=1']).config.genKernel, 1);
  assert.throws(() => parseCommand(CYCLEGAN_COMMAND, ['--set', 'genKernel=2']), /genKernel 2 must be odd/);
  // a subset smaller than a batch, and held-out images too few for the figures' 4 per digit (40), fail before the data is read
  assert.throws(() => parseCommand(CYCLEGAN_COMMAND, ['--set', 'images=15']), /images 15 per domain do not fill one batch of 16/);
  assert.is(parseCommand(CYCLEGAN_COMMAND, ['--set', 'images=16']).config.images, 16);
  assert.throws(() => parseCommand(CYCLEGAN_COMMAND, ['--set', 'evalImages=39']), /evalImages 39 cannot hold the 4 held-out images of each of the 10 digits/);
  assert.is(parseCommand(CYCLEGAN_COMMAND, ['--set', 'evalImages=40']).config.evalImages, 40);
});

test("every flag a command's description names is a flag of the script", () => {
  const help = usage(VAE_COMMAND);
  const named = Object.values(VAE_COMMAND.commands).flatMap((about) => [...about.matchAll(/--([a-z][a-z-]*)/g)].map((match) => match[1]));
  assert.equal(named, ['count', 'colour', 'name', 'mechanisms']);
  for (const flag of named) assert.match(help, new RegExp(`^  --${flag} `, 'm'), flag);
});

test('a preset extending itself, and a preset file with a wrong field type, are refused naming the file', () => {
  const spec: CommandSpec<typeof VAE_CONFIG, Record<string, never>> = { ...VAE_COMMAND, flags: {}, checkFlags: undefined };
  assert.throws(() => parseCommand(spec, ['--preset', 'test/fixtures/preset-loop.json']), /preset "test\/fixtures\/preset-loop.json" extends itself/);
  assert.throws(() => parseCommand(spec, ['--preset', 'test/fixtures/preset-bad-type.json']), /preset-bad-type\.json\), field latent: expected number, got "three"/);
});

test('--resume checks the run\'s recorded settings: epochs may change, the latent size may not; without it a started run is refused', () => {
  const name = `resume-check-${process.pid}`;
  const recorded = parseCommand(VAE_COMMAND, ['--preset', 'mlp10-continuous', '--name', name]).config;
  mkdirSync(join('runs', name), { recursive: true });
  try {
    writeFileSync(join('runs', name, 'config.json'), JSON.stringify({ script: 'vae', ...runSettings(recorded) }));
    const further = parseCommand(VAE_COMMAND, ['--preset', 'mlp10-continuous', '--name', name, '--resume', '--epochs', '20']);
    assert.is(further.config.epochs, 20);
    assert.throws(
      () => parseCommand(VAE_COMMAND, ['--preset', 'mlp10-continuous', '--name', name, '--resume', '--set', 'latent=4', '--set', 'lr=0.002']),
      /--resume: run "resume-check-\d+" was trained with other settings \(latent 3 -> 4, lr 0\.001 -> 0\.002\); only epochs, control, fit, discreteDraw may change/,
    );
    // without --resume nothing is compared while the run has no checkpoint
    parseCommand(VAE_COMMAND, ['--preset', 'mlp10-continuous', '--name', name, '--set', 'latent=4']);
    // once it has one, starting it over is refused before any data or device work
    writeFileSync(join('runs', name, 'checkpoint.safetensors'), '');
    assert.throws(
      () => parseCommand(VAE_COMMAND, ['--preset', 'mlp10-continuous', '--name', name]),
      /run "resume-check-\d+" already has runs\/resume-check-\d+\/checkpoint\.safetensors; pass --resume to continue it, or choose another --name/,
    );
  } finally {
    rmSync(join('runs', name), { recursive: true, force: true });
  }
});

test.run();
