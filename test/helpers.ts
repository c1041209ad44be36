// Paths and small utilities shared by the tests.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, whether running from test/ (ts) or dist/test/ (compiled). */
export const ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!dir.endsWith('/dist') && !dir.endsWith('\\dist') && dirname(dir) !== dir && !/[\\/]main$/.test(dir)) {
    if (dir.endsWith('test')) return resolve(dir, dir.includes('dist') ? '../..' : '..');
    dir = dirname(dir);
  }
  return resolve(dir, '..');
})();

export const BIN = resolve(ROOT, 'bin/esp-doctor.js');
