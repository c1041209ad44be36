#!/usr/bin/env node
// Entry point: the compiled CLI lives in dist/ (built by `npm run build`, run by `npm test` and `npm run demo`).
import('../dist/src/cli.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist')) {
    process.stderr.write('esp-doctor: not built yet. Run `npm ci && npm run build` in the esp-doctor folder first.\n');
    process.exit(3);
  }
  process.stderr.write(`esp-doctor: could not start: ${err && err.message ? err.message : err}\n`);
  process.exit(3);
});
