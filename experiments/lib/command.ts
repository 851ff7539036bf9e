// One command-line parser for every experiment script. An experiment's settings are one typed object
// (its config), declared field by field with a default, a line of help, a unit and a range; named
// presets are JSON files in experiments/presets/<script>/ that set some of those fields (and may extend
// another preset); the command line keeps a handful of flags:
//   --preset <name|file.json>   start from a preset (each script has a default one)
//   --set key=value             any config field (repeatable), e.g. --set latent=16
//   --epochs, --seed, --data    shorthands for those config fields
//   --name, --resume, --progress, --help, and a few flags of the script's own commands
// Everything is checked before any data or device work: unknown flags and keys, malformed numbers
// ("0x10", "1e"), values out of range, a config field set twice, a run name that is not one plain folder
// name, a data directory that does not exist, and flags that belong to another command fail at once,
// naming the flag or key, the offending text and where it came from.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECKPOINT_FILE, checkRunName } from '../../engine/train/names.js';

export type FieldValue = number | string | boolean | number[];

/** One config field or flag: its default, what it means, and what it accepts. */
export interface FieldSpec<V extends FieldValue = FieldValue> {
  default: V;
  help: string;
  /** shown after the default, e.g. 'images', 'nats' */
  unit?: string;
  /** the strings a string field accepts */
  choices?: readonly string[];
  /** numbers (and number lists): whole numbers only */
  integer?: boolean;
  /** numbers (and number lists): the inclusive range */
  min?: number;
  max?: number;
  /** number lists: the lengths accepted */
  lengths?: readonly number[];
}

export type FieldSpecs = Record<string, FieldSpec>;
/** The values of specs: numbers, strings, switches and number lists as declared. */
export type Values<S extends FieldSpecs> = { [K in keyof S]: S[K]['default'] extends boolean ? boolean : S[K]['default'] extends number[] ? number[] : S[K]['default'] extends number ? number : string };

/** A flag of the script's own: where it applies (commands) on top of its spec. */
export interface FlagSpec<V extends FieldValue = FieldValue> extends FieldSpec<V> {
  /** the commands that take this flag; absent: every command */
  commands?: readonly string[];
}
export type FlagSpecs = Record<string, FlagSpec>;

export interface CommandSpec<C extends FieldSpecs, F extends FlagSpecs> {
  /** the script's name in messages, e.g. 'vae' */
  script: string;
  /** one line on what it does */
  about: string;
  /** the commands (the first one is run when none is given) and what each does */
  commands: Record<string, string>;
  /** the commands that train (they take --preset, --set and the config shorthands) */
  training: readonly string[];
  config: C;
  /** the preset used when --preset is not given */
  defaultPreset: string;
  /** the default run name for a preset */
  defaultName: (preset: string) => string;
  flags: F;
  /** cross-field checks on the final config: return a message, or null when it is fine */
  check?: (config: Values<C>) => string | null;
  /** checks of the script's own flags for the command given (any command): a message, or null */
  checkFlags?: (command: string, flags: Values<F>, name: string) => string | null;
  /**
   * The config fields a --resume may change (e.g. epochs: train further). A resumed run's other fields must
   * equal those its config.json recorded under `settings`, which the script writes there (runSettings).
   */
  resumable: readonly (keyof C & string)[];
}

/** What the helpers below read of a spec (its check is typed by the spec's own config). */
type SpecShape = Pick<CommandSpec<FieldSpecs, FlagSpecs>, 'script' | 'commands' | 'training' | 'config' | 'flags' | 'resumable'>;

