// The module layer: `import * as E from './engine/index.js'` then `new E.nn.Linear(4, 2)`, `E.nn.mse(...)`.
export { Module, Sequential } from './module.js';
export { Linear, ReLU, LeakyReLU, Sigmoid, Tanh, Flatten, Unflatten } from './layers.js';
export { defaultInitBound, uniformInit } from './init.js';
export * from './losses.js';
