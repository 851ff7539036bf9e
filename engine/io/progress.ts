// Training progress on the console. On a terminal, one live line is rewritten in place
// ('\r' then the line, then ESC[K to clear what a longer previous line left behind):
//   epoch 3/10  120/469  loss 0.1234  5230 samples/s  ETA 0:08
// When output goes to a file or pipe (a log), a plain line like the live one at least every 10 s (LOG_INTERVAL_MS),
// written by the steps and, when a step or an evaluation takes longer, by a timer (heartbeat()), so a log
// never goes 10 s without showing the run is alive; then one plain line when the epoch ends:
//   epoch 3/10: 469/469 steps  loss 0.1102  5187 samples/s  0:11  test_loss 0.1054
// ProgressMode chooses between them ('bar', 'lines'; 'off' keeps only the epoch line; 'auto': the bar on a
// terminal, lines otherwise). The loss shown is the mean over the steps so far, which is steadier than the last batch's. The epoch line
// keeps to about 120 characters: the summary values that fit, in order, then how many more metrics.jsonl has.
import { formatDuration, formatNumber } from './format';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'off';

export interface ProgressOptions {
  name: string; // e.g. "epoch 3/10"
  total: number; // steps in this epoch
  stream?: ProgressStream;
  now?: () => number; // clock in milliseconds, replaceable in tests
  onStep?: (step: number, loss: number) => void; // called on every update (the step log and the kernel profiler)
  mode?: ProgressMode; // default 'auto'
  /** in 'lines' mode, a timer calls heartbeat() every second; default: on unless the clock is replaced (tests call heartbeat() themselves) */
  heartbeat?: boolean;
}

const REDRAW_INTERVAL_MS = 100; // redraw a live line at most this often, the last step always
// without a terminal, a progress line after this long without one: 9 s, so that with the heartbeat's 1 s
// checks and a step's own length a log shows a line at least every 10 s
const LOG_INTERVAL_MS = 9_000;
const EPOCH_LINE_CHARACTERS = 120; // the epoch line keeps the values that fit; every one stays in metrics.jsonl
const CLEAR_TO_END_OF_LINE = '\x1b[K';
const MS_PER_SECOND = 1000;
const HEARTBEAT_CHECK_MS = 1000; // how often the timer looks whether a line is due

export class Progress {
  private readonly name: string;
  private readonly total: number;
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly startMs: number;
  private steps = 0; // the latest step reported
  private updates = 0; // how many losses lossSum holds
  private lossSum = 0;
  private samples = 0;
  private lastDrawMs = -Infinity;
  private lastLineMs: number; // 'lines' mode: when the last line was written
  private phaseText: string | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly onStep?: (step: number, loss: number) => void;
  private readonly mode: Exclude<ProgressMode, 'auto'>;

  constructor({ name, total, stream = process.stdout, now, onStep, mode = 'auto', heartbeat = now === undefined }: ProgressOptions) {
    this.onStep = onStep;
    this.mode = mode === 'auto' ? (stream.isTTY ? 'bar' : 'lines') : mode;
    if (!Number.isInteger(total) || total < 1) throw new Error(`Progress "${name}": total = ${total} must be a positive integer`);
    this.name = name;
    this.total = total;
    this.stream = stream;
    this.now = now ?? (() => performance.now());
    this.startMs = this.now();
    this.lastLineMs = this.startMs;
    if (heartbeat && this.mode === 'lines') {
      this.timer = setInterval(() => this.heartbeat(), HEARTBEAT_CHECK_MS);
      this.timer.unref?.(); // never keeps the process alive
    }
  }

