// Learning-rate schedules: functions from the (0-based) epoch to the learning rate, set on an optimizer
// at the start of each epoch (`optimizer.lr = schedule(epoch)`). Being plain functions of the epoch, they
// need no state of their own, so a resumed run picks up the right rate from the epoch alone.
import { checkHyperparameter } from './optimizer.js';

export type LrSchedule = (epoch: number) => number;

function checkEpoch(where: string, epoch: number): void {
  if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`${where}: epoch must be an integer >= 0, got ${epoch}`);
}

/** The same rate every epoch. */
export function constantLr(lr: number): LrSchedule {
  checkHyperparameter('constantLr', 'lr', lr, 0);
  return (epoch) => {
    checkEpoch('constantLr', epoch);
    return lr;
  };
}

/** lr * gamma^floor(epoch / stepSize), as torch.optim.lr_scheduler.StepLR. */
export function stepLr(lr: number, { stepSize, gamma = 0.1 }: { stepSize: number; gamma?: number }): LrSchedule {
  checkHyperparameter('stepLr', 'lr', lr, 0);
  checkHyperparameter('stepLr', 'gamma', gamma, 0);
  if (!Number.isInteger(stepSize) || stepSize < 1) throw new Error(`stepLr: stepSize must be a positive integer, got ${stepSize}`);
  return (epoch) => {
    checkEpoch('stepLr', epoch);
    return lr * gamma ** Math.floor(epoch / stepSize);
  };
}

/**
 * lr for the first `constantEpochs` epochs, then a linear decay over `decayEpochs` epochs:
 *   lr * (1 - max(0, epoch + 1 - constantEpochs) / (decayEpochs + 1))
 * so the last decaying epoch uses lr / (decayEpochs + 1), and 0 after that (CycleGAN's 'linear' policy).
 */
export function linearDecayLr(lr: number, { constantEpochs, decayEpochs }: { constantEpochs: number; decayEpochs: number }): LrSchedule {
  checkHyperparameter('linearDecayLr', 'lr', lr, 0);
  if (!Number.isInteger(constantEpochs) || constantEpochs < 0 || !Number.isInteger(decayEpochs) || decayEpochs < 1) {
    throw new Error(`linearDecayLr: constantEpochs (${constantEpochs}) must be an integer >= 0 and decayEpochs (${decayEpochs}) >= 1`);
  }
  return (epoch) => {
    checkEpoch('linearDecayLr', epoch);
    const decayed = Math.max(0, epoch + 1 - constantEpochs) / (decayEpochs + 1);
    return lr * Math.max(0, 1 - decayed);
  };
}
