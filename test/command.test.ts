// The experiments' command line (experiments/lib/command.ts): presets load with their `extends` chain and
// every field checked; --set and the shorthands override them; each kind of bad input fails with a message
// naming the flag or key and the offending text, before any data or device work (checked on the real
// scripts in child processes: they exit 2 and create no run directory).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseCommand, presetNames, type CommandSpec } from '../experiments/lib/command.js';
import { VAE_COMMAND, VAE_CONFIG, trainOptions } from '../experiments/vae/settings.js';

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

test('a preset extending itself, and a preset file with a wrong field type, are refused naming the file', () => {
  const spec: CommandSpec<typeof VAE_CONFIG, Record<string, never>> = { ...VAE_COMMAND, flags: {} };
  assert.throws(() => parseCommand(spec, ['--preset', 'test/fixtures/preset-loop.json']), /preset "test\/fixtures\/preset-loop.json" extends itself/);
  assert.throws(() => parseCommand(spec, ['--preset', 'test/fixtures/preset-bad-type.json']), /preset-bad-type\.json\), field latent: expected number, got "three"/);
});

test.run();
