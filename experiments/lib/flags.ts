// Command-line flags for the experiment scripts: `--name value` or `--name=value` for numbers and
// strings, `--name` / `--no-name` for switches. Every flag is declared with its default and a line of
// help, so `--help` prints them all and an unknown or malformed flag is an error naming the known ones.

export type FlagValue = number | string | boolean;

export interface FlagSpec<V extends FlagValue = FlagValue> {
  default: V;
  help: string;
}

export type FlagSpecs = Record<string, FlagSpec>;
export type FlagValues<S extends FlagSpecs> = { [K in keyof S]: S[K]['default'] };

/** Every flag at its default. */
export function defaultFlags<S extends FlagSpecs>(specs: S): FlagValues<S> {
  return Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, spec.default])) as FlagValues<S>;
}

/** The usage text: one line per flag with its default. */
export function usage(script: string, specs: FlagSpecs): string {
  const lines = Object.entries(specs).map(([name, spec]) => {
    const shown = typeof spec.default === 'boolean' ? `--${name} / --no-${name}` : `--${name} <${typeof spec.default}>`;
    return `  ${shown.padEnd(30)} ${spec.help} (default ${JSON.stringify(spec.default)})`;
  });
  return `usage: ${script} [flags]\n${lines.join('\n')}`;
}

/**
 * Parses argv (without node and the script) against the specs, starting from `base` (the defaults, or a
 * preset's values). Returns the values and the names of the flags given explicitly.
 */
export function parseFlags<S extends FlagSpecs>(
  script: string,
  argv: readonly string[],
  specs: S,
  base: FlagValues<S> = defaultFlags(specs),
): { values: FlagValues<S>; given: Set<string> } {
  const values: Record<string, FlagValue> = { ...base };
  const given = new Set<string>();
  const fail = (why: string): never => {
    throw new Error(`${script}: ${why}\n${usage(script, specs)}`);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) fail(`unexpected argument "${arg}"`);
    const [rawName, inlineValue] = splitOnce(arg.slice(2));
    const negated = rawName.startsWith('no-') && !(rawName in specs);
    const name = negated ? rawName.slice(3) : rawName;
    const spec = specs[name];
    if (!spec) fail(`unknown flag --${rawName}`);
    given.add(name);
    if (typeof spec.default === 'boolean') {
      if (inlineValue !== undefined) fail(`--${rawName} is a switch and takes no value`);
      values[name] = !negated;
      continue;
    }
    if (negated) fail(`--${name} is not a switch`);
    const text = inlineValue ?? argv[++i];
    if (text === undefined) fail(`--${name} needs a value`);
    values[name] = typeof spec.default === 'number' ? parseNumber(name, text, fail) : text;
  }
  return { values: values as FlagValues<S>, given };
}

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf('=');
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function parseNumber(name: string, text: string, fail: (why: string) => never): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) fail(`--${name} needs a number, got "${text}"`);
  return value;
}
