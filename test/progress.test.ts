// Training progress lines, with a fake clock and fake streams: exact text for a log file
// (one line per epoch) and for a terminal (a live line rewritten in place, throttled).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Progress } from '../engine/io/progress';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (text: string) => writes.push(text) };
}

function fakeClock(timesMs: number[]) {
  let i = 0;
  return () => timesMs[Math.min(i++, timesMs.length - 1)];
}

// Four steps of 32 samples with losses 1, 0.5, 0.25, 0.25 (mean 0.5), one second apart.
const LOSSES = [1, 0.5, 0.25, 0.25];
const BATCH = 32;

test('not a terminal: nothing during the epoch, then one plain line', () => {
  const stream = fakeStream(false);
  // clock reads: constructor, four updates, end
  const progress = new Progress({ name: 'epoch 1/2', total: 4, stream, now: fakeClock([0, 1000, 2000, 3000, 4000, 4000]) });
  LOSSES.forEach((loss, i) => progress.update(i + 1, { loss, samples: BATCH }));
  assert.equal(stream.writes, []);
  progress.end({ test_loss: 0.123456, note: 'best' });
  // 128 samples in 4 s = 32 samples/s
  assert.equal(stream.writes, ['epoch 1/2: 4/4 steps  loss 0.5000  32 samples/s  0:04  test_loss 0.1235  note best\n']);
});

test('not a terminal: a plain progress line after 9 s without one (here every 10 s) of a long epoch, then the epoch line', () => {
  const stream = fakeStream(false);
  // clock reads: constructor, six updates 5 s apart, end
  const progress = new Progress({ name: 'epoch 1/1', total: 6, stream, now: fakeClock([0, 5000, 10000, 15000, 20000, 25000, 30000, 30000]) });
  for (let step = 1; step <= 6; step++) progress.update(step, { loss: 1, samples: BATCH });
  // lines at 10 s (step 2: 64 samples in 10 s, 4 steps left at 5 s each) and 20 s (step 4); none at the last step
  assert.equal(stream.writes.slice(0, 2), ['epoch 1/1  2/6  loss 1  6 samples/s  ETA 0:20\n', 'epoch 1/1  4/6  loss 1  6 samples/s  ETA 0:10\n']);
  progress.end();
  assert.is(stream.writes.length, 3);
  assert.is(stream.writes[2], 'epoch 1/1: 6/6 steps  loss 1  6 samples/s  0:30\n');
});

test('the epoch line keeps to 120 characters: the values that fit, then how many more; a phase line in a log', () => {
  const stream = fakeStream(false);
  const progress = new Progress({ name: 'epoch 1/1', total: 1, stream, now: fakeClock([0, 1000, 1000]) });
  progress.update(1, { loss: 1, samples: BATCH });
  progress.phase('evaluating');
  const summary = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`metric_${i}`, i]));
  const line = progress.end(summary);
  // 'epoch 1/1: 1/1 steps  loss 1  32 samples/s  0:01' is 48 characters; each '  metric_i i' 12
  assert.is(line, 'epoch 1/1: 1/1 steps  loss 1  32 samples/s  0:01  metric_0 0  metric_1 1  metric_2 2  metric_3 3  metric_4 4  (+7 more)');
  assert.ok(line.length <= 120);
  assert.equal(stream.writes, ['epoch 1/1: evaluating\n', `${line}\n`]);
});

