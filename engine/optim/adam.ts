// Adam (Kingma & Ba, 2015) exactly as torch.optim.Adam without amsgrad: weight decay is L2 (added to the
// gradient), and the bias corrections are folded into the step size and the denominator:
//   g = grad + weightDecay * p
//   m = beta1 m + (1 - beta1) g            v = beta2 v + (1 - beta2) g^2
//   p = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// The whole update is one 'adamUpdate' kernel per parameter tensor, writing p, m and v in place.
import type { Tensor } from '../tensor.js';
import { zeros } from '../ops/elementwise.js';
import { Optimizer, checkHyperparameter } from './optimizer.js';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

export class Adam extends Optimizer {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;

  constructor(params: Iterable<Tensor>, { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0 }: AdamOptions = {}) {
    super('Adam', params, lr);
    [this.beta1, this.beta2] = betas;
    this.eps = eps;
    this.weightDecay = weightDecay;
    checkAdamHyperparameters(this.hyperparameters());
    for (const p of this.params) {
      this.initState(p, { exp_avg: zeros(p.shape, p.backend), exp_avg_sq: zeros(p.shape, p.backend) });
    }
  }

  step(): void {
    for (const p of this.params) {
      const grad = this.gradientOf(p);
      if (!grad) continue;
      const state = this.stateOf(p);
      state.step += 1;
      const { exp_avg: m, exp_avg_sq: v } = state.tensors;
      p.backend.run('adamUpdate', [grad.storage], [p.storage, m.storage, v.storage], {
        n: p.size,
        beta1: this.beta1,
        beta2: this.beta2,
        eps: this.eps,
        weightDecay: this.weightDecay,
        stepSize: this.lr / (1 - this.beta1 ** state.step),
        biasCorrection2Sqrt: Math.sqrt(1 - this.beta2 ** state.step),
      });
    }
  }

  hyperparameters(): Record<string, number> {
    return { lr: this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay };
  }

  /** Checks every value first, so a bad record changes nothing. */
  setHyperparameters(values: Record<string, number>): void {
    checkAdamHyperparameters(values);
    ({ lr: this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay } = values);
  }
}

function checkAdamHyperparameters({ lr, beta1, beta2, eps, weightDecay }: Record<string, number>): void {
  checkHyperparameter('Adam', 'lr', lr, 0);
  checkHyperparameter('Adam', 'betas[0]', beta1, 0, 1);
  checkHyperparameter('Adam', 'betas[1]', beta2, 0, 1);
  checkHyperparameter('Adam', 'eps', eps, 0);
  checkHyperparameter('Adam', 'weightDecay', weightDecay, 0);
}
