// The VAE experiment's settings: one typed config (every field with its default, unit and range), the
// command line around it (experiments/lib/command.ts), and the training options the config becomes.
// Named presets live in experiments/presets/vae/*.json; `vae --help` lists them.
import { VAE_KINDS, type VaeConfig, type VaeKind } from '../../models/vae/model.js';
import { DECODER_KINDS, VARIANTS, type DecoderKind, type Variant } from '../../models/vae/networks.js';
import type { CapacityRamp } from '../../models/vae/latents.js';
import type { CapacitySchedule } from '../../models/vae/train.js';
import { CONTROL_FITS, DEFAULT_CONTROL_FIT, DEFAULT_CONTROL_MECHANISM, DEFAULT_DISCRETE_DRAW, DISCRETE_DRAWS, parseControlMechanism, type ControlFit, type DiscreteDraw } from '../../models/vae/control.js';
import { parsePaletteColour } from '../../models/colour.js';
import { presetSlug, type CommandSpec, type Values } from '../lib/command.js';

export const VAE_CONFIG = {
  kind: { default: 'continuous', choices: VAE_KINDS, help: 'latent: continuous (Gaussian), discrete (Gumbel-softmax) or joint (both)' },
  variant: { default: 'mlp', choices: VARIANTS, help: 'encoder and decoder networks (models/vae/networks.ts)' },
  decoder: { default: 'plain', choices: DECODER_KINDS, help: "'plain' (the assignment's) or a brightness map times a colour (models/vae/networks.ts)" },
  latent: { default: 3, integer: true, min: 1, help: 'L, dimensions of the continuous latent' },
  variables: { default: 3, integer: true, min: 1, help: 'N, categorical variables of the discrete latent' },
  categories: { default: 20, integer: true, min: 2, help: 'K, categories per variable' },
  hard: { default: false, help: 'straight-through (hard) Gumbel-softmax samples' },
  colourScale: { default: 1, min: 1e-6, help: "multiplies a tinted decoder's colour logits, so Adam can saturate colours in a short run" },
  epochs: { default: 3, integer: true, min: 1, help: 'training epochs' },
  batch: { default: 128, integer: true, min: 1, unit: 'images', help: 'images per step' },
  lr: { default: 1e-3, min: 1e-12, help: 'Adam learning rate' },
  seed: { default: 0, integer: true, min: 0, help: 'seed of the weights, the data order and the samples' },
  data: { default: 'embedded', help: "'embedded' (8,000 / 2,000 digits in the repository) or a directory of MNIST IDX files" },
  capacity: { default: [] as number[], lengths: [0, 2], min: 0, unit: 'nats', help: "Cc,Cd: JointVAE's capacities for the continuous and discrete KL (empty: off)" },
  capacityRamp: { default: [0, 1, 0, 1], lengths: [4], min: 0, max: 1, help: 'Sc,Ec,Sd,Ed: the fractions of training over which each capacity rises from 0' },
  gamma: { default: 30, min: 0, help: "weight of the capacity terms" },
  usage: { default: 0, min: 0, help: 'weight of KL(batch-mean posterior || uniform) per discrete variable, in the objective only (0: off)' },
  batchSum: { default: false, help: "differentiate the loss summed over the batch (PyTorch's reduction='sum'), not its per-image mean" },
  control: { default: DEFAULT_CONTROL_MECHANISM, help: 'colour-control mechanism: [kept-]gaussian[-s], [kept-]mixture-k[-s] or [kept-]means (models/vae/control.ts)' },
  fit: { default: DEFAULT_CONTROL_FIT, choices: CONTROL_FITS, help: 'the images the colour control is fitted to' },
  discreteDraw: { default: DEFAULT_DISCRETE_DRAW, choices: DISCRETE_DRAWS, help: "how a colour's categories are drawn: per variable, or whole combinations" },
};

export type VaeSettings = Values<typeof VAE_CONFIG>;

const SAMPLE_COUNT = 64;

const VAE_FLAGS = {
  colour: { default: '', commands: ['sample'], help: 'the colour to draw: a palette name or index' },
  count: { default: SAMPLE_COUNT, integer: true, min: 1, commands: ['sample'], help: 'digits to draw' },
  out: { default: '', commands: ['sample'], help: "the PNG to write (default: runs/<name>/sample-<colour>.png)" },
  mechanisms: { default: DEFAULT_CONTROL_MECHANISM, commands: ['control'], help: 'comma-separated colour-control mechanisms to compare' },
  fit: { default: DEFAULT_CONTROL_FIT, choices: CONTROL_FITS, commands: ['control'], help: 'the images the colour control is fitted to' },
  'discrete-draw': { default: DEFAULT_DISCRETE_DRAW, choices: DISCRETE_DRAWS, commands: ['control'], help: "how a colour's categories are drawn" },
};
export const VAE_COMMAND: CommandSpec<typeof VAE_CONFIG, typeof VAE_FLAGS> = {
  script: 'vae',
  about: 'trains one of the three VAEs on coloured MNIST and draws digits in a chosen colour',
  commands: {
    train: 'train a preset and write runs/<name>/ (metrics, checkpoint, figures, report.html)',
    sample: 'draw --count digits in --colour from a trained run --name',
    control: "measure a trained run's colour control under each mechanism of --mechanisms (writes nothing)",
  },
  training: ['train'],
  config: VAE_CONFIG,
  defaultPreset: 'quick',
  resumable: ['epochs', 'control', 'fit', 'discreteDraw'],
  defaultName: (preset) => `vae-${presetSlug(preset)}`,
  flags: VAE_FLAGS,
  check: checkSettings,
  checkFlags,
};