/** The common flags every script takes; --epochs, --seed and --data set config fields of those names. */
const COMMON_FLAGS: FlagSpecs = {
  preset: { default: '', help: 'a preset name (see below) or a JSON file of the same form' },
  set: { default: '', help: 'key=value: any config field below (repeatable)' },
  epochs: { default: 0, help: 'training epochs (the config field epochs)' },
  seed: { default: 0, help: 'random seed (the config field seed)' },
  data: { default: '', help: "'embedded' or a directory of MNIST IDX files (the config field data)" },
  name: { default: '', help: 'run directory under runs/' },
  resume: { default: false, help: 'continue the run from its last checkpoint' },
  progress: { default: 'auto', choices: ['auto', 'bar', 'lines', 'off'], help: "'bar' (a live line), 'lines' (a line every 10 s), 'off' (only each epoch's line); auto: bar on a terminal" },
  help: { default: false, help: 'print this text and exit' },
};
/** Common flags that set the config field of the same name. */
const CONFIG_SHORTHANDS = ['epochs', 'seed', 'data'];
/** Common flags only training commands take. */
const TRAINING_ONLY = ['preset', 'set', 'epochs', 'data', 'resume', 'progress'];

export interface ParsedCommand<C extends FieldSpecs, F extends FlagSpecs> {
  command: string;
  /** the final config: defaults, then the preset chain, then --set and the shorthands */
  config: Values<C>;
  /** the preset's name (or file) */
  preset: string;
  /** the run name: --name, or the preset's default */
  name: string;
  resume: boolean;
  progress: 'auto' | 'bar' | 'lines' | 'off';
  /** the script's own flags, at their defaults when not given */
  flags: Values<F>;
  /** the flags given explicitly */
  given: Set<string>;
  /** true when --help was given: the caller prints usage() and exits */
  help: boolean;
}

class CommandLineError extends Error {}

