// Path discovery and the Date of Birth verdict against servers that behave unlike the simulator,
// through the real Session and HttpClient with an in-memory transport.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpClient, type Transport } from '../src/net/client.js';
import { Session } from '../src/session.js';
import { runSteps } from '../src/runner.js';
import { stepsFor } from '../src/commands/diagnose.js';
import { authOutcome } from '../src/checks/auth.js';

const BASE = 'https://hac.example.test/plus360api/v1/abc/';
const RESOURCES = ['School', 'UDRegUser', 'Contact', 'ContactAddress', 'ContactPhone', 'StudentContact', 'Student'];

interface Behaviour {
  /** Where real endpoints live: 'prefixed' = {base}eSchoolPLUS/X, 'flat' = {base}X. */
  style: 'prefixed' | 'flat';
  unsubscribed?: string[];
  unknownPath: { status: number; body: string };
  student?: string;
}

function transport(b: Behaviour): Transport {
  return async (url) => {
    const path = new URL(url).pathname.replace('/plus360api/v1/abc/', '');
    const want = b.style === 'prefixed' ? /^eSchoolPLUS\/(\w+)$/ : /^(\w+)$/;
    const m = want.exec(path);
    let status = b.unknownPath.status;
    let body = b.unknownPath.body;
    if (m && RESOURCES.includes(m[1]!)) {
      if (b.unsubscribed?.includes(m[1]!)) {
        status = 401;
        body = '{"Message":"Authorization has been denied for this request."}';
      } else {
        status = 200;
        body = m[1] === 'Student' && b.student !== undefined ? b.student : JSON.stringify([{ Id: 1, BirthDate: '2012-01-02' }, { Id: 2, BirthDate: '2011-03-04' }]);
      }
    }
    const bytes = Buffer.from(body);
    return {
      status,
      headers: { 'content-type': 'application/json', date: new Date().toUTCString() },
      body: (async function* () {
        yield bytes;
      })(),
      abort: () => undefined,
    };
  };
}

function session(b: Behaviour): Session {
  const client = new HttpClient({ timeoutMs: 5000, transport: transport(b) });
  return new Session(
    { baseUrl: BASE, consumerKey: 'OneRoster_ABC_123', consumerSecret: 'a-made-up-secret-value', hygiene: [] },
    { timeoutMs: 5000, signatureMethod: 'HMAC-SHA1', sampleSize: 500, readAll: false, bodyTimeoutMs: 30_000, concurrency: 4, showPii: false },
    client,
  );
}

test('School unsubscribed and unknown paths answering 401: discovery widens and finds the flat paths', async () => {
  const s = session({ style: 'flat', unsubscribed: ['School'], unknownPath: { status: 401, body: '{"Message":"Authorization has been denied for this request."}' } });
  const d = await s.discover();
  assert.equal(d.template, '{base}{resource}');
  const o = await authOutcome(s);
  assert.equal(o.state, 'accepted');
  const missing = (await s.probeAll()).filter((p) => p.answer === 'rejected').map((p) => p.endpoint.resource);
  assert.deepEqual(missing, ['School']);
});

test('unknown paths answering an empty 200: the path with records wins', async () => {
  const s = session({ style: 'flat', unknownPath: { status: 200, body: '[]' } });
  assert.equal((await s.discover()).template, '{base}{resource}');
});

test('the usual case needs no widening: two requests for discovery', async () => {
  const s = session({ style: 'prefixed', unknownPath: { status: 404, body: '{"Message":"No HTTP resource was found"}' } });
  const d = await s.discover();
  assert.equal(d.template, '{base}eSchoolPLUS/{resource}');
  assert.equal(d.tried.length, 2);
});

async function dobStep(b: Behaviour) {
  const s = session(b);
  const steps = stepsFor('dob-check').filter((st) => st.id === 'auth' || st.id === 'dob');
  const results = await runSteps(s, steps);
  return results.find((r) => r.id === 'dob')!.checks[0]!;
}

test('dob-check fails (never passes silently) when Student cannot be read', async () => {
  const c = await dobStep({ style: 'prefixed', unsubscribed: ['Student'], unknownPath: { status: 404, body: '{}' } });
  assert.equal(c.status, 'fail');
  assert.deepEqual(c.findings?.map((f) => `${f.code}:${f.resource}`), ['SUBSCRIPTION_MISSING:Student']);
});

test('an empty Student list is a failure of its own', async () => {
  for (const student of ['[]', '{"data":[]}', '[1,2,null]']) {
    const c = await dobStep({ style: 'prefixed', unknownPath: { status: 404, body: '{}' }, student });
    assert.equal(c.status, 'fail', student);
    assert.deepEqual(c.findings?.map((f) => f.code), ['NO_STUDENT_RECORDS'], student);
  }
});

test('a Student read stopped by a warning-level answer still fails, and the finding says so', async () => {
  const s = session({ style: 'prefixed', unknownPath: { status: 404, body: '{}' } });
  const t = transport({ style: 'prefixed', unknownPath: { status: 404, body: '{}' } });
  const client = new HttpClient({
    timeoutMs: 5000,
    transport: async (url, init) => (url.endsWith('/Student') ? { status: 429, headers: { 'content-type': 'text/plain' }, body: (async function* () { yield Buffer.from('slow down'); })(), abort: () => undefined } : t(url, init)),
  });
  const s2 = new Session(s.inputs, { ...s.opts, timeoutMs: 2000 }, client);
  const results = await runSteps(s2, stepsFor('dob-check').filter((st) => st.id === 'auth' || st.id === 'dob'));
  const c = results.find((r) => r.id === 'dob')!.checks[0]!;
  assert.equal(c.status, 'fail');
  assert.deepEqual(c.findings?.map((f) => [f.code, f.severity]), [['RATE_LIMITED', 'fail']]);
  assert.match(c.findings![0]!.message, /Date of Birth could not be checked/);
});
