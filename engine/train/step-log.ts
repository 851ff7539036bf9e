// The per-step log of a run, `runs/<name>/steps.jsonl`: one JSON line per training step,
//   {"epoch":3,"step":1201,"loss":0.1234,"lr":0.001}
// `epoch` counts from 1 as in metrics.jsonl (the epoch the step belongs to), `step` is the run's step
// counted from 1 across epochs, `loss` is the value the step reported to its Progress, and the learning
// rates are those of the epoch's metrics record (lr, or lr_<key> per optimizer). Lines are kept in memory
// and appended in blocks (every FLUSH_LINES steps and at each epoch's end), so logging costs one small
// write per block, never a write per step.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeText } from '../io/files.js';

export type StepRecord = { epoch: number; step: number; loss: number } & Record<string, number>;

const FLUSH_LINES = 256;

export class StepLog {
  private pending: string[] = [];

  /**
   * Opens the log of a run that has `epochsDone` epochs in its checkpoint: only their lines are kept, so
   * the epochs a resumed run redoes (and a line cut off by a kill) are not there twice; a fresh run
   * (0 epochs done) starts it empty.
   */
  constructor(private readonly path: string, epochsDone: number) {
    const kept = existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((line) => stepEpoch(line) <= epochsDone) : [];
    writeText(path, kept.map((line) => line + '\n').join(''));
  }

  record(entry: StepRecord): void {
    this.pending.push(JSON.stringify(entry));
    if (this.pending.length >= FLUSH_LINES) this.flush();
  }

  /** Appends the lines recorded since the last flush. */
  flush(): void {
    if (this.pending.length === 0) return;
    appendFileSync(this.path, this.pending.join('\n') + '\n');
    this.pending = [];
  }
}

/** The epoch of a whole line; Infinity for a line that does not parse (cut off mid-write), so it is dropped. */
function stepEpoch(line: string): number {
  try {
    const epoch = (JSON.parse(line) as Partial<StepRecord>).epoch;
    return Number.isInteger(epoch) ? epoch! : Infinity;
  } catch {
    return Infinity;
  }
}
