// The optimizer base: a list of parameter tensors, their per-parameter state (step count and state
// tensors such as Adam's moments, allocated up front and updated in place), zeroGrad(), and the hooks a
// checkpoint needs to save and restore that state. Subclasses implement step() with one fused kernel per
// parameter tensor, so an update never allocates.
import { formatShape } from '../shape.js';
import { Tensor, keep } from '../tensor.js';

export interface ParameterState {
  /** how many updates this parameter has received (PyTorch counts per parameter too) */
  step: number;
  /** named state tensors of the parameter's shape, PyTorch's names (`exp_avg`, `momentum_buffer`) */
  tensors: Record<string, Tensor>;
}

export abstract class Optimizer {
  readonly params: Tensor[];
  protected readonly state = new Map<Tensor, ParameterState>();

  protected constructor(
    readonly name: string,
    params: Iterable<Tensor>,
    /** the learning rate; schedules set it between epochs */
    public lr: number,
  ) {
    this.params = [...params];
    if (this.params.length === 0) throw new Error(`${name}: no parameters to optimise`);
    if (new Set(this.params).size !== this.params.length) throw new Error(`${name}: a parameter is listed twice`);
    checkHyperparameter(name, 'lr', lr, 0);
    for (const p of this.params) {
      if (!p.requiresGrad || p.node) throw new Error(`${name}: ${p} is not a leaf tensor that requires a gradient`);
    }
  }

  /** Applies one update to every parameter that has a gradient (those without one are skipped). */
  abstract step(): void;

  /** The hyperparameters a checkpoint records and restores (lr included). */
  abstract hyperparameters(): Record<string, number>;
  abstract setHyperparameters(values: Record<string, number>): void;

  /** Drops every parameter's gradient, as PyTorch's zero_grad(set_to_none=True). */
  zeroGrad(): void {
    for (const p of this.params) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /** The state of parameter p (step count and state tensors, which the optimizer owns). */
  stateOf(p: Tensor): ParameterState {
    const s = this.state.get(p);
    if (!s) throw new Error(`${this.name}: ${p} is not one of this optimizer's parameters`);
    return s;
  }

  /** Frees the state tensors (the parameters belong to their module). */
  dispose(): void {
    for (const s of this.state.values()) for (const t of Object.values(s.tensors)) t.dispose();
    this.state.clear();
  }

  /** Records state tensors for p, kept so tidy scopes leave them alone. */
  protected initState(p: Tensor, tensors: Record<string, Tensor>): void {
    for (const t of Object.values(tensors)) keep(t);
    this.state.set(p, { step: 0, tensors });
  }

  /** p's gradient, checked to match p (a mismatch would be a bug in a backward rule). */
  protected gradientOf(p: Tensor): Tensor | null {
    const g = p.grad;
    if (g && (g.size !== p.size || g.backend !== p.backend)) {
      throw new Error(`${this.name}: gradient ${formatShape(g.shape)} on ${g.backend.name} does not match parameter ${p}`);
    }
    return g;
  }
}

/** Throws unless value is a finite number >= min (and < below, when given). */
export function checkHyperparameter(where: string, name: string, value: number, min: number, below?: number): void {
  const ok = Number.isFinite(value) && value >= min && (below === undefined || value < below);
  if (!ok) throw new Error(`${where}: ${name} = ${value} must be >= ${min}${below === undefined ? '' : ` and < ${below}`}`);
}
