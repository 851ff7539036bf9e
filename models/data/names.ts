// What the ten classes of a data source are called, for titles and legends. Fashion-MNIST ships as IDX
// files with the same names and shapes as MNIST's, so the one sign of it is where the files are: a source
// (the directory loadMnist read) whose path names "fashion" is Fashion-MNIST, anything else MNIST.
export interface DataSetNames {
  /** the data set in a title: 'MNIST' or 'Fashion-MNIST' */
  title: string;
  /** what one label is: 'digit' or 'class' */
  item: string;
  /** the name of label k */
  classes: readonly string[];
}

export const MNIST_NAMES: DataSetNames = {
  title: 'MNIST',
  item: 'digit',
  classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
};

export const FASHION_MNIST_NAMES: DataSetNames = {
  title: 'Fashion-MNIST',
  item: 'class',
  classes: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
};

/** The names for a data source ('embedded' or a directory of IDX files). */
export function dataSetNames(source: string): DataSetNames {
  return /fashion/i.test(source) ? FASHION_MNIST_NAMES : MNIST_NAMES;
}
