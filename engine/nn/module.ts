// Modules: the PyTorch-style way to hold a model's parameters. A Module registers its parameters
// (trainable leaf tensors), buffers (state that is saved but not trained, e.g. BatchNorm's running stats)
// and submodules by name, so the whole tree can be listed with dotted names (`encoder.0.weight`, the
// keys of a checkpoint), switched between training and evaluation, summarised and disposed.
//
//   class Net extends Module {
//     fc = this.module('fc', new Linear(4, 2));
//     forward(x: Tensor) { return this.fc.forward(x); }
//   }
//
// Parameters and buffers are `keep()`-ed, so tidy scopes never dispose them; `dispose()` frees them.
import { formatShape } from '../shape.js';
import { Tensor, keep, tidy } from '../tensor.js';
import { noGrad } from '../autograd.js';
import { zeros } from '../ops/elementwise.js';
import { getBackend } from '../runtime.js';
import { checkStateDict } from '../io/safetensors.js';

const NAME_PATTERN = /^[A-Za-z0-9_]+$/; // no dots: dots separate the levels of a dotted name

export abstract class Module {
  /** true in training mode (the default), false after eval(); BatchNorm reads it. */
  training = true;
  private readonly ownParameters = new Map<string, Tensor>();
  private readonly ownBuffers = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  /**
   * The module's computation. Subclasses declare their own inputs and outputs (most take and return
   * one tensor); Sequential requires that its children return a tensor.
   */
  abstract forward(...inputs: any[]): unknown;

  /** One line saying what this module is, e.g. `Linear(784 -> 400)`; shown by summary(). */
  describe(): string {
    return this.constructor.name;
  }

  // ---- registration ------------------------------------------------------------------------------

  /** Registers `value` as the trainable parameter `name` (keeps it and marks it as requiring a gradient). */
  protected param(name: string, value: Tensor): Tensor {
    this.checkNewName(name);
    this.ownParameters.set(name, keep(value).requireGrad());
    return value;
  }

  /** Registers `value` as the buffer `name`: saved in checkpoints, never given a gradient. */
  protected buffer(name: string, value: Tensor): Tensor {
    this.checkNewName(name);
    this.ownBuffers.set(name, keep(value));
    return value;
  }

  /** Registers a submodule under `name`; its parameters appear as `name.<its names>`. */
  protected module<M extends Module>(name: string, child: M): M {
    this.checkNewName(name);
    this.children.set(name, child);
    return child;
  }

  private checkNewName(name: string): void {
    const where = `${this.constructor.name}: cannot register "${name}"`;
    if (!NAME_PATTERN.test(name)) throw new Error(`${where} (names use letters, digits and _ only)`);
    if (this.ownParameters.has(name) || this.ownBuffers.has(name) || this.children.has(name)) {
      throw new Error(`${where} (the name is already taken)`);
    }
  }

  // ---- the tree ----------------------------------------------------------------------------------

  /** This module and every submodule, depth first, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.children) out.push(...child.namedModules(join(prefix, name)));
    return out;
  }

  /** Every parameter with its dotted name, own parameters before those of submodules (as PyTorch). */
  namedParameters(): [string, Tensor][] {
    return this.collect((m) => m.ownParameters);
  }

