// The simulator over real HTTPS, signed by a tiny signer kept here on purpose: it shares no code
// with src/sim/verify.ts nor with the product's client, so a bug in either shows up as a failure.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { PRESETS, startSimulator, type RunningSimulator, type SimConfig } from '../src/sim/index.js';
import { computeSignature, parseAuthorization, signatureBaseString } from '../src/sim/verify.js';

// ---- test-only signer ----------------------------------------------------------------------

const enc = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

interface SignOpts {
  key: string;
  secret: string;
  method?: string;
  sigMethod?: 'HMAC-SHA1' | 'HMAC-SHA256';
  timestamp?: number | string;
  nonce?: string;
}

function testSign(url: string, o: SignOpts): { header: string; base: string; signature: string } {
  const u = new URL(url);
  const oauth: Array<[string, string]> = [
    ['oauth_consumer_key', o.key],
    ['oauth_nonce', o.nonce ?? randomBytes(12).toString('hex')],
    ['oauth_signature_method', o.sigMethod ?? 'HMAC-SHA1'],
    ['oauth_timestamp', String(o.timestamp ?? Math.floor(Date.now() / 1000))],
    ['oauth_version', '1.0'],
  ];
  const params = [...u.searchParams, ...oauth]
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .sort();
  const base = [o.method ?? 'GET', enc(`${u.protocol}//${u.host}${u.pathname}`), enc(params.join('&'))].join('&');
  const algo = (o.sigMethod ?? 'HMAC-SHA1') === 'HMAC-SHA1' ? 'sha1' : 'sha256';
  const signature = createHmac(algo, `${enc(o.secret)}&`).update(base).digest('base64');
  const header =
    'OAuth realm="PLUS360", ' +
    [...oauth, ['oauth_signature', signature]].map(([k, v]) => `${k}="${enc(v!)}"`).join(', ');
  return { header, base, signature };
}

// ---- HTTPS helper ----------------------------------------------------------------------------

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(sim: RunningSimulator, url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, ca: sim.caPem, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A signed GET with the vendor's credentials unless told otherwise. */
function signedGet(sim: RunningSimulator, url: string, o: Partial<SignOpts> = {}): Promise<Res> {
  const { header } = testSign(url, { key: sim.vendorKey, secret: sim.vendorSecret, ...o });
  return get(sim, url, { Authorization: header });
}

const ep = (sim: RunningSimulator, resource: string, query = ''): string =>
  `${sim.baseUrl}${sim.config.pathStyle === 'flat' ? '' : 'eSchoolPLUS/'}${resource}${query}`;

async function withSim(
  opts: { preset?: string; config?: Partial<SimConfig>; secret?: string },
  fn: (sim: RunningSimulator) => Promise<void>,
): Promise<void> {
  const sim = await startSimulator(opts);
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
}

const problemOf = (r: Res): string | undefined => /oauth_problem="([^"]+)"/.exec(String(r.headers['www-authenticate']))?.[1];
const DENIED = { Message: 'Authorization has been denied for this request.' };

// ---- verify.ts unit checks -------------------------------------------------------------------

