// npm run runs: writes runs/index.html, a page of every run under runs/ (what trained it, its preset, the
// headline metrics of its last epoch, epochs, wall time, a link to its report) with a chart that overlays
// the curves of the runs ticked in its table (experiments/lib/report/runs-index.ts). Open the file in a
// browser, or `npm run serve` and visit /runs/index.html.
//   npm run runs -- [--root runs]
import { commandLine, toolCommand } from './lib/command.js';
import { writeRunsIndex } from './lib/report/runs-index.js';

const COMMAND = toolCommand('runs', 'writes <root>/index.html: a table of every run and an overlay chart of their curves', {
  root: { default: 'runs', help: 'the folder of run directories' },
});

const parsed = commandLine(COMMAND);
if (parsed) {
  const { path, runs } = writeRunsIndex(parsed.flags.root);
  console.log(`wrote ${path} (${runs.length} runs)`);
}
