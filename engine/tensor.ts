// The Tensor: a shape, a handle to backend storage (shared by reshapes, freed when the last holder is
// disposed), and the autograd fields (requiresGrad, grad, and the node that produced it). Tensors are
// float32 on the GPU and float64 on the CPU backend, always contiguous and row-major.
//
// Memory: every tensor created inside `tidy(fn)` is disposed when fn returns, except the tensors fn
// returns (they move to the enclosing scope) and tensors marked with `keep()` (parameters, optimizer state,
// gradients of leaves).
import { formatShape, sizeOf, stridesOf } from './shape.js';
import type { Backend, Storage } from './backend/backend.js';
import { getBackend } from './runtime.js';
// A type-only import, erased at build time: autograd sits above the tensor and imports it.
import type { GradNode } from './autograd.js';

let nextId = 0;

/** The id the next tensor will get; autograd uses it to tell fresh tensors from existing ones. */
export function peekNextTensorId(): number {
  return nextId;
}

class SharedStorage {
  holders = 1;
  constructor(
    readonly backend: Backend,
    readonly storage: Storage,
  ) {}
}

export class Tensor {
  readonly id = nextId++;
  readonly shape: readonly number[];
  readonly size: number;
  requiresGrad = false;
  grad: Tensor | null = null;
  node: GradNode | null = null;
  /** kept tensors are never disposed by a tidy scope */
  kept = false;
  private shared: SharedStorage | null;

  /** Wraps storage the caller allocated on `backend` (ops use `Tensor.empty` or `alias`). */
  constructor(shape: readonly number[], shared: SharedStorage) {
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new Error(`tensor: invalid shape ${formatShape(shape)}`);
    }
    this.shape = Object.freeze([...shape]);
    this.size = sizeOf(shape);
    this.shared = shared;
    track(this);
  }

  /** A new tensor with uninitialised storage on `backend` (the op that calls this fills it). */
  static empty(shape: readonly number[], backend: Backend = getBackend()): Tensor {
    return new Tensor(shape, new SharedStorage(backend, backend.alloc(sizeOf(shape))));
  }

  /** A new tensor sharing this tensor's storage under another shape of the same size (no copy). */
  alias(shape: readonly number[] = this.shape): Tensor {
    const shared = this.sharedStorage();
    if (sizeOf(shape) !== this.size) {
      throw new Error(`alias: cannot view ${formatShape(this.shape)} as ${formatShape(shape)}`);
    }
    shared.holders++;
    return new Tensor(shape, shared);
  }

  get rank(): number {
    return this.shape.length;
  }

  get backend(): Backend {
    return this.sharedStorage().backend;
  }

  get storage(): Storage {
    return this.sharedStorage().storage;
  }

  get disposed(): boolean {
    return this.shared === null;
  }

  get strides(): number[] {
    return stridesOf(this.shape);
  }

  private sharedStorage(): SharedStorage {
    if (!this.shared) throw new Error(`tensor #${this.id} ${formatShape(this.shape)} was used after dispose()`);
    return this.shared;
  }

  /** Frees this tensor's hold on its storage (and its gradient). Safe to call twice. */
  dispose(): void {
    const shared = this.shared;
    if (!shared) return;
    this.shared = null;
    this.node = null;
    untrack(this);
    if (--shared.holders === 0) shared.backend.free(shared.storage);
    this.grad?.dispose();
    this.grad = null;
  }

  /** Reads the values back to the host (waits for the kernels that produce them). */
  async toArray(): Promise<Float32Array | Float64Array> {
    return this.backend.read(this.storage);
  }

  /** The value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new Error(`item(): tensor has shape ${formatShape(this.shape)}, not one element`);
    return (await this.toArray())[0];
  }

  /** Marks this tensor as a leaf whose gradient backward() should compute. */
  requireGrad(on = true): this {
    if (this.node) throw new Error(`requireGrad(): tensor #${this.id} is not a leaf (made by '${this.node.op}')`);
    this.requiresGrad = on;
    return this;
  }

  toString(): string {
    return `Tensor#${this.id}${formatShape(this.shape)} on ${this.shared?.backend.name ?? 'disposed'}`;
  }
}

/** Wraps fresh storage holding `values` (already the right length) as a tensor. */
export function fromValues(values: ArrayLike<number>, shape: readonly number[], backend: Backend = getBackend()): Tensor {
  if (values.length !== sizeOf(shape)) {
    throw new Error(`tensor: ${values.length} values do not fill shape ${formatShape(shape)}`);
  }
  const t = Tensor.empty(shape, backend);
  backend.write(t.storage, values);
  return t;
}

// ---- scopes ------------------------------------------------------------------------------------------

const scopes: Set<Tensor>[] = [];

function track(t: Tensor): void {
  scopes[scopes.length - 1]?.add(t);
}

function untrack(t: Tensor): void {
  for (const scope of scopes) scope.delete(t);
}

/** Exempts tensors from every tidy scope (parameters, optimizer state); dispose them yourself. */
export function keep<T extends Tensor>(t: T): T {
  t.kept = true;
  untrack(t);
  return t;
}

function collectTensors(value: unknown, into: Set<Tensor>): void {
  if (value instanceof Tensor) into.add(value);
  else if (Array.isArray(value)) value.forEach((v) => collectTensors(v, into));
  else if (value && typeof value === 'object' && !(value instanceof Promise)) {
    Object.values(value).forEach((v) => collectTensors(v, into));
  }
}

/**
 * Runs fn and disposes every tensor it created except those it returns (in a Tensor, array or plain
 * object), which move to the enclosing scope. fn must be synchronous: await readbacks outside.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
    if (result instanceof Promise) throw new Error('tidy(fn): fn must be synchronous (await readbacks outside tidy)');
  } catch (error) {
    scopes.pop();
    for (const t of scope) t.dispose();
    throw error;
  }
  scopes.pop();
  const returned = new Set<Tensor>();
  collectTensors(result, returned);
  for (const t of scope) {
    if (returned.has(t)) track(t);
    else t.dispose();
  }
  return result;
}
