// In-place assignment: copies one tensor's values into another's storage, for state that must keep its
// identity while its values change (BatchNorm's running statistics, checkpoints restored on the device).
// It records no gradient: assign to buffers and parameters outside the graph, never to a tensor a
// recorded backward rule still reads.
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';

/** target[i] = value[i] for every element; the shapes must hold the same number of elements. */
export function assign(target: Tensor, value: Tensor): void {
  if (target.size !== value.size || target.backend !== value.backend) {
    throw new Error(
      `assign: cannot copy ${formatShape(value.shape)} on ${value.backend.name} into ${formatShape(target.shape)} on ${target.backend.name}`,
    );
  }
  if (target.storage === value.storage) return;
  const n = target.size;
  target.backend.run('copy', [value.storage], [target.storage], { shape: [n], inOffset: 0, inStrides: [1], outOffset: 0, outStrides: [1] });
}
