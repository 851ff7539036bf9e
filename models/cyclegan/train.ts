// Training a CycleGAN: one Adam per network, and the steps of one batch in either training order.
//   'assignment'  per batch: D_A (generators frozen) on real a vs G_BA(b); then G_BA (D_A frozen) to make D_A
//                 call G_BA(b) real; then D_B and G_AB the same way. With cycle terms on, a generator's step
//                 also minimises both cycles through it (the other generator frozen).
//   'joint'       per batch, as CycleGAN: both generators in one step on all their terms (discriminators
//                 frozen), then D_A and D_B on the fakes of that step.
// Freezing a network = its parameters stop requiring gradients for the step (no gradient reaches them, and
// its optimizer is not stepped), as PyTorch's requires_grad_(False).
// A generator's objective is its adversarial term + lambda cycle + mu identity (losses.ts). Each generator's
// reported loss is its adversarial term plus its identity term plus the cycle that starts with it
// (G_AB: a -> B -> a).
import * as E from '../../engine/index.js';
import type { ChoiceSource } from './history.js';
import { discriminatorLoss, generatorAdversarialLoss, l1Loss } from './losses.js';
import { NETWORKS, type CycleGan, type Direction, type NetworkName } from './model.js';

export type CycleGanOptimizers = Record<NetworkName, E.optim.Adam>;

/** One Adam per network, with the configured learning rate and betas. */
export function makeOptimizers(gan: CycleGan): CycleGanOptimizers {
  const { lr, beta1, beta2 } = gan.config;
  const make = (m: E.nn.Module) => new E.optim.Adam(m.parameters(), { lr, betas: [beta1, beta2] });
  return { G_AB: make(gan.gAB), G_BA: make(gan.gBA), D_A: make(gan.dA), D_B: make(gan.dB) };
}

/** Lets gradients reach only the named networks' parameters (the rest are frozen). */
export function setTrainable(gan: CycleGan, trainable: readonly NetworkName[]): void {
  for (const [name, network] of Object.entries(gan.networks())) {
    const on = trainable.includes(name as NetworkName);
    for (const p of network.parameters()) p.requiresGrad = on;
  }
}

/**
 * One optimisation step of the named networks, all others frozen: `build` returns the objective to
 * minimise (and anything else the caller wants from the same forward pass, passed through).
 */
function stepNetworks<T extends { objective: E.Tensor }>(gan: CycleGan, optimizers: CycleGanOptimizers, names: readonly NetworkName[], build: () => T): T {
  setTrainable(gan, names);
  try {
    for (const name of names) optimizers[name].zeroGrad();
    const built = build();
    built.objective.backward();
    for (const name of names) {
      optimizers[name].step();
      optimizers[name].zeroGrad();
    }
    return built;
  } finally {
    setTrainable(gan, NETWORKS);
  }
}

/** The generator terms of one batch, each a scalar tensor (null when off or not needed). */
interface GeneratorTerms {
  fakeA: E.Tensor | null; // G_BA(b)
  fakeB: E.Tensor | null; // G_AB(a)
  adversarialAB: E.Tensor | null; // D_B calling G_AB(a) real
  adversarialBA: E.Tensor | null;
  cycleA: E.Tensor | null; // |G_BA(G_AB(a)) - a|
  cycleB: E.Tensor | null;
  identityAB: E.Tensor | null; // |G_AB(b) - b|
  identityBA: E.Tensor | null;
}

/** The terms the generators of `directions` need: their adversarial and identity terms, and both cycles. */
function generatorTerms(gan: CycleGan, a: E.Tensor, b: E.Tensor, directions: readonly Direction[]): GeneratorTerms {
  const { adversarial, cycleWeight, identityWeight } = gan.config;
  const [forAB, forBA] = [directions.includes('AB'), directions.includes('BA')];
  const cycles = cycleWeight > 0;
  const identities = identityWeight > 0;
  const fakeB = forAB || cycles ? gan.translate('AB', a) : null;
  const fakeA = forBA || cycles ? gan.translate('BA', b) : null;
  return {
    fakeA,
    fakeB,
    adversarialAB: forAB ? generatorAdversarialLoss(adversarial, gan.discriminate('B', fakeB!)) : null,
    adversarialBA: forBA ? generatorAdversarialLoss(adversarial, gan.discriminate('A', fakeA!)) : null,
    cycleA: cycles ? l1Loss(gan.translate('BA', fakeB!), a) : null,
    cycleB: cycles ? l1Loss(gan.translate('AB', fakeA!), b) : null,
    identityAB: identities && forAB ? l1Loss(gan.translate('AB', b), b) : null,
    identityBA: identities && forBA ? l1Loss(gan.translate('BA', a), a) : null,
  };
}

/** adversarial + lambda cycle + mu identity, leaving out the absent terms. */
function weightedSum(gan: CycleGan, adversarial: E.Tensor, cycle: E.Tensor | null, identity: E.Tensor | null): E.Tensor {
  let total = adversarial;
  if (cycle) total = E.add(total, E.mul(cycle, gan.config.cycleWeight));
  if (identity) total = E.add(total, E.mul(identity, gan.config.identityWeight));
  return total;
}

