// Checkpoints and training runs: a save/load round trip (CPU to CPU and CPU to WebGPU), mismatched files
// refused before anything changes, the same MLP trained on both backends giving the same loss curve,
// a run's per-step log and its report rewritten after every epoch, and a run killed mid-epoch that
// resumes and ends exactly where an uninterrupted run ends (its step log without repeated lines).
// This file also serves as the training script the interrupted-run test starts in a child process.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as E from '../engine/node.js';
import { loadSafetensors } from '../engine/io/safetensors-file.js';
import { writeReport } from '../experiments/lib/report/report.js';
import { readJsonLines, trainingFigures } from '../experiments/lib/report/training.js';
import { assertClose } from './lib/check.js';

const { nn, optim } = E;

// ---- the training script (run in a child process) -----------------------------------------------------

const CHILD_ENV = 'TRAIN_TEST_CHILD_ROOT';
const RUN_EPOCHS = 3;
const RUN_STEPS = 5;
const RUN_BATCH = 8;

/** Fits y = sum(x^2) with a small MLP; every batch is drawn from the engine's random stream. */
async function trainingScript(rootDir: string, name: string, stepDelayMs: number): Promise<void> {
  E.manualSeed(5);
  const model = new nn.Sequential(new nn.Linear(3, 8), new nn.Tanh(), new nn.Linear(8, 1));
  const adam = new optim.Adam(model.parameters(), { lr: 0.01 });
  await E.train.runTraining({
    name,
    rootDir,
    resume: process.argv.includes('--resume'),
    epochs: RUN_EPOCHS,
    stepsPerEpoch: RUN_STEPS,
    module: model,
    optimizers: adam,
    schedule: optim.stepLr(0.01, { stepSize: 1, gamma: 0.5 }),
    config: { note: 'train.test child' },
    trainEpoch: async ({ epoch, progress }) => {
      let total = 0;
      for (let step = 1; step <= RUN_STEPS; step++) {
        const loss = E.tidy(() => {
          const x = E.randn([RUN_BATCH, 3]);
          const y = E.sum(E.mul(x, x), 1, true);
          adam.zeroGrad();
          const l = nn.mse(model.forward(x), y);
          l.backward();
          adam.step();
          return l;
        });
        const value = await loss.item();
        loss.dispose();
        total += value;
        progress.update(step, { loss: value, samples: RUN_BATCH });
        process.stdout.write(`step ${epoch} ${step}\n`);
        if (stepDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, stepDelayMs));
      }
      return { loss: total / RUN_STEPS };
    },
  });
}

// ---- helpers ------------------------------------------------------------------------------------------

const scriptPath = fileURLToPath(import.meta.url);

function childEnv(root: string, name: string, delayMs: number) {
  return { ...process.env, [CHILD_ENV]: root, TRAIN_TEST_RUN: name, TRAIN_TEST_DELAY_MS: String(delayMs) };
}

/** The metrics lines without the timing field, which differs between runs. */
function metricsWithoutTiming(dir: string): Record<string, number>[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { seconds, ...rest } = JSON.parse(line) as Record<string, number>;
      assert.ok(seconds >= 0);
      return rest;
    });
}

/** The lines of steps.jsonl. */
function stepLines(dir: string): Record<string, number>[] {
  return readJsonLines<Record<string, number>>(join(dir, 'steps.jsonl'));
}

/** Starts the training script and SIGKILLs it once it reports `step <epoch> <step>`. */
function runAndKillAt(root: string, name: string, marker: string): Promise<{ signal: NodeJS.Signals | null; sawCheckpoint: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [scriptPath], { env: childEnv(root, name, 30), stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    let sawCheckpoint = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.split('\n').includes(marker) && child.exitCode === null && !child.killed) {
        sawCheckpoint = existsSync(join(root, name, 'checkpoint.safetensors'));
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (_, signal) => resolve({ signal, sawCheckpoint }));
  });
}

