// The browser bundles (dist/web/*.js, built by build.mjs) load no Node module and not Dawn at their top: the
// engine's core imports none, and Node-only code (the tuning file, Dawn) is imported dynamically behind checks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';

test('no page bundle has a static import of a Node module or of the webgpu package', () => {
  const bundles = readdirSync('dist/web').filter((f) => f.endsWith('.js'));
  assert.ok(bundles.length >= 2, `bundles: ${bundles.join(', ')}`);
  for (const file of bundles) {
    const staticImports = readFileSync(`dist/web/${file}`, 'utf8')
      .split('\n')
      .filter((line) => /^import\s.*from\s+["'](node:|webgpu["'])/.test(line));
    assert.equal(staticImports, [], `${file} imports at its top`);
  }
});

test.run();
