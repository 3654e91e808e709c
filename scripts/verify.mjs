// `npm run verify [-- --fast] [-- --only <check>]`: the reliability suite over the packaged .vsix
// (tests/verify, compiled by tsc into out/). VERIFY_OUT_DIR points at another tsc output folder.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from './lib.mjs';

const require = createRequire(import.meta.url);
const { main } = require(join(root, process.env.VERIFY_OUT_DIR || 'out', 'tests', 'verify', 'index.js'));
const started = Date.now();
try {
  const code = await main(process.argv.slice(2));
  // On stderr: the last line of stdout is the tally.
  console.error(`verify took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exitCode = code;
} catch (e) {
  console.error(`verify: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 2;
}
