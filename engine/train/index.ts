// Checkpoints and resumable training runs (Node only, through engine/node.ts): `E.train.saveCheckpoint(...)`,
// `E.train.runTraining({...})`.
export { saveCheckpoint, loadCheckpoint, type Optimizers } from './checkpoint.js';
export { runTraining, runPaths, checkFiniteLoss, type EpochContext, type EpochEnd, type EpochRecord, type TrainingRunOptions, type TrainingRunResult } from './run.js';
export { checkRunName } from './names.js';
export type { StepRecord } from './step-log.js';