  /** Every buffer (running statistics) with its dotted name. */
  namedBuffers(): [string, Tensor][] {
    return this.collect((m) => m.ownBuffers);
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Parameters and buffers by dotted name: what a checkpoint holds (PyTorch's state_dict keys). */
  stateDict(): Map<string, Tensor> {
    return new Map([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /** Each state tensor's shape by dotted name, what a checkpoint must match. */
  stateShapes(): Record<string, number[]> {
    return Object.fromEntries([...this.stateDict()].map(([name, t]) => [name, [...t.shape]]));
  }

  /**
   * Overwrites every parameter and buffer in place from named host values (a safetensors file's
   * tensors). Names and shapes are all checked first, so a mismatch throws, listing every problem,
   * before anything is changed.
   */
  loadStateDict(tensors: Map<string, { shape: number[]; data: ArrayLike<number> }>, source = 'state dict'): void {
    checkStateDict(this.stateShapes(), tensors, source);
    for (const [name, t] of this.stateDict()) t.backend.write(t.storage, tensors.get(name)!.data);
  }

  /** A tensor registered in two places (shared weights) is listed once, under its first name. */
  private collect(own: (m: Module) => Map<string, Tensor>): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, t] of own(m)) {
        if (seen.has(t)) continue;
        seen.add(t);
        out.push([join(prefix, name), t]);
      }
    }
    return out;
  }

  /** Total number of parameter elements. */
  parameterCount(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  // ---- modes and housekeeping ----------------------------------------------------------------------

  /** Sets training mode on this module and every submodule. */
  train(on = true): this {
    for (const [, m] of this.namedModules()) m.training = on;
    return this;
  }

  /** Evaluation mode: BatchNorm uses its running statistics. */
  eval(): this {
    return this.train(false);
  }

  /** Drops every parameter's gradient (the next backward starts from zero). */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /** Frees every parameter and buffer of the tree (and their gradients). */
  dispose(): void {
    for (const [, t] of [...this.namedParameters(), ...this.namedBuffers()]) t.dispose();
  }

  // ---- summary -----------------------------------------------------------------------------------

  /**
   * A table of every module in the tree: dotted name, what it is, its own parameters' shapes and count,
   * and, when input shapes are given, the shape each module's forward returned for a zero input
   * (run in eval mode without gradients, so nothing is changed).
   */
  summary(...inputShapes: number[][]): string {
    const outputShapes = inputShapes.length > 0 ? this.traceOutputShapes(inputShapes) : null;
    const rows: string[][] = [['module', 'type', ...(outputShapes ? ['output'] : []), 'parameters', 'count']];
    for (const [name, m] of this.namedModules()) {
      const own = [...m.ownParameters];
      const shapes = own.map(([pName, p]) => `${pName} ${formatShape(p.shape)}`).join(', ');
      const count = own.reduce((n, [, p]) => n + p.size, 0);
      const output = outputShapes ? [outputShapes.get(m) ?? ''] : [];
      const depth = name === '' ? 0 : name.split('.').length;
      rows.push([`${'  '.repeat(depth)}${name === '' ? '(root)' : name.split('.').pop()}`, m.describe(), ...output, shapes, formatCount(count)]);
    }
    const total = this.parameterCount();
    return `${formatTable(rows)}\ntotal parameters: ${formatCount(total)}`;
  }

  /** Runs forward on zeros with every module's forward wrapped to note the shape it returns. */
  private traceOutputShapes(inputShapes: number[][]): Map<Module, string> {
    const shapes = new Map<Module, string>();
    const modules = this.namedModules().map(([, m]) => m);
    const modes = modules.map((m) => m.training);
    const backend = this.parameters()[0]?.backend ?? getBackend();
    for (const m of modules) {
      const original = m.forward;
      // an own property shadows the prototype's forward until it is deleted below
      m.forward = (...args: unknown[]) => {
        const out = original.apply(m, args);
        if (out instanceof Tensor) shapes.set(m, formatShape(out.shape));
        return out;
      };
    }
    try {
      this.eval();
      noGrad(() => tidy(() => void this.forward(...inputShapes.map((s) => zeros(s, backend)))));
    } finally {
      modules.forEach((m, i) => {
        delete (m as { forward?: unknown }).forward;
        m.training = modes[i];
      });
    }
    return shapes;
  }
}

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Left-aligned columns two spaces apart, the last (a count) right-aligned. */
function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const last = widths.length - 1;
  return rows
    .map((r) => r.map((cell, c) => (c === last ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  '))
    .join('\n');
}

/** Runs its children in order, each on the previous one's output (PyTorch's nn.Sequential). */
export class Sequential extends Module {
  readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    this.layers = layers.map((layer, i) => this.module(String(i), layer));
  }

  forward(x: Tensor): Tensor {
    let y = x;
    this.layers.forEach((layer, i) => {
      const out = layer.forward(y);
      if (!(out instanceof Tensor)) throw new Error(`Sequential: layer ${i} (${layer.describe()}) did not return a tensor`);
      y = out;
    });
    return y;
  }

  describe(): string {
    return `Sequential(${this.layers.length} layers)`;
  }
}