test('a terminal: a live line rewritten in place, at most every 100 ms, and the last step always', () => {
  const stream = fakeStream(true);
  // clock reads: constructor 0; steps at 1000, 1050 (too soon: not drawn), 3000, 3010 (last: drawn); end 3010
  const progress = new Progress({ name: 'epoch 2/2', total: 4, stream, now: fakeClock([0, 1000, 1050, 3000, 3010, 3010]) });
  LOSSES.forEach((loss, i) => progress.update(i + 1, { loss, samples: BATCH }));
  progress.end();
  assert.equal(stream.writes, [
    // step 1: mean 1, 32 samples / 1 s, ETA 1 s/step * 3 steps
    '\repoch 2/2  1/4  loss 1  32 samples/s  ETA 0:03\x1b[K',
    // step 3: mean 1.75 / 3 = 0.5833, 96 samples / 3 s, ETA 1 s/step * 1 step
    '\repoch 2/2  3/4  loss 0.5833  32 samples/s  ETA 0:01\x1b[K',
    // step 4: mean 0.5, 128 samples / 3.01 s = 42.5
    '\repoch 2/2  4/4  loss 0.5000  43 samples/s  ETA 0:00\x1b[K',
    '\repoch 2/2: 4/4 steps  loss 0.5000  43 samples/s  0:03\x1b[K\n',
  ]);
});

test('steps outside 1..total are rejected', () => {
  const progress = new Progress({ name: 'epoch 1', total: 3, stream: fakeStream(false) });
  assert.throws(() => progress.update(4, { loss: 0, samples: 1 }), /Progress "epoch 1": step 4 is outside 1..3/);
  assert.throws(() => new Progress({ name: 'e', total: 0 }), /total = 0 must be a positive integer/);
});

test("mode 'lines' on a terminal writes plain lines; mode 'off' writes only the epoch line and no phase", () => {
  const terminal = fakeStream(true);
  const lines = new Progress({ name: 'epoch 1/1', total: 6, stream: terminal, mode: 'lines', now: fakeClock([0, 5000, 10000, 15000, 20000, 25000, 30000, 30000]) });
  for (let step = 1; step <= 6; step++) lines.update(step, { loss: 1, samples: BATCH });
  lines.end();
  assert.equal(terminal.writes, [
    'epoch 1/1  2/6  loss 1  6 samples/s  ETA 0:20\n',
    'epoch 1/1  4/6  loss 1  6 samples/s  ETA 0:10\n',
    'epoch 1/1: 6/6 steps  loss 1  6 samples/s  0:30\n',
  ]);
  const quiet = fakeStream(true);
  // clock reads: constructor and end only (nothing is drawn during the epoch)
  const off = new Progress({ name: 'epoch 1/2', total: 4, stream: quiet, mode: 'off', now: fakeClock([0, 4000]) });
  LOSSES.forEach((loss, i) => off.update(i + 1, { loss, samples: BATCH }));
  off.phase('evaluating');
  off.end();
  assert.equal(quiet.writes, ['epoch 1/2: 4/4 steps  loss 0.5000  32 samples/s  0:04\n']);
});

test('heartbeat: a line after 9 s without one, during a slow step and during the evaluation phase', () => {
  const stream = fakeStream(false);
  // clock reads: constructor; update at 2 s; heartbeats at 8 s (too soon), 12 s; update at 13 s (too soon);
  // phase at 14 s; heartbeats at 20 s (too soon), 24 s; end at 30 s
  const progress = new Progress({ name: 'epoch 1/1', total: 2, stream, now: fakeClock([0, 2000, 8000, 12000, 13000, 14000, 20000, 24000, 30000]) });
  progress.update(1, { loss: 2, samples: BATCH });
  progress.heartbeat();
  progress.heartbeat();
  progress.update(2, { loss: 1, samples: BATCH });
  progress.phase('evaluating');
  progress.heartbeat();
  progress.heartbeat();
  progress.end();
  assert.equal(stream.writes, [
    // 32 samples in 12 s = 3 samples/s; 1 step left at 12 s a step
    'epoch 1/1  1/2  loss 2  3 samples/s  ETA 0:12\n',
    'epoch 1/1: evaluating\n',
    'epoch 1/1: evaluating (0:24 into the epoch)\n',
    'epoch 1/1: 2/2 steps  loss 1.500  2 samples/s  0:30\n',
  ]);
});

test.run();
