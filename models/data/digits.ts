// What a digit image is, shared by the loaders (mnist.ts, Node) and everything that runs in a browser too.
export const IMAGE_SIDE = 28;
export const PIXELS = IMAGE_SIDE * IMAGE_SIDE; // 784
export const DIGITS = 10;

/** N grey digits: images is (N, 784) row-major with values in [0, 1]; labels is (N,) in 0..9. */
export interface GreyDigits {
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}