test('verify: RFC 5849 §3.4.1.1 example base string (query, header and form body)', () => {
  const base = signatureBaseString({
    method: 'POST',
    scheme: 'http',
    host: 'Example.com:80',
    path: '/request',
    query: 'b5=%3D%253D&a3=a&c%40=&a2=r%20b',
    authParams: [
      ['realm', 'Example'],
      ['oauth_consumer_key', '9djdj82h48djs9d2'],
      ['oauth_token', 'kkk9d7dh3k39sjv7'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131201'],
      ['oauth_nonce', '7d8f3e4a'],
      ['oauth_signature', 'bYT5CMsGcbgUdFHObYMEfcx6bsw='],
    ],
    formBody: 'c2&a3=2+q',
  });
  assert.equal(
    base,
    'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
  );
});

test('verify: district GET example signs to the known HMAC-SHA1 value', () => {
  const auth = [
    ['oauth_consumer_key', 'demo-district-key-7f3a'],
    ['oauth_nonce', 'kq8Jt2NzX4vLp9Rs'],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_timestamp', '1717171717'],
    ['oauth_version', '1.0'],
  ] as Array<[string, string]>;
  const base = signatureBaseString({
    method: 'GET',
    scheme: 'https',
    host: 'HAC.district.org:443',
    path: '/plus360api/v1/abc/Student',
    query: 'limit=5',
    authParams: auth,
  });
  assert.equal(computeSignature('HMAC-SHA1', base, 'demo-secret-9Qm2Lx'), '570WqJdVL94kJN+mUuIf62QPm3A=');
  // The test signer must agree too, or the server tests below prove nothing.
  const mine = testSign('https://hac.district.org/plus360api/v1/abc/Student?limit=5', {
    key: 'demo-district-key-7f3a',
    secret: 'demo-secret-9Qm2Lx',
    nonce: 'kq8Jt2NzX4vLp9Rs',
    timestamp: '1717171717',
  });
  assert.equal(mine.signature, '570WqJdVL94kJN+mUuIf62QPm3A=');
  assert.equal(mine.base, base);
});

test('verify: shared signing vectors (when present)', (t) => {
  const file = new URL('../../../shared/vectors/oauth1-signing.json', import.meta.url);
  if (!existsSync(file)) return t.skip('vectors not found');
  const vectors = JSON.parse(readFileSync(file, 'utf8')) as Array<Record<string, string | null>>;
  for (const v of vectors) {
    const m = /^(https?):\/\/([^/?]+)([^?]*)(?:\?(.*))?$/.exec(v.url!)!;
    const authParams = parseAuthorization(v.expectedAuthorizationHeader!);
    assert.ok(authParams, v.id!);
    const base = signatureBaseString({
      method: v.method!,
      scheme: m[1]!,
      host: m[2]!,
      path: m[3]!,
      query: m[4] ?? '',
      authParams,
      formBody: v.body ?? undefined,
    });
    assert.equal(base, v.expectedBaseString, v.id!);
    const sig = computeSignature(v.signatureMethod as 'HMAC-SHA1', base, v.consumerSecret!, v.tokenSecret ?? '');
    assert.equal(sig, v.expectedSignature, v.id!);
  }
});

// ---- server behaviour ------------------------------------------------------------------------

test('healthy: signed requests get records on every endpoint; unsigned get a generic 401', async () => {
  await withSim({ preset: 'healthy' }, async (sim) => {
    assert.match(sim.baseUrl, /^https:\/\/127\.0\.0\.1:\d+\/plus360api\/v1\/demo\/$/);
    const r = await signedGet(sim, ep(sim, 'Student'));
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    assert.match(String(r.headers.server), /IIS/);
    const students = JSON.parse(r.body) as Array<Record<string, unknown>>;
    assert.equal(students.length, 40);
    const schools = JSON.parse((await signedGet(sim, ep(sim, 'School'))).body) as Array<Record<string, unknown>>;
    assert.equal(schools.length, 4);
    const codes = new Set(schools.map((s) => s.SchoolId));
    for (const s of students) {
      assert.match(String(s.BirthDate), /^\d{4}-\d{2}-\d{2}$/);
      assert.ok(codes.has(s.Building), `building ${String(s.Building)}`);
      assert.ok(s.FirstName && s.LastName && s.StudentId && s.Grade);
    }
    assert.ok(students.some((s) => s.EnrollmentStatus === 'P'));
    assert.ok(students.some((s) => s.OutOfDistrict === true));
    for (const res of ['Contact', 'ContactAddress', 'ContactPhone', 'StudentContact', 'UDRegUser']) {
      const x = await signedGet(sim, ep(sim, res));
      assert.equal(x.status, 200, res);
      assert.ok((JSON.parse(x.body) as unknown[]).length > 0, res);
    }
    // Case-insensitive resource and a trailing slash are tolerated, as on IIS.
    assert.equal((await signedGet(sim, `${sim.baseUrl}eschoolplus/student/`)).status, 200);

    const unsigned = await get(sim, ep(sim, 'Student'));
    assert.equal(unsigned.status, 401);
    assert.deepEqual(JSON.parse(unsigned.body), DENIED);
    assert.equal(unsigned.headers['www-authenticate'], 'OAuth realm="PLUS360"');
    assert.equal(sim.requests.at(-1)?.verdict, 'parameter_absent');
    assert.ok(sim.requests.some((l) => l.verdict === 'ok' && l.consumerKey === sim.vendorKey && l.nonce));
  });
});

test('wrong secret and unknown key: the same generic 401', async () => {
  let wrongSecret = '';
  await withSim({ preset: 'wrong-secret' }, async (sim) => {
    assert.notEqual(sim.vendorSecret, sim.config.consumerSecret);
    const r = await signedGet(sim, ep(sim, 'School'));
    assert.equal(r.status, 401);
    wrongSecret = r.body;
    assert.equal(sim.requests.at(-1)?.verdict, 'signature_invalid');
  });
  await withSim({ preset: 'unknown-key' }, async (sim) => {
    const r = await signedGet(sim, ep(sim, 'School'));
    assert.equal(r.status, 401);
    assert.equal(r.body, wrongSecret);
    assert.equal(sim.requests.at(-1)?.verdict, 'consumer_key_unknown');
  });
  await withSim({ preset: 'wrong-secret', secret: 'custom-secret-abc' }, async (sim) => {
    assert.equal(sim.config.consumerSecret, 'custom-secret-abc');
    assert.notEqual(sim.vendorSecret, 'custom-secret-abc');
  });
});

test('oauth_problem style names each cause in header and body', async () => {
  const cases: Array<[string, string, Partial<SignOpts>?]> = [
    ['wrong-secret', 'signature_invalid'],
    ['unknown-key', 'consumer_key_unknown'],
    ['sha256-profile', 'signature_method_rejected'],
    ['inactive', 'consumer_key_rejected'],
    ['healthy', 'timestamp_refused', { timestamp: Math.floor(Date.now() / 1000) - 3600 }],
  ];
  for (const [preset, problem, o] of cases) {
    await withSim({ preset, config: { errorStyle: 'oauth_problem' } }, async (sim) => {
      const r = await signedGet(sim, ep(sim, 'School'), o);
      assert.equal(r.status, 401, preset);
      assert.equal(r.headers['www-authenticate'], `OAuth realm="PLUS360", oauth_problem="${problem}"`);
      assert.equal(r.headers['content-type'], 'application/x-www-form-urlencoded');
      const body = new URLSearchParams(r.body);
      assert.equal(body.get('oauth_problem'), problem);
      assert.ok(body.get('oauth_problem_advice'));
    });
  }
  await withSim({ preset: 'sha256-profile', config: { errorStyle: 'oauth_problem' } }, async (sim) => {
    assert.equal((await signedGet(sim, ep(sim, 'School'), { sigMethod: 'HMAC-SHA256' })).status, 200);
    const r = await get(sim, ep(sim, 'School'), { Authorization: 'Basic Zm9vOmJhcg==' });
    assert.equal(problemOf(r), 'parameter_absent');
  });
});

test('unsubscribed endpoints: 401 or 403, others still 200', async () => {
  await withSim({ preset: 'missing-subscriptions' }, async (sim) => {
    assert.equal((await signedGet(sim, ep(sim, 'School'))).status, 200);
    const r = await signedGet(sim, ep(sim, 'ContactPhone'));
    assert.equal(r.status, 401);
    assert.deepEqual(JSON.parse(r.body), DENIED);
    assert.equal((await signedGet(sim, ep(sim, 'UDRegUser'))).status, 401);
    assert.equal(sim.requests.at(-1)?.verdict, 'permission_denied');
  });
  await withSim({ preset: 'forbidden' }, async (sim) => {
    const r = await signedGet(sim, ep(sim, 'ContactPhone'));
    assert.equal(r.status, 403);
    assert.deepEqual(JSON.parse(r.body), { Message: 'Access denied.' });
    sim.setConfig({ errorStyle: 'oauth_problem' });
    const p = await signedGet(sim, ep(sim, 'UDRegUser'));
    assert.equal(p.status, 403);
    assert.equal(new URLSearchParams(p.body).get('oauth_problem'), 'permission_denied');
  });
  await withSim({ preset: 'demo' }, async (sim) => {
    assert.equal((await signedGet(sim, ep(sim, 'Contact'))).status, 401);
    assert.equal((await signedGet(sim, ep(sim, 'ContactPhone'))).status, 401);
    const s = JSON.parse((await signedGet(sim, ep(sim, 'Student'))).body) as Array<Record<string, unknown>>;
    assert.ok(s.length > 0 && s.every((x) => !('BirthDate' in x)));
  });
});

test('a replayed nonce is refused', async () => {
  await withSim({ config: { errorStyle: 'oauth_problem' } }, async (sim) => {
    const url = ep(sim, 'School');
    const { header } = testSign(url, { key: sim.vendorKey, secret: sim.vendorSecret });
    assert.equal((await get(sim, url, { Authorization: header })).status, 200);
    const again = await get(sim, url, { Authorization: header });
    assert.equal(again.status, 401);
    assert.equal(problemOf(again), 'nonce_used');
  });
});

test('clock offset shows in the Date header and decides the timestamp check', async () => {
  await withSim({ preset: 'clock-skew', config: { errorStyle: 'oauth_problem' } }, async (sim) => {
    const r = await signedGet(sim, ep(sim, 'School'));
    const skew = (Date.parse(String(r.headers.date)) - Date.now()) / 1000;
    assert.ok(Math.abs(skew - 1500) < 5, `skew ${skew}`);
    assert.equal(r.status, 401);
    assert.equal(problemOf(r), 'timestamp_refused');
    const acceptable = new URLSearchParams(r.body).get('oauth_acceptable_timestamps');
    assert.match(String(acceptable), /^\d+-\d+$/);
    const serverNow = Math.floor(Date.parse(String(r.headers.date)) / 1000);
    assert.equal((await signedGet(sim, ep(sim, 'School'), { timestamp: serverNow })).status, 200);
  });
  await withSim({}, async (sim) => {
    const old = Math.floor(Date.now() / 1000) - 301 - 5;
    assert.equal((await signedGet(sim, ep(sim, 'School'), { timestamp: old })).status, 401);
    assert.equal(sim.requests.at(-1)?.verdict, 'timestamp_refused');
  });
});

test('routing: other path style, wrong code and base URL answer as documented', async () => {
  await withSim({}, async (sim) => {
    const flat = await signedGet(sim, `${sim.baseUrl}Student`);
    assert.equal(flat.status, 404);
    assert.match((JSON.parse(flat.body) as { Message: string }).Message, /^No HTTP resource was found/);
    const unsignedFlat = await get(sim, `${sim.baseUrl}Student`);
    assert.equal(unsignedFlat.status, 404, 'route 404 comes before auth');
    assert.equal((await get(sim, `${sim.origin}/plus360api/v1/xyz/eSchoolPLUS/Student`)).status, 404);
    assert.equal((await get(sim, `${sim.baseUrl}eSchoolPLUS/Teacher`)).status, 404);
    assert.equal((await get(sim, sim.baseUrl)).status, 401);
    assert.equal((await signedGet(sim, sim.baseUrl)).status, 404);
  });
  await withSim({ preset: 'wrapper' }, async (sim) => {
    assert.equal((await signedGet(sim, `${sim.baseUrl}eSchoolPLUS/Student`)).status, 404);
    const r = await signedGet(sim, `${sim.baseUrl}Student`);
    assert.equal(r.status, 200);
    const body = JSON.parse(r.body) as { data: Array<Record<string, unknown>>; totalCount: number };
    assert.equal(body.totalCount, 40);
    assert.equal(body.data.length, 40);
    assert.match(String(body.data[0]!.DateOfBirth), /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(!('BirthDate' in body.data[0]!));
  });
});

test('HTML pages: HAC sign-in, IIS 404, and not-installed', async () => {
  await withSim({ preset: 'not-installed' }, async (sim) => {
    const api = await signedGet(sim, ep(sim, 'Student'));
    assert.equal(api.status, 404);
    assert.match(String(api.headers['content-type']), /^text\/html/);
    assert.match(api.body, /404 - File or directory not found\./);
    const hac = await get(sim, `${sim.origin}/homeaccess/account/logon`);
    assert.equal(hac.status, 200);
    assert.match(hac.body, /<title>Home Access Center/);
    assert.equal((await get(sim, `${sim.origin}/`)).status, 200);
    const other = await get(sim, `${sim.origin}/favicon.ico`);
    assert.equal(other.status, 404);
    assert.match(other.body, /File or directory not found/);
  });
});

test('Date of Birth variants', async () => {
  const fetchStudents = async (preset: string | undefined, config: Partial<SimConfig> = {}) => {
    let rows: Array<Record<string, unknown>> = [];
    await withSim({ preset, config }, async (sim) => {
      rows = JSON.parse((await signedGet(sim, ep(sim, 'Student'))).body) as Array<Record<string, unknown>>;
    });
    return rows;
  };
  assert.ok((await fetchStudents('dob-off')).every((s) => !('BirthDate' in s)));
  assert.ok((await fetchStudents('dob-null')).every((s) => 'BirthDate' in s && s.BirthDate === null));
  assert.ok((await fetchStudents(undefined, { dob: 'empty' })).every((s) => s.BirthDate === ''));
  const partial = await fetchStudents('dob-partial');
  const empty = partial.filter((s) => s.BirthDate === '').length;
  assert.ok(empty > 0 && empty < partial.length / 3, `empty ${empty}/${partial.length}`);
  assert.ok(partial.filter((s) => /^\d{4}-\d{2}-\d{2}$/.test(String(s.BirthDate))).length === partial.length - empty);
  // Deterministic: a second server serves the same people.
  assert.deepEqual(await fetchStudents('dob-partial'), partial);
});

test('paging honours limit and offset only when enabled', async () => {
  await withSim({ config: { paging: true } }, async (sim) => {
    const page = JSON.parse((await signedGet(sim, ep(sim, 'Student', '?limit=5&offset=10'))).body) as Array<{ StudentId: string }>;
    assert.deepEqual(page.map((s) => s.StudentId), ['100011', '100012', '100013', '100014', '100015']);
    const tail = JSON.parse((await signedGet(sim, ep(sim, 'Student', '?offset=38&limit=10'))).body) as unknown[];
    assert.equal(tail.length, 2);
    sim.setConfig({ shape: 'wrapper' });
    const w = JSON.parse((await signedGet(sim, ep(sim, 'Student', '?limit=3'))).body) as { data: unknown[]; totalCount: number };
    assert.equal(w.data.length, 3);
    assert.equal(w.totalCount, 40);
  });
  await withSim({}, async (sim) => {
    const all = JSON.parse((await signedGet(sim, ep(sim, 'Student', '?limit=5&offset=10'))).body) as unknown[];
    assert.equal(all.length, 40);
  });
});

test('setConfig changes behaviour while running', async () => {
  await withSim({}, async (sim) => {
    assert.equal((await signedGet(sim, ep(sim, 'ContactPhone'))).status, 200);
    sim.setConfig({ subscribed: sim.config.subscribed.filter((r) => r !== 'ContactPhone') });
    assert.equal((await signedGet(sim, ep(sim, 'ContactPhone'))).status, 401);
    assert.equal((await signedGet(sim, ep(sim, 'School'))).status, 200);
    sim.setConfig({ active: false });
    assert.equal((await signedGet(sim, ep(sim, 'School'))).status, 401);
    assert.equal(sim.requests.at(-1)?.verdict, 'consumer_key_rejected');
    sim.setConfig({ active: true, signatureMethods: ['HMAC-SHA256'] });
    assert.equal((await signedGet(sim, ep(sim, 'School'))).status, 401);
    assert.equal((await signedGet(sim, ep(sim, 'School'), { sigMethod: 'HMAC-SHA256' })).status, 200);
  });
});

test('large lists stream as valid JSON; latency is applied', async () => {
  await withSim({ config: { counts: { schools: 6, students: 20_000, contacts: 10 }, latencyMs: 150 } }, async (sim) => {
    const t0 = Date.now();
    const r = await signedGet(sim, ep(sim, 'Student'));
    assert.ok(Date.now() - t0 >= 140);
    assert.equal(r.headers['content-length'], undefined, 'sent chunked, not buffered');
    const rows = JSON.parse(r.body) as Array<{ StudentId: string }>;
    assert.equal(rows.length, 20_000);
    assert.equal(rows[19_999]!.StudentId, '120000');
  });
});

test('piiValues covers the people served and avoids ordinary words', async () => {
  await withSim({}, async (sim) => {
    const pii = new Set(sim.piiValues());
    const students = JSON.parse((await signedGet(sim, ep(sim, 'Student'))).body) as Array<Record<string, string>>;
    const contacts = JSON.parse((await signedGet(sim, ep(sim, 'Contact'))).body) as Array<Record<string, string>>;
    const phones = JSON.parse((await signedGet(sim, ep(sim, 'ContactPhone'))).body) as Array<Record<string, string>>;
    const addresses = JSON.parse((await signedGet(sim, ep(sim, 'ContactAddress'))).body) as Array<Record<string, string>>;
    for (const s of students) for (const k of ['FirstName', 'LastName', 'BirthDate']) assert.ok(pii.has(s[k]!), s[k]);
    for (const c of contacts) for (const k of ['FirstName', 'LastName', 'Email']) assert.ok(pii.has(c[k]!), c[k]);
    for (const p of phones) assert.ok(pii.has(p.Phone!));
    for (const a of addresses) assert.ok(pii.has(a.Street!));
    const words = ['student', 'contact', 'school', 'pass', 'fail', 'warn', 'district', 'missing', 'date', 'birth'];
    for (const v of pii) assert.ok(!words.includes(v.toLowerCase()) && v.length >= 5, v);
  });
});

test('TLS: certificate is trusted only through caPem and names 127.0.0.1 and localhost', async () => {
  await withSim({}, async (sim) => {
    await assert.rejects(
      new Promise((resolve, reject) => {
        const req = request(sim.origin + '/', { agent: false }, resolve);
        req.on('error', reject);
        req.end();
      }),
      /self[- ]signed/i,
    );
    const port = new URL(sim.origin).port;
    const r = await get(sim, `https://localhost:${port}/`);
    assert.equal(r.status, 200);
  });
});

test('presets: every one has a summary and starts; unknown names are refused', async () => {
  for (const [name, p] of Object.entries(PRESETS)) {
    assert.equal(p.name, name);
    assert.ok(p.summary.length > 10 && !p.summary.includes('\n'), name);
  }
  for (const name of ['healthy', 'missing-subscriptions', 'dob-off', 'dob-null', 'dob-partial', 'wrong-secret',
    'unknown-key', 'clock-skew', 'sha256-profile', 'inactive', 'not-installed', 'wrapper', 'forbidden', 'demo']) {
    assert.ok(PRESETS[name], name);
  }
  await assert.rejects(startSimulator({ preset: 'nope' }), /Unknown simulator preset/);
});