/** What the field checks cannot see: combinations of fields, and the control mechanism's syntax. */
function checkSettings(settings: VaeSettings): string | null {
  const { kind, capacity, capacityRamp, decoder, colourScale } = settings;
  try {
    parseControlMechanism(settings.control);
  } catch (error) {
    return `control: ${(error as Error).message}`;
  }
  if (capacity.length === 2) {
    const [continuous, discrete] = capacity;
    if ((kind === 'discrete' && continuous > 0) || (kind === 'continuous' && discrete > 0)) {
      return `capacity ${capacity.join(',')}: a ${kind} model has no ${kind === 'discrete' ? 'continuous' : 'discrete'} latent, so its capacity must be 0`;
    }
  }
  const [sc, ec, sd, ed] = capacityRamp;
  if (!(sc < ec && sd < ed)) return `capacityRamp ${capacityRamp.join(',')}: each start must be below its end`;
  if (colourScale !== 1 && decoder === 'plain') return `colourScale ${colourScale} needs a tinted decoder (the plain one has no colour head)`;
  if (decoder === 'tinted-split' && kind === 'continuous') return 'decoder tinted-split paints from a categorical variable; a continuous model has none';
  return null;
}

/** sample and control: the run is named, and the colour or the mechanisms parse (before the device starts). */
function checkFlags(command: string, flags: Values<typeof VAE_FLAGS>, name: string): string | null {
  if (command === 'train') return null;
  if (name === '') return `${command}: --name <run> is required (a run directory under runs/)`;
  const parses = (flag: string, text: string, parse: (text: string) => unknown): string | null => {
    try {
      parse(text);
      return null;
    } catch (error) {
      return `--${flag} ${text}: ${(error as Error).message}`;
    }
  };
  if (command === 'sample') return flags.colour === '' ? 'sample: --colour <name|index> is required' : parses('colour', flags.colour, parsePaletteColour);
  for (const mechanism of flags.mechanisms.split(',')) {
    const problem = parses('mechanisms', flags.mechanisms, () => parseControlMechanism(mechanism));
    if (problem) return problem;
  }
  return null;
}

/** The options of a training run, as the training code and a run's config.json hold them. */
export interface TrainOptions {
  model: VaeConfig;
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
  data: string;
  capacity: CapacitySchedule | null;
  /** differentiate the loss summed over the batch instead of its per-image mean (models/vae/train.ts) */
  batchSum: boolean;
  /** weight of the discrete usage term (models/vae/model.ts); 0: off */
  usage: number;
  /** colour-selection mechanism and the set it is fitted to (models/vae/control.ts) */
  control: string;
  fit: ControlFit;
  discreteDraw: DiscreteDraw;
  name: string;
  /** the preset the run was started from */
  preset?: string;
  /** the flat config the command line gave (a --resume is checked against it) */
  settings?: VaeSettings;
}

export function trainOptions(settings: VaeSettings, name: string, preset: string): TrainOptions {
  const model: VaeConfig = {
    kind: settings.kind as VaeKind,
    variant: settings.variant as Variant,
    latent: settings.latent,
    variables: settings.variables,
    categories: settings.categories,
    hard: settings.hard,
    decoder: settings.decoder as DecoderKind,
    colourScale: settings.colourScale,
  };
  const [continuous, discrete] = settings.capacity;
  const [sc, ec, sd, ed] = settings.capacityRamp;
  const capacity: CapacitySchedule | null =
    settings.capacity.length === 0 ? null : { continuous, discrete, gamma: settings.gamma, continuousRamp: [sc, ec] as CapacityRamp, discreteRamp: [sd, ed] as CapacityRamp };
  return {
    model,
    epochs: settings.epochs,
    batch: settings.batch,
    lr: settings.lr,
    seed: settings.seed,
    data: settings.data,
    capacity,
    batchSum: settings.batchSum,
    usage: settings.usage,
    control: settings.control,
    fit: settings.fit as ControlFit,
    discreteDraw: settings.discreteDraw as DiscreteDraw,
    name,
    preset,
    settings,
  };
}