/** Parses argv (without node and the script). Throws an Error naming the flag, key or value at fault. */
export function parseCommand<C extends FieldSpecs, F extends FlagSpecs>(spec: CommandSpec<C, F>, argv: readonly string[]): ParsedCommand<C, F> {
  const fail = (why: string): never => {
    throw new CommandLineError(`${spec.script}: ${why} (--help lists the flags, config fields and presets)`);
  };
  const commandNames = Object.keys(spec.commands);
  const args = [...argv];
  const command = args.length > 0 && commandNames.includes(args[0]) ? args.shift()! : commandNames[0];
  const flagSpecs: FlagSpecs = { ...COMMON_FLAGS, ...spec.flags };
  const own: Record<string, FieldValue> = Object.fromEntries(Object.entries(spec.flags).map(([name, s]) => [name, s.default]));
  const common: Record<string, FieldValue> = {};
  const sets: { key: string; text: string }[] = [];
  const given = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) fail(`unexpected argument "${arg}"${commandNames.length > 1 ? ` (commands: ${commandNames.join(', ')}; a command comes first)` : ''}`);
    const [rawName, inline] = splitOnce(arg.slice(2), '=');
    const negated = rawName.startsWith('no-') && !(rawName in flagSpecs);
    const name = negated ? rawName.slice(3) : rawName;
    const flag = flagSpecs[name];
    if (!flag) fail(`unknown flag --${rawName}`);
    if (!appliesTo(name, flag, command, spec)) fail(`--${name} does not apply to the ${command} command${commandsOf(name, flag, spec)}`);
    if (given.has(name) && name !== 'set') fail(`--${name} is given twice`);
    given.add(name);
    let value: FieldValue;
    if (typeof flag.default === 'boolean') {
      if (inline !== undefined) fail(`--${rawName} is a switch and takes no value`);
      value = !negated;
    } else {
      if (negated) fail(`--${name} is not a switch`);
      const text = inline ?? args[++i];
      if (text === undefined || (inline === undefined && text.startsWith('--'))) fail(`--${name} needs a value`);
      if (name === 'set') {
        const [key, valueText] = splitOnce(text, '=');
        if (valueText === undefined) fail(`--set needs key=value, got "${text}"`);
        sets.push({ key, text: valueText! });
        continue;
      }
      value = CONFIG_SHORTHANDS.includes(name) ? text : parseValue(`--${name}`, text, flag, fail);
    }
    if (name in spec.flags) own[name] = value;
    else common[name] = value;
  }
  const help = common.help === true;
  const training = spec.training.includes(command);
  const presetName = (common.preset as string | undefined) ?? spec.defaultPreset;
  let config = defaults(spec.config);
  if (training && !help) {
    config = { ...config, ...loadPreset(spec, presetName, fail) };
    // each field once on the command line: a shorthand and --set of one field, or two --set of it, fail
    const setBy = new Map<string, string>();
    const override = (key: string, text: string, where: string) => {
      const earlier = setBy.get(key);
      if (earlier !== undefined) fail(`${where}: ${key} is already set by ${earlier}`);
      setBy.set(key, where);
      config[key] = configValue(spec, key, text, where, fail);
    };
    for (const key of CONFIG_SHORTHANDS) {
      if (key in common) override(key, common[key] as string, `--${key}`);
    }
    for (const { key, text } of sets) override(key, text, `--set ${key}=${text}`);
    if ('data' in spec.config) checkDataDirectory(config.data as string, setBy.get('data') ?? `preset "${presetName}"`, fail);
    const problem = spec.check?.(config as Values<C>);
    if (problem) fail(problem);
  } else if ('seed' in common && 'seed' in spec.config) {
    config.seed = configValue(spec, 'seed', common.seed as string, '--seed', fail);
  }
  const name = (common.name as string | undefined) ?? (training ? spec.defaultName(presetName) : '');
  if (!help && ('name' in common || training)) {
    try {
      checkRunName(name, 'name' in common ? '--name' : `the default run name of preset "${presetName}" (give --name)`);
    } catch (error) {
      fail((error as Error).message);
    }
  }
  const flagProblem = help ? null : spec.checkFlags?.(command, own as Values<F>, name);
  if (flagProblem) fail(flagProblem);
  if (training && !help && common.resume === true) checkResume(spec, name, config, fail);
  if (training && !help && common.resume !== true && existsSync(join('runs', name, CHECKPOINT_FILE))) {
    fail(`run "${name}" already has ${join('runs', name, CHECKPOINT_FILE)}; pass --resume to continue it, or choose another --name`);
  }
  return {
    command,
    config: config as Values<C>,
    preset: presetName,
    name,
    resume: common.resume === true,
    progress: (common.progress as ParsedCommand<C, F>['progress'] | undefined) ?? 'auto',
    flags: own as Values<F>,
    given,
    help,
  };
}

/** A preset's part of a default run name: its name, or a preset file's name without .json, in run-name characters. */
export function presetSlug(preset: string): string {
  return basename(preset).replace(/\.json$/, '').replace(/[^A-Za-z0-9._-]/g, '-');
}

/** What a training script writes under `settings` in its run's config.json: the final config, for --resume to check. */
export function runSettings<C extends FieldSpecs>(config: Values<C>): { settings: Values<C> } {
  return { settings: config };
}

/**
 * A --resume whose config differs from the run's recorded settings in a field that must not change (the
 * model, the data, the optimiser...) is refused, naming each field with both values. A run without a
 * config.json (a fresh start) or written before settings were recorded is not checked.
 */
function checkResume(spec: SpecShape & { resumable: readonly string[] }, name: string, config: Record<string, FieldValue>, fail: (why: string) => never): void {
  const path = join('runs', name, 'config.json');
  if (!existsSync(path)) return;
  let recorded: unknown;
  try {
    recorded = (JSON.parse(readFileSync(path, 'utf8')) as { settings?: unknown }).settings;
  } catch {
    fail(`--resume: ${path} is not valid JSON`);
  }
  if (typeof recorded !== 'object' || recorded === null) return;
  const changed = Object.keys(spec.config)
    .filter((key) => !spec.resumable.includes(key) && key in recorded!)
    .filter((key) => JSON.stringify((recorded as Record<string, unknown>)[key]) !== JSON.stringify(config[key]))
    .map((key) => `${key} ${JSON.stringify((recorded as Record<string, unknown>)[key])} -> ${JSON.stringify(config[key])}`);
  if (changed.length > 0) {
    fail(`--resume: run "${name}" was trained with other settings (${changed.join(', ')}); only ${spec.resumable.join(', ')} may change when a run resumes`);
  }
}

