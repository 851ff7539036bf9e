// Per-adapter kernel tuning. A tunable kernel offers a few candidate configurations (matmul: its three
// kernels, matmul_naive, matmul_blocked and matmul_blocked_vec4; the implicit-GEMM convolutions: blockings
// from the 8-thread, register-heavy ones lavapipe likes to the 64-256-thread ones a GPU needs), all
// computing the same result where they run, and sorts its calls into shape classes. Which candidate a
// class runs comes from the tuning table of the adapter in use:
//   - loaded from a JSON file keyed by the adapter's description (ENGINE_TUNING_FILE, default
//     tuning.json in the working directory), filled ahead of time by `npm run tune`;
//   - with ENGINE_TUNE=1, a class met without a choice is timed on first use: the call runs the default,
//     and at the next flush every candidate is timed on that call's shape and the fastest is recorded
//     (and written back to the file), so later calls of the class run it;
//   - otherwise the kernel's default, the same on every machine (no timing, no file: deterministic).
// Tables are data ({ [adapter]: { [class]: candidate } }), checked when loaded: a candidate that the kernel
// no longer offers is an error naming the file, adapter and class.

/** A kernel that can be tuned: its candidates and how its calls are sorted into shape classes. */
export interface Tunable<P> {
  kernel: string;
  candidates: string[];
  /** whether a candidate can run a call (matmul_blocked_vec4 needs B (K, N) with N % 4 == 0); all can when absent */
  supports?: (candidate: string, params: P) => boolean;
  /** the class of a call: calls of one class share a choice, and every candidate supports all or none of them */
  shapeClass: (params: P) => string;
  /** a call of the class's shape, to time candidates on (inputs of these sizes, then the output) */
  operandSizes: (params: P) => { inputs: number[]; output: number };
}

export type TuningTable = Record<string, string>; // `${kernel} ${class}` -> candidate
export type TuningFile = Record<string, TuningTable>; // adapter description -> table

const tunables = new Map<string, Tunable<unknown>>();
let table: TuningTable = {};
const pending = new Map<string, { kernel: string; params: unknown }>();
let tuneOnFirstUse = false;

export function registerTunable<P>(tunable: Tunable<P>): void {
  tunables.set(tunable.kernel, tunable as Tunable<unknown>);
}

export function tunable(kernel: string): Tunable<unknown> | undefined {
  return tunables.get(kernel);
}

/** The candidates that can run this call (and every call of its class), in the kernel's order. */
export function candidatesFor<P>(kernel: string, params: P): string[] {
  const t = tunables.get(kernel) as Tunable<P> | undefined;
  if (!t) throw new Error(`tuning: kernel '${kernel}' is not tunable`);
  return t.candidates.filter((candidate) => t.supports?.(candidate, params) ?? true);
}

/** The key of a call in the tuning table. */
export function tuningKey<P>(kernel: string, params: P): string {
  const t = tunables.get(kernel);
  if (!t) throw new Error(`tuning: kernel '${kernel}' is not tunable`);
  return `${kernel} ${t.shapeClass(params)}`;
}

/**
 * The candidate a call runs: the table's choice for its class, else null (the kernel's default). With
 * tuning on first use, a class without a choice is remembered for the next flush to time.
 */
export function tunedCandidate<P>(kernel: string, params: P): string | null {
  const key = tuningKey(kernel, params);
  const choice = table[key];
  if (choice !== undefined) return choice;
  if (tuneOnFirstUse && !pending.has(key)) pending.set(key, { kernel, params });
  return null;
}

/** Replaces the table in use (the adapter's entry of a tuning file), checking every choice. */
export function setTuningTable(next: TuningTable, source = 'tuning table'): void {
  for (const [key, candidate] of Object.entries(next)) {
    const kernel = key.split(' ')[0];
    const t = tunables.get(kernel);
    if (!t) throw new Error(`${source}: '${key}' names kernel '${kernel}', which is not tunable (have ${[...tunables.keys()].join(', ')})`);
    if (!t.candidates.includes(candidate)) {
      throw new Error(`${source}: '${key}' chooses '${candidate}', not a candidate of ${kernel} (have ${t.candidates.join(', ')})`);
    }
  }
  table = { ...next };
}

export function tuningTable(): TuningTable {
  return { ...table };
}

/** Records a measured choice. */
export function setChoice(key: string, candidate: string): void {
  setTuningTable({ ...table, [key]: candidate });
}

export function setTuneOnFirstUse(on: boolean): void {
  tuneOnFirstUse = on;
}

/** The classes met without a choice since the last call (tuning on first use), emptied. */
export function takePending(): { key: string; kernel: string; params: unknown }[] {
  const list = [...pending.entries()].map(([key, v]) => ({ key, ...v }));
  pending.clear();
  return list;
}

/** Powers of two bucket sizes into classes: 100 and 127 share a class, 128 starts the next. */
export function sizeBucket(n: number): number {
  return 2 ** Math.floor(Math.log2(Math.max(n, 1)));
}

/** The adapter's table of a parsed tuning file, checked; an empty table when the file has none. */
export function adapterTable(file: unknown, adapter: string, source: string): TuningTable {
  if (typeof file !== 'object' || file === null || Array.isArray(file)) throw new Error(`${source}: expected an object of adapter tables`);
  const entry = (file as TuningFile)[adapter];
  if (entry === undefined) return {};
  if (typeof entry !== 'object' || entry === null || Object.values(entry).some((v) => typeof v !== 'string')) {
    throw new Error(`${source}: the table of '${adapter}' must map shape classes to candidate names`);
  }
  return entry;
}

/** The tuning file under Node: ENGINE_TUNING_FILE, else tuning.json in the working directory; null in a browser. */
export function tuningFilePath(): string | null {
  if (typeof process === 'undefined' || !process.versions?.node) return null;
  return process.env.ENGINE_TUNING_FILE || 'tuning.json';
}

/** Loads the adapter's table from the tuning file, if there is one; with ENGINE_TUNE=1 turns on tuning on first use. */
export async function loadTuningFile(adapter: string): Promise<void> {
  const path = tuningFilePath();
  if (!path) return;
  setTuneOnFirstUse(process.env.ENGINE_TUNE === '1');
  const { existsSync, readFileSync } = await import('node:fs');
  if (!existsSync(path)) return;
  let file: unknown;
  try {
    file = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`tuning file ${path}: not valid JSON (${(error as Error).message})`);
  }
  setTuningTable(adapterTable(file, adapter, `tuning file ${path}`), `tuning file ${path}, adapter '${adapter}'`);
}

/** Writes the table in use as the adapter's entry of the tuning file, keeping the others (via a temporary file). */
export async function saveTuningFile(adapter: string, path: string | null): Promise<void> {
  if (!path) return;
  // node:fs itself, imported here: io/files.ts's writeText imports it statically, which a browser bundle cannot load
  const { existsSync, readFileSync, writeFileSync, renameSync } = await import('node:fs');
  const file = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
  file[adapter] = tuningTable();
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, JSON.stringify(file, null, 2) + '\n');
  renameSync(temporary, path);
}
