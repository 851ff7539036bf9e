// How well a CycleGAN translation worked, measured on held-out images of the source domain, per direction:
//   digit kept   the fraction whose translation the digit classifier, reading the translation's
//                brightness (its largest channel, scaled so the brightest pixel is 1), assigns to the
//                source digit
//   colour hit   the fraction whose translation's colour (models/colour.ts) is the target domain's colour
//                for that digit: sigma(d) for A -> B, d for B -> A
//   cycle error  the mean absolute difference between a source image and its round trip G'(G(x))
// and, without any label or the colour permutation, on validation images (shapeColourAgreement):
//   agreement    the fraction of translations painted the colour that the real target-domain image nearest
//                to the source's shape has: a translation should colour a shape as the target domain does
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

/** Brightness maps (N, 784) of coloured images (N, 3, 28, 28): each pixel's largest channel, scaled so the image's brightest pixel is 1. */
export function brightnessMaps(x: Float32Array): Float32Array {
  const count = x.length / COLOURED_PIXELS;
  const plane = IMAGE_SIDE * IMAGE_SIDE;
  const maps = new Float32Array(count * plane);
  for (let n = 0; n < count; n++) {
    const image = x.subarray(n * COLOURED_PIXELS, (n + 1) * COLOURED_PIXELS);
    const map = maps.subarray(n * plane, (n + 1) * plane);
    let brightest = 0;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < CHANNELS; c++) map[p] = Math.max(map[p], image[c * plane + p]);
      brightest = Math.max(brightest, map[p]);
    }
    if (brightest > 0) for (let p = 0; p < plane; p++) map[p] /= brightest;
  }
  return maps;
}

/**
 * A label-free score of translations: for each source image (N, 3, 28, 28), the real image of the target
 * domain (M, 3, 28, 28) whose brightness map is nearest (squared distance) shows how that domain colours
 * the source's shape; the translation counts when it has that colour (models/colour.ts). It reads no digit
 * or colour label and not the permutation, only the target domain's own pairing of shapes with colours;
 * the shapes compared are real ones, so a translation that lost its shape scores at chance, not by luck.
 */
export function shapeColourAgreement(sources: Float32Array, translations: Float32Array, references: Float32Array): number {
  const plane = IMAGE_SIDE * IMAGE_SIDE;
  const [s, r] = [brightnessMaps(sources), brightnessMaps(references)];
  const [tColours, rColours] = [imageColours(translations), imageColours(references)];
  const N = tColours.length;
  const M = rColours.length;
  if (N === 0 || M === 0 || s.length !== N * plane) {
    throw new Error(`shapeColourAgreement: needs as many sources as translations and some references, got ${s.length / plane}, ${N} and ${M}`);
  }
  let agree = 0;
  for (let n = 0; n < N; n++) {
    let nearest = 0;
    let nearestDistance = Infinity;
    for (let m = 0; m < M; m++) {
      let distance = 0;
      for (let p = 0; p < plane; p++) {
        const d = s[n * plane + p] - r[m * plane + p];
        distance += d * d;
      }
      if (distance < nearestDistance) [nearest, nearestDistance] = [m, distance];
    }
    if (tColours[n] === rColours[nearest]) agree++;
  }
  return agree / N;
}