  /** Records step `step` (1-based) with its batch loss and the number of samples it processed. */
  update(step: number, { loss, samples }: { loss: number; samples: number }): void {
    if (!Number.isInteger(step) || step < 1 || step > this.total) {
      throw new Error(`Progress "${this.name}": step ${step} is outside 1..${this.total}`);
    }
    this.onStep?.(step, loss);
    this.steps = step;
    this.updates += 1;
    this.lossSum += loss;
    this.samples += samples;
    if (this.mode === 'off') return;
    const nowMs = this.now();
    if (this.mode === 'lines') {
      // the epoch's own line follows the last step
      if (step === this.total || nowMs - this.lastLineMs < LOG_INTERVAL_MS) return;
      this.writeLine(this.liveLine(nowMs), nowMs);
      return;
    }
    if (nowMs - this.lastDrawMs < REDRAW_INTERVAL_MS && step !== this.total) return;
    this.lastDrawMs = nowMs;
    this.stream.write(`\r${this.liveLine(nowMs)}${CLEAR_TO_END_OF_LINE}`);
  }

  /**
   * Says what the run is doing between the epoch's last step and its summary line (evaluating, drawing
   * figures): on a terminal it replaces the live line, in a log it is a line of its own.
   */
  phase(text: string): void {
    this.phaseText = text;
    if (this.mode === 'off') return;
    const line = `${this.name}: ${text}`;
    if (this.mode === 'bar') this.stream.write(`\r${line}${CLEAR_TO_END_OF_LINE}`);
    else this.writeLine(line, this.now());
  }

  /**
   * In 'lines' mode, writes a line when none was written for LOG_INTERVAL_MS: the live line during the
   * steps, the phase with its time so far after them. A timer calls it; a long step or evaluation is then
   * still visible in a log.
   */
  heartbeat(): void {
    if (this.mode !== 'lines') return;
    const nowMs = this.now();
    if (nowMs - this.lastLineMs < LOG_INTERVAL_MS) return;
    if (this.phaseText !== null) {
      this.writeLine(`${this.name}: ${this.phaseText} (${formatDuration((nowMs - this.startMs) / MS_PER_SECOND)} into the epoch)`, nowMs);
    } else {
      this.writeLine(this.steps === 0 ? `${this.name}  0/${this.total}  starting` : this.liveLine(nowMs), nowMs);
    }
  }

  /** Stops the heartbeat timer (end() does; so does a run whose epoch failed). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private writeLine(line: string, nowMs: number): void {
    this.lastLineMs = nowMs;
    this.stream.write(`${line}\n`);
  }

  /**
   * Writes the epoch's one summary line, with extra values (e.g. test loss) appended in order while the line
   * stays within EPOCH_LINE_CHARACTERS; how many did not fit is said at its end.
   */
  end(epochSummary: Record<string, number | string> = {}): string {
    this.stop();
    const elapsedSeconds = (this.now() - this.startMs) / MS_PER_SECOND;
    let line =
      `${this.name}: ${this.steps}/${this.total} steps  loss ${this.meanLoss()}  ` +
      `${this.rate(elapsedSeconds)} samples/s  ${formatDuration(elapsedSeconds)}`;
    const extras = Object.entries(epochSummary).map(([key, value]) => `  ${key} ${typeof value === 'number' ? formatNumber(value) : value}`);
    const more = (left: number) => `  (+${left} more)`;
    for (const [i, extra] of extras.entries()) {
      const left = extras.length - i - 1;
      if (line.length + extra.length + (left > 0 ? more(left).length : 0) > EPOCH_LINE_CHARACTERS) {
        line += more(extras.length - i);
        break;
      }
      line += extra;
    }
    this.stream.write(this.mode === 'bar' ? `\r${line}${CLEAR_TO_END_OF_LINE}\n` : `${line}\n`);
    return line;
  }

  private liveLine(nowMs: number): string {
    const elapsedSeconds = (nowMs - this.startMs) / MS_PER_SECOND;
    const etaSeconds = (elapsedSeconds / this.steps) * (this.total - this.steps);
    return (
      `${this.name}  ${this.steps}/${this.total}  loss ${this.meanLoss()}  ` +
      `${this.rate(elapsedSeconds)} samples/s  ETA ${formatDuration(etaSeconds)}`
    );
  }

  private meanLoss(): string {
    return this.updates === 0 ? '-' : formatNumber(this.lossSum / this.updates);
  }

  private rate(elapsedSeconds: number): string {
    return elapsedSeconds > 0 ? String(Math.round(this.samples / elapsedSeconds)) : '-';
  }
}