function makeNet(inputs: number, hidden: number): E.nn.Sequential {
  return new nn.Sequential(new nn.Linear(inputs, hidden), new nn.BatchNorm1d(hidden), new nn.ReLU(), new nn.Linear(hidden, 2));
}

/** Two Adam steps of a fixed regression, so parameters, running stats and optimizer state all move. */
function trainSteps(model: E.nn.Module, adam: E.optim.Optimizer, steps: number): void {
  const backend = model.parameters()[0].backend;
  for (let i = 0; i < steps; i++) {
    E.tidy(() => {
      const x = E.tensor([[1, 2, 3], [0, -1, 2], [2, 2, -1], [-1, 0, 1]], undefined, backend);
      const target = E.tensor([[1, 0], [0, 1], [1, 1], [0, 0]], undefined, backend);
      adam.zeroGrad();
      nn.mse(model.forward(x) as E.Tensor, target).backward();
      adam.step();
    });
  }
}

async function hostValues(tensors: Iterable<[string, E.Tensor]>): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const [name, t] of tensors) out.set(name, Array.from(await t.toArray()));
  return out;
}

/** Checkpoints hold float32: a CPU (float64) value comes back as its float32 rounding, exactly. */
function roundedToFloat32(values: Map<string, number[]>): Map<string, number[]> {
  return new Map([...values].map(([name, v]) => [name, v.map(Math.fround)]));
}

function assertSameValues(actual: Map<string, number[]>, expected: Map<string, number[]>, atol: number, rtol: number): void {
  assert.equal([...actual.keys()], [...expected.keys()]);
  for (const [name, values] of expected) assertClose(actual.get(name)!, values, atol, rtol, name);
}

function optimizerState(adam: E.optim.Optimizer, model: E.nn.Module): [string, E.Tensor][] {
  return model.namedParameters().flatMap(([name, p]) => Object.entries(adam.stateOf(p).tensors).map(([s, t]) => [`${name}/${s}`, t] as [string, E.Tensor]));
}