function appliesTo(name: string, flag: FlagSpec, command: string, spec: SpecShape): boolean {
  if (name in COMMON_FLAGS && !(name in spec.flags) && spec.training.length === 0) return name === 'help';
  if (name in COMMON_FLAGS && !(name in spec.flags)) return !TRAINING_ONLY.includes(name) || spec.training.includes(command) || (name === 'seed' && command in spec.commands);
  return flag.commands === undefined || flag.commands.includes(command);
}

function commandsOf(name: string, flag: FlagSpec, spec: SpecShape): string {
  const commands = name in COMMON_FLAGS && !(name in spec.flags) ? spec.training : flag.commands ?? [];
  return commands.length > 0 ? ` (only ${commands.join(', ')})` : '';
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** A decimal number: digits, an optional fraction and exponent. Not "0x10", "", "1e", "Infinity". */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Text -> the field's type, checked against its choices, range and lengths. */
function parseValue(where: string, text: string, spec: FieldSpec, fail: (why: string) => never): FieldValue {
  if (typeof spec.default === 'boolean') {
    if (text !== 'true' && text !== 'false') fail(`${where}: expected true or false, got "${text}"`);
    return text === 'true';
  }
  if (Array.isArray(spec.default)) {
    const items = text.trim() === '' ? [] : text.split(',');
    return checkValue(where, items.map((item) => parseNumber(where, item.trim(), fail)), spec, fail);
  }
  if (typeof spec.default === 'number') return checkValue(where, parseNumber(where, text, fail), spec, fail);
  return checkValue(where, text, spec, fail);
}

function parseNumber(where: string, text: string, fail: (why: string) => never): number {
  if (!NUMBER.test(text)) fail(`${where}: expected a decimal number, got "${text}"`);
  return Number(text);
}

/** A value of the right type, checked against the spec (from a preset file or parsed text). */
function checkValue(where: string, value: unknown, spec: FieldSpec, fail: (why: string) => never): FieldValue {
  const expected = Array.isArray(spec.default) ? 'a list of numbers' : typeof spec.default;
  const rightType = Array.isArray(spec.default) ? Array.isArray(value) && value.every((v) => typeof v === 'number') : typeof value === typeof spec.default;
  if (!rightType) fail(`${where}: expected ${expected}, got ${JSON.stringify(value)}`);
  const numbers = typeof value === 'number' ? [value] : Array.isArray(value) ? (value as number[]) : [];
  for (const n of numbers) {
    if (!Number.isFinite(n)) fail(`${where}: ${n} is not a finite number`);
    if (spec.integer && !Number.isInteger(n)) fail(`${where}: expected a whole number, got ${n}`);
    if (spec.min !== undefined && n < spec.min) fail(`${where}: ${n} is below the smallest allowed value, ${spec.min}`);
    if (spec.max !== undefined && n > spec.max) fail(`${where}: ${n} is above the largest allowed value, ${spec.max}`);
  }
  if (Array.isArray(value) && spec.lengths && !spec.lengths.includes(value.length)) {
    fail(`${where}: expected ${spec.lengths.join(' or ')} numbers, got ${value.length}`);
  }
  if (typeof value === 'string' && spec.choices && !spec.choices.includes(value)) {
    fail(`${where}: expected one of ${spec.choices.join(', ')}, got "${value}"`);
  }
  return value as FieldValue;
}

function configValue(spec: SpecShape, key: string, text: string, where: string, fail: (why: string) => never): FieldValue {
  const field = spec.config[key];
  if (!field) fail(`${where}: ${spec.script} has no config field "${key}" (fields: ${Object.keys(spec.config).join(', ')})`);
  return parseValue(where, text, field, fail);
}

/** The config field data: 'embedded', or a directory that exists (its IDX files are read later). */
function checkDataDirectory(data: string, where: string, fail: (why: string) => never): void {
  if (data === 'embedded') return;
  if (!existsSync(data) || !statSync(data).isDirectory()) fail(`${where}: data "${data}" is neither 'embedded' nor a directory (of MNIST IDX files)`);
}

function defaults(specs: FieldSpecs): Record<string, FieldValue> {
  return Object.fromEntries(Object.entries(specs).map(([key, spec]) => [key, Array.isArray(spec.default) ? [...spec.default] : spec.default]));
}

// ---- presets ---------------------------------------------------------------------------------------------

/** A preset file: what it is for, where its results are, the preset it starts from, and its fields. */
export interface PresetFile {
  description: string;
  /** the results page that documents it, e.g. 'docs/results-vae.md' */
  results?: string;
  extends?: string;
  config: Record<string, unknown>;
}

/** experiments/presets/, found from the running file (dist/... or the sources) upwards. */
export function presetsRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'experiments', 'presets');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return resolve('experiments', 'presets');
    dir = parent;
  }
}

