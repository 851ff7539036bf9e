// Checkpoints and resumable training runs: `E.train.saveCheckpoint(...)`, `E.train.runTraining({...})`.
export { saveCheckpoint, loadCheckpoint, type Optimizers } from './checkpoint.js';
