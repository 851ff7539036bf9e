import * as E from '../engine/index.js';
import { CycleGan } from '../models/cyclegan.js';
import { PALETTE, paletteColour } from '../models/data/coloured-mnist.js';
import { nearestPaletteColour } from '../models/colour.js';
import { readFileSync } from 'node:fs';
await E.setBackend('cpu');
const run = process.argv[2];
const cfg = JSON.parse(readFileSync(`runs/${run}/config.json`, 'utf8')).model;
const gan = new CycleGan(cfg);
await E.train.loadCheckpoint(`runs/${run}/checkpoint.safetensors`, gan);
// a 10-pixel "image" per brightness: (1, 3, 1, 10): pixel k = g * palette colour k
for (const g of [1, 0.6]) {
  const vals = new Array(3*784).fill(0);
  for (let k = 0; k < 10; k++) paletteColour(k).forEach((v, c) => (vals[c * 784 + k] = v * g));
  const x = E.fromValues(vals, [1, 3, 28, 28]);
  for (const [name, f, back] of [['AB', gan.gAB, gan.gBA], ['BA', gan.gBA, gan.gAB]] as const) {
    const y = f.forward(x) as E.Tensor; const yy = await y.toArray(); const rr = await (back.forward(y) as E.Tensor).toArray();
    for (let k = 0; k < 10; k++) {
      const rgb = [0, 1, 2].map((c) => yy[c * 784 + k]); const r2 = [0, 1, 2].map((c) => rr[c * 784 + k]);
      console.log(`g=${g} ${name} ${PALETTE[k].name.padEnd(8)} -> ${rgb.map((v) => v.toFixed(2)).join(' ')} (${PALETTE[nearestPaletteColour(rgb as any)].name}) back ${r2.map((v) => v.toFixed(2)).join(' ')}`);
    }
  }
}
