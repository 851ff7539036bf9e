// Reverse-mode automatic differentiation. An op whose inputs need gradients records a GradNode on its
// output: the inputs and a backward rule mapping the output's gradient dy to one gradient per input.
// Rules are written with the same ops, so backward runs on whichever backend the tensors live on.
// backward() walks the recorded graph in reverse topological order; a gradient whose shape is a broadcast
// of its input's shape is summed back to that shape here, once, so rules need not do it.
import { formatShape } from './shape.js';
import { Tensor, keep, peekNextTensorId } from './tensor.js';
// The one circle left in the engine's imports: every op calls record() from here, and backward() seeds and
// accumulates gradients with ops (onesLike, add, sumToShape), as backward rules are written with ops.
// Neither side calls the other while its module loads, only inside functions, so the order is harmless.
import { add, onesLike } from './ops/elementwise.js';
import { sumToShape } from './ops/reduce.js';

export interface GradNode {
  op: string;
  inputs: Tensor[];
  /** dy has the output's shape; returns, per input, its gradient (or null where none flows) */
  backward: (dy: Tensor) => (Tensor | null)[];
}

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs fn without recording gradients (inference, optimizer updates, backward rules). */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** Called by every op on its output: records how to differentiate it when an input needs a gradient. */
export function record(out: Tensor, op: string, inputs: Tensor[], backward: GradNode['backward']): Tensor {
  if (gradEnabled && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out.node = { op, inputs, backward };
  }
  return out;
}

/** The same values without the graph behind them (gradients stop here). */
export function detach(t: Tensor): Tensor {
  return t.alias();
}

/** Tensors reachable from root through recorded nodes, inputs before outputs. */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: [Tensor, boolean][] = [[root, false]];
  while (stack.length > 0) {
    const [t, inputsDone] = stack.pop()!;
    if (inputsDone) {
      order.push(t);
      continue;
    }
    if (visited.has(t)) continue;
    visited.add(t);
    stack.push([t, true]);
    for (const input of t.node?.inputs ?? []) if (input.requiresGrad && !visited.has(input)) stack.push([input, false]);
  }
  return order;
}

/**
 * Accumulates d(root)/d(leaf) into leaf.grad for every leaf that requires a gradient. root must have one
 * element unless a seed gradient of root's shape is given. Intermediate gradients are freed as soon as
 * they have been propagated; leaf gradients are kept (they belong to their tensor).
 */
export function backward(root: Tensor, seed?: Tensor): void {
  if (!root.requiresGrad) throw new Error(`backward(): tensor #${root.id} does not require a gradient`);
  if (!seed && root.size !== 1) {
    throw new Error(`backward(): tensor has shape ${formatShape(root.shape)}; pass a seed gradient for a non-scalar`);
  }
  if (seed && seed.size !== root.size) {
    throw new Error(`backward(): seed shape ${formatShape(seed.shape)} does not match ${formatShape(root.shape)}`);
  }
  noGrad(() => {
    const grads = new Map<Tensor, Tensor>();
    grads.set(root, seed ? seed.alias(root.shape) : onesLike(root));
    const order = topologicalOrder(root);
    for (let k = order.length - 1; k >= 0; k--) {
      const t = order[k];
      const dy = grads.get(t);
      if (!dy) continue;
      grads.delete(t);
      if (!t.node) {
        accumulateLeaf(t, dy);
        continue;
      }
      propagate(t.node, dy, grads);
      dy.dispose();
    }
  });
}

function propagate(node: GradNode, dy: Tensor, grads: Map<Tensor, Tensor>): void {
  const firstFresh = peekNextTensorId();
  const results = node.backward(dy);
  const seen = new Set<Tensor>();
  node.inputs.forEach((input, i) => {
    let g = results[i];
    if (!g || !input.requiresGrad) return;
    // A rule may return dy itself, an existing tensor, or one tensor twice: take a handle of our own.
    if (g.id < firstFresh || seen.has(g)) g = g.alias();
    seen.add(g);
    const shaped = sumToShape(g, input.shape);
    if (shaped !== g) g.dispose();
    const previous = grads.get(input);
    if (previous) {
      grads.set(input, add(previous, shaped));
      previous.dispose();
      shaped.dispose();
    } else {
      grads.set(input, shaped);
    }
  });
  for (const g of results) if (g && g.id >= firstFresh && !seen.has(g)) g.dispose();
}

function accumulateLeaf(leaf: Tensor, g: Tensor): void {
  if (leaf.grad) {
    const sum = add(leaf.grad, g);
    leaf.grad.dispose();
    g.dispose();
    leaf.grad = keep(sum);
  } else {
    leaf.grad = keep(g);
  }
}