/** The preset names of a script, sorted. */
export function presetNames(script: string): string[] {
  const dir = join(presetsRoot(), script);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((file) => file.endsWith('.json')).map((file) => file.slice(0, -'.json'.length)).sort();
}

/** A preset's file: a name in experiments/presets/<script>/ or a path to a .json file. */
export function presetPath(script: string, name: string): string {
  return name.endsWith('.json') ? name : join(presetsRoot(), script, `${name}.json`);
}

/** A preset name: one file name in the script's folder, so a name cannot reach another script's presets. */
const PRESET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

export function readPreset(script: string, name: string): PresetFile {
  const known = () => `presets: ${presetNames(script).join(', ')}`;
  if (!name.endsWith('.json') && !PRESET_NAME.test(name)) {
    throw new CommandLineError(`${script}: preset "${name}" is neither a preset name (${known()}) nor a path to a .json file`);
  }
  const path = presetPath(script, name);
  if (!existsSync(path)) {
    throw new CommandLineError(`${script}: no preset "${name}" (${path} does not exist; ${known()})`);
  }
  if (!statSync(path).isFile()) throw new CommandLineError(`${script}: preset "${name}": ${path} is not a file`);
  let parsed: PresetFile;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as PresetFile;
  } catch (error) {
    throw new CommandLineError(`${script}: preset file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed.description !== 'string' || typeof parsed.config !== 'object' || parsed.config === null) {
    throw new CommandLineError(`${script}: preset file ${path} needs "description" (a string) and "config" (an object)`);
  }
  return parsed;
}

/** The config fields a preset sets, its `extends` chain applied first, each value checked. */
function loadPreset(spec: SpecShape, name: string, fail: (why: string) => never, seen: string[] = []): Record<string, FieldValue> {
  if (seen.includes(name)) fail(`preset "${name}" extends itself (${[...seen, name].join(' -> ')})`);
  const preset = readPreset(spec.script, name);
  const base = preset.extends ? loadPreset(spec, preset.extends, fail, [...seen, name]) : {};
  const values: Record<string, FieldValue> = { ...base };
  for (const [key, value] of Object.entries(preset.config)) {
    const field = spec.config[key];
    const where = `preset "${name}" (${presetPath(spec.script, name)}), field ${key}`;
    if (!field) fail(`${where}: ${spec.script} has no such config field (fields: ${Object.keys(spec.config).join(', ')})`);
    values[key] = checkValue(where, value, field, fail);
  }
  return values;
}

// ---- help ------------------------------------------------------------------------------------------------

function shownDefault(spec: FieldSpec): string {
  const value = Array.isArray(spec.default) ? spec.default.join(',') : String(spec.default);
  return `${value === '' ? "''" : value}${spec.unit ? ` ${spec.unit}` : ''}`;
}

function fieldLine(name: string, spec: FieldSpec): string {
  const accepts = spec.choices ? ` [${spec.choices.join('|')}]` : '';
  return `  ${name.padEnd(24)} ${spec.help}${accepts} (default ${shownDefault(spec)})`;
}

/** The --help text: commands, flags, config fields with defaults and units, and the presets. */
export function usage<C extends FieldSpecs, F extends FlagSpecs>(spec: CommandSpec<C, F>): string {
  const commands = Object.entries(spec.commands);
  const flagLine = (name: string, flag: FlagSpec) => {
    const shown = typeof flag.default === 'boolean' ? `--${name}` : `--${name} <${Array.isArray(flag.default) ? 'list' : typeof flag.default}>`;
    const where = name in COMMON_FLAGS ? (TRAINING_ONLY.includes(name) ? ` [${spec.training.join(', ')}]` : '') : flag.commands ? ` [${flag.commands.join(', ')}]` : '';
    const shownValue = name in COMMON_FLAGS && (flag.default === '' || flag.default === 0) ? '' : ` (default ${shownDefault(flag)})`;
    return `  ${shown.padEnd(24)} ${flag.help}${where}${shownValue}`;
  };
  const trains = spec.training.length > 0;
  const flags = Object.entries({ ...COMMON_FLAGS, ...spec.flags }).filter(([name]) => trains || name in spec.flags || name === 'help');
  const presets = presetNames(spec.script).map((name) => {
    const preset = readPreset(spec.script, name);
    const marks = [name === spec.defaultPreset ? 'default' : '', preset.extends ? `extends ${preset.extends}` : ''].filter(Boolean).join(', ');
    return `  ${name.padEnd(24)} ${preset.description}${marks ? ` (${marks})` : ''}`;
  });
  return [
    `${spec.script}: ${spec.about}`,
    `usage: ${spec.script} ${commands.length > 1 ? `[${Object.keys(spec.commands).join('|')}] ` : ''}[flags]`,
    ...(commands.length > 1 ? ['', 'commands:', ...commands.map(([name, about]) => `  ${name.padEnd(24)} ${about}`)] : []),
    '',
    'common flags:',
    ...flags.filter(([name]) => !(name in spec.flags)).map(([name, flag]) => flagLine(name, flag)),
    ...(Object.keys(spec.flags).length > 0 ? ['', `flags of ${spec.script}:`, ...flags.filter(([name]) => name in spec.flags).map(([name, flag]) => flagLine(name, flag))] : []),
    ...(trains
      ? [
          '',
          'config fields (a preset sets them; --set key=value overrides one):',
          ...Object.entries(spec.config).map(([name, field]) => fieldLine(name, field)),
          '',
          `presets (experiments/presets/${spec.script}/):`,
          ...presets,
        ]
      : []),
  ].join('\n');
}

/** The spec of a script that trains nothing: its own flags and --help, no config or presets. */
export function toolCommand<F extends FlagSpecs>(script: string, about: string, flags: F): CommandSpec<Record<string, never>, F> {
  return { script, about, commands: { run: about }, training: [], config: {}, defaultPreset: '', defaultName: () => '', flags, resumable: [] };
}

/** Parses the command line, printing usage and exiting on --help; a bad command line exits 2 with its message. */
export function commandLine<C extends FieldSpecs, F extends FlagSpecs>(spec: CommandSpec<C, F>, argv = process.argv.slice(2)): ParsedCommand<C, F> | null {
  try {
    const parsed = parseCommand(spec, argv);
    if (parsed.help) {
      console.log(usage(spec));
      return null;
    }
    return parsed;
  } catch (error) {
    if (!(error instanceof CommandLineError)) throw error;
    console.error(error.message);
    process.exitCode = 2;
    return null;
  }
}
