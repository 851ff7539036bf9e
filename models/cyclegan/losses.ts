// The CycleGAN's losses, compositions of the engine's nn losses. With s = D(x) a discriminator's raw score
// and each mean taken over the batch:
//   adversarial  BCE:  D: 1/2 [bce(s_real, 1) + bce(s_fake, 0)]     G: bce(D(G(x)), 1)
//                LS:   D: 1/2 [(s_real - 1)^2 + s_fake^2]            G: (D(G(x)) - 1)^2
//   cycle        lambda |G_BA(G_AB(a)) - a|_1  and  lambda |G_AB(G_BA(b)) - b|_1   (mean absolute error)
//   identity     mu |G_AB(b) - b|_1  and  mu |G_BA(a) - a|_1   (CycleGAN: mu = lambda / 2)
// The assignment's sigmoid discriminator output lives inside the BCE loss (bceWithLogits(s, t) =
// bce(sigmoid(s), t), without overflow); the least-squares loss (Mao et al., 2017, as CycleGAN uses it)
// reads the raw score. The weights lambda and mu are applied where the terms are summed (train.ts).
import * as E from '../../engine/index.js';

const { nn } = E;

export type AdversarialLoss = 'bce' | 'lsgan';

/** The adversarial loss of scores s (B, 1) against one target label (1 real, 0 fake), averaged over the batch. */
export function adversarialLoss(kind: AdversarialLoss, scores: E.Tensor, target: 0 | 1): E.Tensor {
  const targets = E.full(scores.shape, target, scores.backend);
  if (kind === 'bce') return nn.bceWithLogits(scores, targets);
  if (kind === 'lsgan') return nn.mse(scores, targets);
  throw new Error(`adversarialLoss: unknown kind '${kind as string}' (use 'bce' or 'lsgan')`);
}

/** A discriminator's loss: 1/2 [loss(real scores, 1) + loss(fake scores, 0)]. */
export function discriminatorLoss(kind: AdversarialLoss, realScores: E.Tensor, fakeScores: E.Tensor): E.Tensor {
  return E.mul(E.add(adversarialLoss(kind, realScores, 1), adversarialLoss(kind, fakeScores, 0)), 0.5);
}

/** A generator's adversarial loss: its fakes' scores against the label 'real'. */
export function generatorAdversarialLoss(kind: AdversarialLoss, fakeScores: E.Tensor): E.Tensor {
  return adversarialLoss(kind, fakeScores, 1);
}

/** Mean absolute error between an image batch and its target (the cycle and identity losses). */
export function l1Loss(images: E.Tensor, target: E.Tensor): E.Tensor {
  return nn.l1(images, target);
}
