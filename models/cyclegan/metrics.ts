// How well a CycleGAN translation worked, measured on held-out images of the source domain, per direction:
//   digit kept   the fraction whose translation the digit classifier, reading the translation's
//                brightness (its largest channel, scaled so the brightest pixel is 1), assigns to the
//                source digit
//   colour hit   the fraction whose translation's colour (models/colour.ts) is the target domain's colour
//                for that digit: sigma(d) for A -> B, d for B -> A
//   cycle error  the mean absolute difference between a source image and its round trip G'(G(x))
import * as E from '../../engine/index.js';
import { COLOURED_PIXELS, CHANNELS, type ColouredDigits } from '../data/coloured-mnist.js';
import { DIGITS, IMAGE_SIDE } from '../data/digits.js';
import { imageColours } from '../colour.js';
import { accuracy, argmaxRows, normalisedBrightness, predictDigits, type DigitClassifier } from '../classifier.js';

export interface TranslationMetrics {
  digitKept: number;
  colourHit: number;
  cycleError: number;
}

export interface TranslationResult {
  metrics: TranslationMetrics;
  /** G(x) and G'(G(x)) of every source image, (N, 3, 28, 28) on the host, for figures */
  translations: Float32Array;
  reconstructions: Float32Array;
}

const EVAL_BATCH = 250;

/** A translation: images (B, 3, 28, 28) -> images (B, 3, 28, 28), e.g. x => gan.translate('AB', x). */
export type Translate = (x: E.Tensor) => E.Tensor;

/**
 * Translates every image of `source` with `forward`, brings it back with `backward`, and scores the
 * translations; `targetColour(d)` is the colour the target domain paints digit d in.
 */
export async function evaluateTranslation(
  forward: Translate,
  backward: Translate,
  classifier: DigitClassifier,
  source: ColouredDigits,
  targetColour: (digit: number) => number,
): Promise<TranslationResult> {
  const N = source.count;
  if (N === 0) throw new Error('evaluateTranslation: no source images');
  const translations = new Float32Array(N * COLOURED_PIXELS);
  const reconstructions = new Float32Array(N * COLOURED_PIXELS);
  const predicted = new Int32Array(N);
  let absoluteErrorSum = 0;
  const classifierWasTraining = classifier.training;
  classifier.eval();
  for (let start = 0; start < N; start += EVAL_BATCH) {
    const size = Math.min(EVAL_BATCH, N - start);
    const pixels = source.x.subarray(start * COLOURED_PIXELS, (start + size) * COLOURED_PIXELS);
    const outputs = E.noGrad(() =>
      E.tidy(() => {
        const x = E.fromValues(pixels, [size, CHANNELS, IMAGE_SIDE, IMAGE_SIDE]);
        const translated = forward(x);
        const reconstructed = backward(translated);
        return {
          translated,
          reconstructed,
          absoluteError: E.sum(E.abs(E.sub(reconstructed, x))),
          logits: classifier.forward(normalisedBrightness(translated)),
        };
      }),
    );
    translations.set(await outputs.translated.toArray(), start * COLOURED_PIXELS);
    reconstructions.set(await outputs.reconstructed.toArray(), start * COLOURED_PIXELS);
    predicted.set(argmaxRows(await outputs.logits.toArray(), DIGITS), start);
    absoluteErrorSum += await outputs.absoluteError.item();
    Object.values(outputs).forEach((t) => t.dispose());
  }
  classifier.train(classifierWasTraining);
  const colours = imageColours(translations);
  let kept = 0;
  let hits = 0;
  for (let i = 0; i < N; i++) {
    if (predicted[i] === source.digit[i]) kept++;
    if (colours[i] === targetColour(source.digit[i])) hits++;
  }
  return {
    metrics: { digitKept: kept / N, colourHit: hits / N, cycleError: absoluteErrorSum / (N * COLOURED_PIXELS) },
    translations,
    reconstructions,
  };
}

/** The classifier's accuracy on real coloured images (read the same way as translations): digit kept's ceiling. */
export async function colouredDigitAccuracy(classifier: DigitClassifier, data: ColouredDigits): Promise<number> {
  const x = E.fromValues(data.x, [data.count, CHANNELS, IMAGE_SIDE, IMAGE_SIDE]);
  const grey = E.noGrad(() => normalisedBrightness(x));
  const predicted = await predictDigits(classifier, grey);
  x.dispose();
  grey.dispose();
  return accuracy(predicted, data.digit);
}
