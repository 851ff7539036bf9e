// Stochastic gradient descent with optional momentum and L2 weight decay, as torch.optim.SGD
// (dampening 0, no Nesterov):
//   g = grad + weightDecay * p
//   b = g on the first step, else momentum * b + g          (only when momentum > 0)
//   p = p - lr * (momentum > 0 ? b : g)
// One fused 'sgdUpdate' kernel per parameter tensor, like Adam: the update must be in place anyway (the
// parameter tensors are the module's), and composing it from ops would allocate a temporary per term
// and need a copy back; the fused kernel reads and writes each element once.
import { Tensor, keep } from '../tensor.js';
import { zeros } from '../ops/elementwise.js';
import { Optimizer, checkHyperparameter } from './optimizer.js';

export interface SgdOptions {
  lr: number;
  momentum?: number;
  weightDecay?: number;
}

export class SGD extends Optimizer {
  readonly momentum: number;
  weightDecay: number;
  /** bound in place of the momentum buffer when momentum is 0 (the kernel never touches it) */
  private readonly noBuffer = new Map<Tensor, Tensor>();

  constructor(params: Iterable<Tensor>, { lr, momentum = 0, weightDecay = 0 }: SgdOptions) {
    super('SGD', params, lr);
    checkHyperparameter('SGD', 'momentum', momentum, 0);
    checkHyperparameter('SGD', 'weightDecay', weightDecay, 0);
    this.momentum = momentum;
    this.weightDecay = weightDecay;
    for (const p of this.params) {
      if (momentum > 0) this.initState(p, { momentum_buffer: zeros(p.shape, p.backend) });
      else {
        this.initState(p, {});
        this.noBuffer.set(p, keep(Tensor.empty([0], p.backend)));
      }
    }
  }

  step(): void {
    for (const p of this.params) {
      const grad = this.gradientOf(p);
      if (!grad) continue;
      const state = this.stateOf(p);
      state.step += 1;
      const buffer = state.tensors.momentum_buffer ?? this.noBuffer.get(p)!;
      p.backend.run('sgdUpdate', [grad.storage], [p.storage, buffer.storage], {
        n: p.size,
        lr: this.lr,
        momentum: this.momentum,
        weightDecay: this.weightDecay,
        firstStep: state.step === 1,
      });
    }
  }

  hyperparameters(): Record<string, number> {
    return { lr: this.lr, momentum: this.momentum, weightDecay: this.weightDecay };
  }

  setHyperparameters(values: Record<string, number>): void {
    if (values.momentum !== this.momentum) {
      throw new Error(`SGD: cannot restore momentum ${values.momentum} into an optimizer built with momentum ${this.momentum}`);
    }
    checkHyperparameter('SGD', 'lr', values.lr, 0);
    checkHyperparameter('SGD', 'weightDecay', values.weightDecay, 0);
    this.lr = values.lr;
    this.weightDecay = values.weightDecay;
  }

  dispose(): void {
    super.dispose();
    for (const t of this.noBuffer.values()) t.dispose();
    this.noBuffer.clear();
  }
}
