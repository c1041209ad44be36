// The credential decision, as a table: which evidence allows which claim.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideAuth, sameAnswer, type Experiments } from '../src/diagnosis/credentials.js';
import type { Exchange } from '../src/net/client.js';
import { parseOAuthProblem } from '../src/oauth/problem.js';

function ex(status: number, opts: { problem?: string; body?: string; www?: string } = {}): Exchange {
  const body = opts.body ?? (opts.problem ? `oauth_problem=${opts.problem}` : '{"Message":"Authorization has been denied for this request."}');
  return {
    url: 'https://h/x',
    method: 'GET',
    signed: true,
    at: new Date(0).toISOString(),
    ms: 1,
    status,
    headers: opts.www ? { 'www-authenticate': opts.www } : {},
    clockSkewSec: 0,
    serverDate: null,
    body: { kind: 'json-object', records: 0, complete: true, cappedBy: null, bytes: body.length, excerpt: body, fields: [] },
    ...(opts.problem ? { problem: { problem: opts.problem, source: 'body' as const } } : {}),
  };
}

const generic = () => ex(401);
const ok = () => ex(200);

const TABLE: Array<[string, { ours: Exchange; skew: number | null; x: Experiments }, string, RegExp?]> = [
  ['generic 401 everywhere: not knowable', { ours: generic(), skew: 0, x: { otherMethod: generic(), fakeKey: generic(), unsigned: generic() } }, 'AUTH_REJECTED', /key.*secret.*active/is],
  ['re-signed at server time accepted: clock', { ours: generic(), skew: 1500, x: { serverTime: ok(), otherMethod: generic(), fakeKey: generic() } }, 'AUTH_CLOCK_SKEW', /25 min ahead/],
  ['other method accepted: signature method', { ours: generic(), skew: 0, x: { otherMethod: ok(), fakeKey: generic() } }, 'AUTH_SIGNATURE_METHOD', /HMAC-SHA-1/],
  ['signature_invalid', { ours: ex(401, { problem: 'signature_invalid' }), skew: 0, x: { otherMethod: ex(401, { problem: 'signature_invalid' }) } }, 'AUTH_SIGNATURE_INVALID'],
  ['consumer_key_unknown', { ours: ex(401, { problem: 'consumer_key_unknown' }), skew: 0, x: {} }, 'AUTH_CONSUMER_KEY_UNKNOWN'],
  ['consumer_key_rejected: inactive', { ours: ex(401, { problem: 'consumer_key_rejected' }), skew: 0, x: {} }, 'AUTH_PROFILE_INACTIVE', /Active/],
  ['timestamp_refused without re-sign', { ours: ex(401, { problem: 'timestamp_refused' }), skew: null, x: {} }, 'AUTH_CLOCK_SKEW'],
  ['signature_method_rejected', { ours: ex(401, { problem: 'signature_method_rejected' }), skew: 0, x: {} }, 'AUTH_SIGNATURE_METHOD'],
  ['unspecific reason stays AUTH_REJECTED', { ours: ex(401, { problem: 'parameter_rejected' }), skew: 0, x: {} }, 'AUTH_REJECTED'],
  ['made-up key answered differently: key is known, still not specific', { ours: ex(401, { body: '{"Message":"Invalid signature"}' }), skew: 0, x: { fakeKey: ex(401, { body: '{"Message":"Unknown consumer"}' }) } }, 'AUTH_REJECTED', /^(?!.*consumer key is not the one)/s],
  ['clock far off but re-sign also rejected: not the clock', { ours: generic(), skew: 1500, x: { serverTime: generic(), otherMethod: generic(), fakeKey: generic() } }, 'AUTH_REJECTED'],
];

