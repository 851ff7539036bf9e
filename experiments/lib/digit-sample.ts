// The playground's digit sample as the server hands it to the page (/data/digits.json): the sample of
// experiments/web/digits-net.ts drawn from the embedded training digits, pixels as base64 float32 bytes.
import { loadEmbeddedMnist } from '../../models/data/mnist.js';
import { digitSample } from '../web/digits-net.js';

export const DIGITS_PATH = '/data/digits.json';

export function digitSampleJson(): string {
  const sample = digitSample(loadEmbeddedMnist().train);
  const bytes = Buffer.from(sample.images.buffer, sample.images.byteOffset, sample.images.byteLength);
  return JSON.stringify({ count: sample.count, images: bytes.toString('base64'), labels: Array.from(sample.labels) });
}
