// The engine's Node entry: the core (engine/index.ts, which runs in browsers too) plus what needs a file
// system: checkpoints on disk and resumable training runs (`E.train`). `import * as E from './engine/node.js'`.
export * from './index.js';
export * as train from './train/index.js';