for (const [name, e, code, text] of TABLE) {
  test(`decideAuth: ${name}`, () => {
    const v = decideAuth({ ours: e.ours, skewSec: e.skew, method: 'HMAC-SHA1', experiments: e.x });
    assert.deepEqual(v.findings.map((f) => f.code), [code]);
    if (text) assert.match(v.findings[0]!.message + ' ' + v.findings[0]!.fix, text);
    assert.equal(v.findings[0]!.owner, 'district');
  });
}

test('AUTH_REJECTED lists the key only when a made-up key could not rule it out', () => {
  const same = decideAuth({ ours: generic(), skewSec: 0, method: 'HMAC-SHA1', experiments: { fakeKey: generic() } });
  assert.match(same.findings[0]!.message, /consumer key/);
  const differs = decideAuth({ ours: ex(401, { body: 'a' }), skewSec: 0, method: 'HMAC-SHA1', experiments: { fakeKey: ex(401, { body: 'b' }) } });
  assert.doesNotMatch(differs.findings[0]!.message, /consumer key is not/);
  assert.ok(differs.reasoning.some((r) => /does know this consumer key/.test(r)));
});

test('sameAnswer ignores timestamps and nonces in bodies but not different statuses', () => {
  assert.ok(sameAnswer(ex(401, { body: 'denied at 12:00:01 id 123456789' }), ex(401, { body: 'denied at 12:00:02 id 987654321' })));
  assert.ok(!sameAnswer(ex(401), ex(403)));
});

test('parseOAuthProblem reads header, form body, JSON body', () => {
  assert.equal(parseOAuthProblem('OAuth realm="x", oauth_problem="signature_invalid"', '')?.problem, 'signature_invalid');
  const form = parseOAuthProblem(undefined, 'oauth_problem=timestamp_refused&oauth_problem_advice=clock%20off');
  assert.deepEqual([form?.problem, form?.advice], ['timestamp_refused', 'clock off']);
  assert.equal(parseOAuthProblem(undefined, '{"oauth_problem": "consumer_key_unknown"}')?.problem, 'consumer_key_unknown');
  assert.equal(parseOAuthProblem('OAuth realm="x"', '{"Message":"denied"}'), undefined);
});

test('parseOAuthProblem reads the accepted timestamp range', () => {
  const p = parseOAuthProblem(undefined, 'oauth_problem=timestamp_refused&oauth_acceptable_timestamps=1717171000-1717171600');
  assert.deepEqual(p?.acceptableTimestamps, [1717171000, 1717171600]);
});

test('a run forced to HMAC-SHA256 against a SHA-1 profile blames the run, not the profile', () => {
  const v = decideAuth({ ours: generic(), skewSec: 0, method: 'HMAC-SHA256', experiments: { otherMethod: ok() } });
  assert.equal(v.findings[0]!.code, 'AUTH_SIGNATURE_METHOD');
  assert.equal(v.findings[0]!.owner, 'vendor');
  assert.match(v.findings[0]!.fix, /without --signature-method/);
});

test('answers that differ only by trace ids, GUIDs or times count as the same answer', () => {
  const a = ex(401, { body: '{"type":"x","title":"Unauthorized","status":401,"traceId":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"}' });
  const b = ex(401, { body: '{"type":"x","title":"Unauthorized","status":401,"traceId":"00-1cf92f3577b34da6a3ce929d0e0e4799-11f067aa0ba902b8-00"}' });
  assert.ok(sameAnswer(a, b));
  assert.ok(sameAnswer(ex(401, { body: 'denied 0HN7GQ2S1JQ4C:00000003' }), ex(401, { body: 'denied 0HN7GQ2S1JQ4D:00000007' })));
  assert.ok(sameAnswer(ex(401, { body: 'ref 3f2504e0-4f89-11d3-9a0c-0305e82c3301' }), ex(401, { body: 'ref 7c9e6679-7425-40de-944b-e07fc1f90ae7' })));
  assert.ok(!sameAnswer(ex(401, { body: '{"Message":"Invalid signature"}' }), ex(401, { body: '{"Message":"Unknown consumer"}' })));
});