/** G_AB's own loss: its adversarial term, its identity term and the cycle that starts with it (a -> B -> a). */
function lossAB(gan: CycleGan, t: GeneratorTerms): E.Tensor {
  return weightedSum(gan, t.adversarialAB!, t.cycleA, t.identityAB);
}

function lossBA(gan: CycleGan, t: GeneratorTerms): E.Tensor {
  return weightedSum(gan, t.adversarialBA!, t.cycleB, t.identityBA);
}

/** Losses of one step, in the order trainStep returns them. */
export const STEP_LOSSES = ['G_AB', 'G_BA', 'D_A', 'D_B', 'cycle_A', 'cycle_B'] as const;

/** One discriminator step: real images as real, the (history-mixed) fakes as fake; returns its loss. */
export function stepDiscriminator(
  gan: CycleGan,
  optimizers: CycleGanOptimizers,
  name: 'D_A' | 'D_B',
  real: E.Tensor,
  fakes: E.Tensor,
  random: ChoiceSource,
): E.Tensor {
  const [domain, history] = name === 'D_A' ? (['A', gan.historyA] as const) : (['B', gan.historyB] as const);
  const shown = history.query(E.detach(fakes), random);
  const { objective } = stepNetworks(gan, optimizers, [name], () => ({
    objective: discriminatorLoss(gan.config.adversarial, gan.discriminate(domain, real), gan.discriminate(domain, shown)),
  }));
  return objective;
}

/**
 * One training step on a batch of each domain, a and b (B, 3, 28, 28), in the configured order.
 * Returns the step's losses as one (6,) tensor in the order of STEP_LOSSES (cycle terms 0 when off).
 */
export function trainStep(gan: CycleGan, optimizers: CycleGanOptimizers, a: E.Tensor, b: E.Tensor, random: ChoiceSource): E.Tensor {
  return E.tidy(() => (gan.config.order === 'joint' ? jointStep(gan, optimizers, a, b, random) : assignmentStep(gan, optimizers, a, b, random)));
}

/** CycleGAN's generator step: both generators on the sum of all their terms, the discriminators frozen. */
export function stepBothGenerators(gan: CycleGan, optimizers: CycleGanOptimizers, a: E.Tensor, b: E.Tensor) {
  return stepNetworks(gan, optimizers, ['G_AB', 'G_BA'], () => {
    const terms = generatorTerms(gan, a, b, ['AB', 'BA']);
    const losses = [lossAB(gan, terms), lossBA(gan, terms)];
    return { objective: E.add(losses[0], losses[1]), terms, losses };
  });
}

function jointStep(gan: CycleGan, optimizers: CycleGanOptimizers, a: E.Tensor, b: E.Tensor, random: ChoiceSource): E.Tensor {
  const { terms, losses } = stepBothGenerators(gan, optimizers, a, b);
  const dA = stepDiscriminator(gan, optimizers, 'D_A', a, terms.fakeA!, random);
  const dB = stepDiscriminator(gan, optimizers, 'D_B', b, terms.fakeB!, random);
  return stepLossVector([...losses, dA, dB, terms.cycleA, terms.cycleB]);
}

/**
 * The generator step of the assignment order: one generator on its adversarial and identity terms and both
 * cycles through it, every other network frozen. Returns its own loss and the terms.
 */
export function stepOneGenerator(gan: CycleGan, optimizers: CycleGanOptimizers, a: E.Tensor, b: E.Tensor, direction: Direction) {
  return stepNetworks(gan, optimizers, [direction === 'AB' ? 'G_AB' : 'G_BA'], () => {
    const terms = generatorTerms(gan, a, b, [direction]);
    const bothCycles = terms.cycleA && terms.cycleB ? E.add(terms.cycleA, terms.cycleB) : null;
    const [adversarial, identity] = direction === 'AB' ? [terms.adversarialAB!, terms.identityAB] : [terms.adversarialBA!, terms.identityBA];
    const own = direction === 'AB' ? lossAB(gan, terms) : lossBA(gan, terms);
    return { objective: weightedSum(gan, adversarial, bothCycles, identity), terms, own };
  });
}

function assignmentStep(gan: CycleGan, optimizers: CycleGanOptimizers, a: E.Tensor, b: E.Tensor, random: ChoiceSource): E.Tensor {
  const dA = stepDiscriminator(gan, optimizers, 'D_A', a, E.noGrad(() => gan.translate('BA', b)), random);
  const stepBA = stepOneGenerator(gan, optimizers, a, b, 'BA');
  const dB = stepDiscriminator(gan, optimizers, 'D_B', b, E.noGrad(() => gan.translate('AB', a)), random);
  const stepAB = stepOneGenerator(gan, optimizers, a, b, 'AB');
  return stepLossVector([stepAB.own, stepBA.own, dA, dB, stepAB.terms.cycleA, stepAB.terms.cycleB]);
}

/** The losses as one (n,) tensor without gradient (absent terms as 0), read back with one transfer. */
function stepLossVector(losses: (E.Tensor | null)[]): E.Tensor {
  return E.noGrad(() => E.concat(losses.map((l) => (l ? E.reshape(E.detach(l), [1]) : E.zeros([1]))), 0));
}