function registerTests(): void {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'train-test-'));
    dirs.push(dir);
    return dir;
  };

  test('checkpoint round trip: parameters, running stats, Adam moments, step counts and extra JSON', async () => {
    const path = join(tempDir(), 'model.safetensors');
    E.manualSeed(1);
    const model = makeNet(3, 4);
    const adam = new optim.Adam(model.parameters(), { lr: 0.02, weightDecay: 0.001 });
    trainSteps(model, adam, 2);
    await E.train.saveCheckpoint(path, model, adam, { epoch: 7, note: 'round trip' });

    E.manualSeed(2); // different initial values, overwritten by the load
    const restored = makeNet(3, 4);
    const restoredAdam = new optim.Adam(restored.parameters());
    const extra = await E.train.loadCheckpoint(path, restored, restoredAdam);
    assert.equal(extra, { epoch: 7, note: 'round trip' });
    assertSameValues(await hostValues(restored.stateDict()), roundedToFloat32(await hostValues(model.stateDict())), 0, 0);
    assertSameValues(await hostValues(optimizerState(restoredAdam, restored)), roundedToFloat32(await hostValues(optimizerState(adam, model))), 0, 0);
    assert.equal(restoredAdam.hyperparameters(), adam.hyperparameters());
    assert.ok(restored.parameters().every((p) => restoredAdam.stateOf(p).step === 2));

    // the restored pair continues as the original (to float32 rounding): one more step each
    trainSteps(model, adam, 1);
    trainSteps(restored, restoredAdam, 1);
    assertSameValues(await hostValues(restored.stateDict()), await hostValues(model.stateDict()), 1e-6, 1e-6);

    // the safetensors names are PyTorch's state_dict keys plus prefixed optimizer state
    const names = [...loadSafetensors(path).tensors.keys()];
    assert.ok(names.includes('1.running_var') && names.includes('optimizer/3.bias/exp_avg_sq'), names.join(' '));
    model.dispose();
    restored.dispose();
  });

  test('a flipped bit inside a tensor is caught on load by its SHA-256, naming the tensor; the module is left as it was', async () => {
    const path = join(tempDir(), 'model.safetensors');
    E.manualSeed(3);
    const model = makeNet(3, 4);
    await E.train.saveCheckpoint(path, model);
    const bytes = readFileSync(path);
    const { tensors } = loadSafetensors(path);
    const [name, tensor] = [...tensors].find(([n]) => n.endsWith('weight'))!;
    // the last tensor's bytes end the file; flip one bit in the middle of the chosen one by finding its data
    const data = Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
    const at = bytes.indexOf(data);
    assert.ok(at > 0, 'tensor bytes not found in the file');
    bytes[at + 5] ^= 0x10;
    writeFileSync(path, bytes);
    const before = await hostValues(model.stateDict());
    const error = await E.train.loadCheckpoint(path, model).then(() => null, (e: Error) => e);
    assert.ok(error, 'the damaged file loaded');
    assert.match(error!.message, new RegExp(`loadCheckpoint: .*: tensor "${name.replace(/\./g, '\\.')}" does not match its SHA-256 in the metadata: the file is damaged`));
    assertSameValues(await hostValues(model.stateDict()), before, 0, 0);
    model.dispose();
  });

  test('a CPU checkpoint loads onto WebGPU modules (float32 values)', async () => {
    const path = join(tempDir(), 'model.safetensors');
    E.manualSeed(3);
    const model = makeNet(3, 4);
    await E.train.saveCheckpoint(path, model);
    await E.setBackend('webgpu');
    E.manualSeed(4);
    const onGpu = makeNet(3, 4);
    await E.setBackend('cpu');
    await E.train.loadCheckpoint(path, onGpu);
    assertSameValues(await hostValues(onGpu.stateDict()), roundedToFloat32(await hostValues(model.stateDict())), 0, 0);
    model.dispose();
    onGpu.dispose();
  });

  test('a mismatched checkpoint is refused with every problem named, and nothing is changed', async () => {
    const path = join(tempDir(), 'model.safetensors');
    E.manualSeed(1);
    const saved = makeNet(3, 4);
    const adam = new optim.Adam(saved.parameters());
    await E.train.saveCheckpoint(path, saved, adam);

    const wider = makeNet(3, 5);
    const before = await hostValues(wider.stateDict());
    const error = await E.train.loadCheckpoint(path, wider).then(() => null, (e: Error) => e);
    assert.ok(error, 'loading must fail');
    assert.match(error.message, /checkStateDict: .*model\.safetensors does not match the module/);
    assert.match(error.message, /shape mismatch for "0.weight": expected \[5, 3\], file has \[4, 3\]/);
    assert.match(error.message, /shape mismatch for "1.running_mean": expected \[5\], file has \[4\]/);
    assert.equal(await hostValues(wider.stateDict()), before, 'nothing written');

    const deeper = new nn.Sequential(...makeNet(3, 4).layers, new nn.Linear(2, 2));
    await E.train.loadCheckpoint(path, deeper).then(
      () => assert.unreachable('loading must fail'),
      (e: Error) => assert.match(e.message, /missing tensor "4.weight" \(expected shape \[2, 2\]\)/),
    );

    const same = makeNet(3, 4);
    const sgd = new optim.SGD(same.parameters(), { lr: 0.1, momentum: 0.9 });
    await E.train.loadCheckpoint(path, same, sgd).then(
      () => assert.unreachable('loading must fail'),
      (e: Error) => assert.match(e.message, /missing tensor "optimizer\/0.weight\/momentum_buffer"[\s\S]*unexpected tensor "optimizer\/0.weight\/exp_avg"/),
    );
    for (const m of [saved, wider, deeper, same]) m.dispose();
  });

  test('the same seed gives the same MLP loss curve with Adam on WebGPU and on the CPU', async () => {
    const curves: number[][] = [];
    for (const backendName of ['cpu', 'webgpu'] as const) {
      await E.setBackend(backendName);
      E.manualSeed(11);
      const model = new nn.Sequential(new nn.Linear(4, 16), new nn.Tanh(), new nn.Linear(16, 16), new nn.LeakyReLU(0.2), new nn.Linear(16, 1));
      const adam = new optim.Adam(model.parameters(), { lr: 0.03 });
      const x = E.keep(E.randn([16, 4]));
      const y = E.keep(E.tidy(() => E.sum(E.mul(x, x), 1, true)));
      const curve: number[] = [];
      for (let step = 0; step < 15; step++) {
        const loss = E.tidy(() => {
          adam.zeroGrad();
          const l = nn.mse(model.forward(x), y);
          l.backward();
          adam.step();
          return l;
        });
        curve.push(await loss.item());
        loss.dispose();
      }
      curves.push(curve);
      model.dispose();
      adam.dispose();
      x.dispose();
      y.dispose();
    }
    await E.setBackend('cpu');
    assert.ok(curves[0][14] < 0.5 * curves[0][0], `the loss falls (${curves[0][0]} -> ${curves[0][14]})`);
    assertClose(curves[1], curves[0], 0, 1e-4, 'WebGPU loss vs CPU loss');
  });

  test('a training step inside tidy leaks no storage (gradients are freed by zeroGrad)', async () => {
    const gpu = await E.setBackend('webgpu');
    E.manualSeed(6);
    const model = makeNet(3, 4);
    const adam = new optim.Adam(model.parameters());
    await E.setBackend('cpu');
    trainSteps(model, adam, 2);
    const live = gpu.memory().liveBuffers;
    trainSteps(model, adam, 3);
    assert.is(gpu.memory().liveBuffers, live);
    model.dispose();
    adam.dispose();
  });

  test('steps.jsonl has one line per step (epoch, step, loss, lr); report.html reloads itself after epoch 1, not at the end', async () => {
    const root = tempDir();
    await E.setBackend('cpu');
    const model = new nn.Linear(1, 1);
    const sgd = new optim.SGD(model.parameters(), { lr: 0.1 });
    const [epochs, stepsPerEpoch] = [3, 4];
    const reportAfterEpoch1: string[] = [];
    const reportPath = join(root, 'toy', 'report.html');
    const report = (dir: string, history: E.train.EpochRecord[], live?: string) =>
      writeReport(dir, { title: 'toy', config: {}, metrics: history, figures: trainingFigures(dir, history), live });
    const { dir, history } = await E.train.runTraining({
      name: 'toy',
      rootDir: root,
      epochs,
      stepsPerEpoch,
      module: model,
      optimizers: sgd,
      schedule: optim.stepLr(0.1, { stepSize: 1, gamma: 0.5 }),
      stream: { write: () => true },
      progress: 'off',
      // the losses are chosen, not trained: step s of epoch e (both from 1) reports 10 e + s
      trainEpoch: async ({ epoch, progress }) => {
        if (epoch === 1) reportAfterEpoch1.push(readFileSync(reportPath, 'utf8'));
        for (let step = 1; step <= stepsPerEpoch; step++) progress.update(step, { loss: 10 * (epoch + 1) + step, samples: 1 });
        return { loss: 10 * (epoch + 1) + 2.5 };
      },
      onEpoch: (end) => void report(end.dir, end.history, `epoch ${end.history.length} of ${end.epochs} done`),
    });
    // 3 epochs x 4 steps; the learning rate halves every epoch: 0.1, 0.05, 0.025
    const expected = [1, 2, 3].flatMap((epoch) =>
      [1, 2, 3, 4].map((step) => ({ epoch, step: 4 * (epoch - 1) + step, loss: 10 * epoch + step, lr: 0.1 * 0.5 ** (epoch - 1) })),
    );
    assert.equal(stepLines(dir), expected);
    assert.equal(history.map((record) => record.loss), [12.5, 22.5, 32.5]);

    assert.is(reportAfterEpoch1.length, 1, 'report.html existed when epoch 2 started');
    assert.match(reportAfterEpoch1[0], /<meta http-equiv="refresh" content="30">/);
    assert.match(reportAfterEpoch1[0], /Training: epoch 1 of 3 done\. This page reloads every 30 s\./);
    assert.match(reportAfterEpoch1[0], /<h3>Training loss per step<\/h3>\n<svg /);
    // after the last epoch the run writes its final report, which does not reload itself
    assert.match(readFileSync(reportPath, 'utf8'), /epoch 3 of 3 done/);
    report(dir, history);
    const final = readFileSync(reportPath, 'utf8');
    assert.not.match(final, /http-equiv="refresh"|Training: epoch/);
    assert.match(final, /<title>each step: step 12, 34<\/title>/, 'the last step hovers with its loss');
    model.dispose();
  });

  test('a run killed mid-epoch resumes and ends like an uninterrupted run', async () => {
    const root = tempDir();
    // reference: uninterrupted
    const reference = spawnSync(process.execPath, [scriptPath], { env: childEnv(root, 'reference', 0), encoding: 'utf8' });
    assert.is(reference.status, 0, reference.stderr);

    // killed during the second epoch (epoch index 1), after the first checkpoint
    const { signal, sawCheckpoint } = await runAndKillAt(root, 'interrupted', 'step 1 2');
    assert.is(signal, 'SIGKILL');
    assert.ok(sawCheckpoint, 'the first checkpoint was on disk before the kill');
    const dir = join(root, 'interrupted');
    assert.is(metricsWithoutTiming(dir).length, 1);
    assert.equal(stepLines(dir).map((line) => line.step), [1, 2, 3, 4, 5], 'the steps of epoch 1 were flushed at its end');
    // what a kill during a write could leave: half a metrics line, step lines of the unfinished epoch with
    // half a line, and a temporary checkpoint
    appendFileSync(join(dir, 'metrics.jsonl'), '{"epoch":2,"lo');
    appendFileSync(join(dir, 'steps.jsonl'), '{"epoch":2,"step":6,"loss":1,"lr":0.005}\n{"epoch":2,"st');
    writeFileSync(join(dir, 'checkpoint.safetensors.tmp'), 'partial');

    const resumed = spawnSync(process.execPath, [scriptPath, '--resume'], { env: childEnv(root, 'interrupted', 0), encoding: 'utf8' });
    assert.is(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stdout, /resuming run interrupted after epoch 1\/3/);
    assert.match(resumed.stdout, /epoch 3\/3: 5\/5 steps {2}loss/);

    assert.equal(readdirSync(dir).sort(), ['checkpoint.safetensors', 'config.json', 'metrics.jsonl', 'steps.jsonl']);
    const metrics = metricsWithoutTiming(dir);
    assert.equal(metrics.map((m) => m.epoch), [1, 2, 3]);
    // the resumed run's step log: steps 1..15 once each, epoch 2 redone, each epoch's losses averaging to its metric
    const steps = stepLines(dir);
    assert.equal(steps.map((line) => line.step), Array.from({ length: 15 }, (_, i) => i + 1));
    assert.equal(steps.map((line) => line.epoch), [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3]);
    assert.equal(steps.map((line) => line.lr), [0.01, 0.005, 0.0025].flatMap((lr) => [lr, lr, lr, lr, lr]));
    metrics.forEach((m, e) => {
      const losses = steps.slice(RUN_STEPS * e, RUN_STEPS * (e + 1)).map((line) => line.loss);
      assertClose([losses.reduce((a, b) => a + b, 0) / RUN_STEPS], [m.loss], 1e-12, 1e-12, `mean step loss of epoch ${m.epoch}`);
    });
    assert.equal(steps.slice(0, RUN_STEPS), stepLines(join(root, 'reference')).slice(0, RUN_STEPS), 'the steps before the kill are the reference run\'s');
    // The resumed session restarts from float32 checkpoint values (the CPU computes in float64), so it
    // matches to float32 rounding; a wrongly restored random stream or optimizer state would differ in
    // the first digits.
    const referenceMetrics = metricsWithoutTiming(join(root, 'reference'));
    assert.equal(metrics[0], referenceMetrics[0], 'the epoch before the kill is identical');
    metrics.forEach((m, i) => {
      assert.is(m.lr, referenceMetrics[i].lr);
      assertClose([m.loss], [referenceMetrics[i].loss], 0, 1e-6, `loss of epoch ${m.epoch}`);
    });
    const finalState = loadSafetensors(join(dir, 'checkpoint.safetensors')).tensors;
    const referenceState = loadSafetensors(join(root, 'reference', 'checkpoint.safetensors')).tensors;
    assert.equal([...finalState.keys()], [...referenceState.keys()]);
    for (const [name, { data }] of referenceState) assertClose(finalState.get(name)!.data, data, 1e-6, 1e-5, name);
  });

  test('starting a run over an existing checkpoint without --resume is refused', async () => {
    const root = tempDir();
    const first = spawnSync(process.execPath, [scriptPath], { env: childEnv(root, 'once', 0), encoding: 'utf8' });
    assert.is(first.status, 0, first.stderr);
    const again = spawnSync(process.execPath, [scriptPath], { env: childEnv(root, 'once', 0), encoding: 'utf8' });
    assert.is.not(again.status, 0);
    assert.match(again.stderr, /runTraining: run "once" already has .*checkpoint\.safetensors; pass --resume \(resume: true\) to continue it/);
  });

  test.after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    E.releaseDevice();
  });
  test('a run being written is locked: a second writer fails at once naming the first; a stale lock is taken over', async () => {
  const root = mkdtempSync(join(tmpdir(), 'lock-test-'));
  const name = 'locked';
  const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
  try {
    mkdirSync(join(root, name), { recursive: true });
    writeFileSync(join(root, name, '.lock'), `${sleeper.pid}\n`);
    const error = await trainingScript(root, name, 0).then(() => null, (e: Error) => e);
    assert.ok(error, 'a second writer was not stopped');
    assert.match(error!.message, new RegExp(`runTraining: run "locked" is being written by process ${sleeper.pid} \\(.*\\.lock\\)`));
    assert.not.ok(existsSync(join(root, name, 'metrics.jsonl')), 'the refused run wrote its metrics');
    sleeper.kill('SIGKILL');
    await new Promise((done) => sleeper.once('exit', done));
    await trainingScript(root, name, 0); // the holder is gone: its lock is stale
    assert.is(readFileSync(join(root, name, 'metrics.jsonl'), 'utf8').trim().split('\n').length, RUN_EPOCHS);
    assert.not.ok(existsSync(join(root, name, '.lock')), 'the lock outlived the run');
  } finally {
    sleeper.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  }
});

test('run names stay one folder under runs/: letters, digits, . - _, and not only dots', () => {
  for (const name of ['run-1', 'joint.split_s10', 'a..b']) E.train.checkRunName(name, 'test');
  for (const name of ['..', '.', '../..', 'a/b', '', 'a b']) {
    assert.throws(() => E.train.checkRunName(name, 'vae sample'), new RegExp(`vae sample: run name "${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}" must use letters, digits`));
  }
});

test.run();
}

if (process.env[CHILD_ENV]) {
  await trainingScript(process.env[CHILD_ENV]!, process.env.TRAIN_TEST_RUN!, Number(process.env.TRAIN_TEST_DELAY_MS));
} else {
  registerTests();
}
