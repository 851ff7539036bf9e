// Fetches the four gzip-compressed MNIST IDX files into data/mnist/, checking each against its
// published SHA-256 (the values tensorflow-datasets records for these files), from the first mirror
// that works. Files already present with the right hash are kept. Without a network connection the
// project still runs: loadMnist() falls back to the 10,000 digits embedded in the `mnist` package.
//   usage: node dist/experiments/data-download.mjs
import { join } from 'node:path';
import { DEFAULT_MNIST_DIR, IDX_FILES } from '../models/data/mnist.js';
import { downloadVerified, hasVerifiedFile } from './lib/verified-download.js';
import { commandLine, toolCommand } from './lib/command.js';

const MIRRORS = ['https://storage.googleapis.com/cvdf-datasets/mnist/', 'https://ossci-datasets.s3.amazonaws.com/mnist/'];

/** SHA-256 of each .gz file (sizes: 9,912,422 / 28,881 / 1,648,877 / 4,542 bytes). */
const SHA256: Record<string, string> = {
  [IDX_FILES.trainImages]: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
  [IDX_FILES.trainLabels]: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
  [IDX_FILES.testImages]: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
  [IDX_FILES.testLabels]: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
};

const COMMAND = toolCommand('data-download', 'fetches full MNIST into data/mnist/, each file checked against its SHA-256', {});

async function main(): Promise<void> {
  if (!commandLine(COMMAND)) return;
  for (const name of Object.values(IDX_FILES)) {
    const fileName = `${name}.gz`;
    const path = join(DEFAULT_MNIST_DIR, fileName);
    if (hasVerifiedFile(path, SHA256[name])) {
      console.log(`${path}: present, SHA-256 verified`);
      continue;
    }
    const url = await downloadVerified(
      MIRRORS.map((mirror) => mirror + fileName),
      path,
      SHA256[name],
    );
    console.log(`${path}: downloaded from ${url}, SHA-256 verified`);
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  console.error(
    `\nMNIST download failed. Nothing incomplete was left in ${DEFAULT_MNIST_DIR}/. ` +
      `The embedded digits (10,000 images from the \`mnist\` package, split 8,000 / 2,000) still work: ` +
      `loadMnist() uses them whenever ${DEFAULT_MNIST_DIR}/ has no IDX files.`,
  );
  process.exitCode = 1;
});
