// Shape arithmetic shared by every layer, from the backends up: element counts, row-major strides and the
// way shapes are written in messages. A leaf module: it imports nothing.

/** The number of elements of a tensor of this shape (1 for a scalar, shape []). */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Row-major strides of a contiguous tensor: strides[d] = prod(shape[d+1:]). */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d];
  }
  return strides;
}

/** "[2, 3]": how every error message writes a shape. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
