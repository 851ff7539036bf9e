// The module layer: `import * as E from './engine/index.js'` then `new E.nn.Linear(4, 2)`, `E.nn.mse(...)`.
export { Module, Sequential } from './module.js';
export { Linear, ReLU, LeakyReLU, Sigmoid, Tanh, Flatten, Unflatten } from './layers.js';
export { BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './batchnorm.js';
export { Conv2d, ConvTranspose2d, MaxPool2d, AvgPool2d, Upsample } from './conv.js';
export { defaultInitBound, uniformInit } from './init.js';
export { assign } from '../ops/assign.js';
export * from './losses.js';
