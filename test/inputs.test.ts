import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanValue, crossChecks, fingerprint, maskKey } from '../src/inputs.js';

test('surrounding white space is trimmed and reported as a warning', () => {
  const r = cleanValue('consumerSecret', '  abcdefghijklmnop\n');
  assert.equal(r.value, 'abcdefghijklmnop');
  assert.equal(r.issues.length, 1);
  assert.equal(r.issues[0]!.serious, false);
  assert.match(r.issues[0]!.problem, /line break/);
  assert.ok(!r.issues[0]!.problem.includes('abcdefghijklmnop'));
});

test('quotes, zero-width and control characters are reported by position, never by value', () => {
  const q = cleanValue('consumerKey', '"OneRoster_ABC_123"');
  assert.equal(q.value, 'OneRoster_ABC_123');
  assert.ok(q.issues.some((i) => /quotation/.test(i.problem) && i.serious));
  const z = cleanValue('consumerSecret', 'abc\u200Bdefghijkl');
  assert.equal(z.value, 'abcdefghijkl');
  assert.match(z.issues[0]!.problem, /invisible character \(U\+200B\) at character 4/);
  const c = cleanValue('consumerSecret', 'abcdef\u0007ghijkl');
  assert.match(c.issues[0]!.problem, /control character/);
});

test('swapped, duplicated and short secrets are noticed', () => {
  assert.ok(crossChecks('OneRoster_ABC_123', 'OneRoster_ABC_123').some((i) => /identical/.test(i.problem)));
  assert.ok(crossChecks('abcdefghijklmnopqrstu', 'OneRoster_ABC_123').some((i) => /swapped/.test(i.problem)));
  assert.ok(crossChecks('OneRoster_ABC_123', 'short').some((i) => /5 characters/.test(i.problem)));
  assert.deepEqual(crossChecks('OneRoster_ABC_123', 'a-long-and-plausible-secret-value'), []);
});

test('fingerprint is short and stable; key mask keeps prefix and suffix only', () => {
  assert.match(fingerprint('x'), /^sha256:[0-9a-f]{8}$/);
  assert.equal(fingerprint('same'), fingerprint('same'));
  assert.notEqual(fingerprint('same'), fingerprint('Same'));
  assert.equal(maskKey('OneRoster_ABC_123'), 'OneR…_123');
  assert.equal(maskKey('abc'), 'a…');
});
