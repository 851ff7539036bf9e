// Optimizers: `new E.optim.Adam(model.parameters(), { lr: 1e-3 })`, then per step zeroGrad / backward / step.
export { Optimizer, type ParameterState } from './optimizer.js';
export { Adam, type AdamOptions } from './adam.js';
export { SGD, type SgdOptions } from './sgd.js';
export { constantLr, stepLr, linearDecayLr, type LrSchedule } from './schedule.js';
