// Hundreds of malformed bodies and headers, generated here, pushed through the real response path:
// analyseBody, then HttpClient with a fake transport, answerOf and the endpoint classifier. Nothing
// may throw past the classifier, and each answer must get a kind that matches what it is.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { analyseBody, type BodyKind } from '../src/net/body.js';
import { HttpClient, type Transport, type TransportResponse } from '../src/net/client.js';
import { answerOf, type Probe } from '../src/session.js';
import { endpointFindings, overallOf, rowOf } from '../src/diagnosis/endpoints.js';
import { DobCounter } from '../src/data/dob.js';
import { ENDPOINTS } from '../src/catalog.js';
import { Retrier, retryAfterMs } from '../src/net/retry.js';

const enc = new TextEncoder();

/** A deterministic generator, so a failure names a case that can be re-run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

async function* chunks(bytes: Uint8Array, sizes: () => number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; ) {
    const n = Math.max(1, sizes());
    yield bytes.subarray(i, i + n);
    i += n;
  }
}

function splitters(seed: number): Array<[string, () => number]> {
  const r = rng(seed);
  return [
    ['whole', () => 1 << 30],
    ['1-byte', () => 1],
    ['random', () => 1 + Math.floor(r() * 97)],
  ];
}

const LIMITS = { maxRecords: Infinity, maxBytes: 8 * 1024 * 1024, deadline: Date.now() + 60_000 };

const student = (i: number) => ({ StudentId: i, FirstName: `Name${i}`, BirthDate: `2010-01-${String((i % 28) + 1).padStart(2, '0')}`, Note: 'é ✓ "q" \\ \u2028' });
const VALID_DOCS: Array<[string, string, number]> = [
  ['array', JSON.stringify([1, 2, 3].map(student)), 3],
  ['wrapper', JSON.stringify({ total: 2, data: [student(1), student(2)] }), 2],
  ['nested-wrapper', JSON.stringify({ meta: { page: 1 }, result: { items: [student(1)] } }), 1],
  ['object', JSON.stringify(student(7)), 1],
  ['empty-array', '[]', 0],
  ['scalars', '[1,"two",null,true,false,-3.5e2]', 6],
  ['pretty', JSON.stringify([student(1), student(2)], null, 2), 2],
];

describe('analyseBody on generated bodies', () => {
  test('valid JSON, in any chunking, gives the right kind and record count', async () => {
    let n = 0;
    for (const [name, doc, records] of VALID_DOCS) {
      for (const prefix of ['', '\uFEFF', '  \r\n\t', ' '.repeat(5000)]) {
        for (const [how, sizes] of splitters(name.length)) {
          const s = await analyseBody(chunks(enc.encode(prefix + doc), sizes), 'application/json', LIMITS);
          assert.ok(s.kind.startsWith('json'), `${name}/${how}/prefix ${prefix.length}: ${s.kind} ${s.parseError ?? ''}`);
          assert.equal(s.records, records, `${name}/${how}`);
          assert.equal(s.complete, true);
          n++;
        }
      }
    }
    assert.ok(n >= 80);
  });

  test('every truncation of a JSON document is invalid JSON (or empty), never data', async () => {
    let n = 0;
    for (const [name, doc] of VALID_DOCS) {
      const step = Math.max(1, Math.floor(doc.length / 25));
      for (let k = 0; k < doc.length; k += step) {
        const s = await analyseBody(chunks(enc.encode(doc.slice(0, k)), splitters(k)[2]![1]), 'application/json', LIMITS);
        assert.equal(s.kind, k === 0 ? 'empty' : 'invalid-json', `${name} cut at ${k}: ${s.kind}`);
        n++;
      }
    }
    assert.ok(n >= 100, `${n} truncations`);
  });

  test('random one-character corruptions agree with JSON.parse', async () => {
    const r = rng(42);
    const junk = ['x', '}', ']', ',', ':', '"', '\\', '\u0000', '\u0007', '\n', '0', '-', '{', '[', 'ü', '\uFFFD'];
    let n = 0;
    let invalid = 0;
    for (let i = 0; i < 300; i++) {
      const [name, doc] = VALID_DOCS[i % VALID_DOCS.length]!;
      const at = 1 + Math.floor(r() * (doc.length - 1));
      const c = junk[Math.floor(r() * junk.length)]!;
      const mutated = r() < 0.5 ? doc.slice(0, at) + c + doc.slice(at) : doc.slice(0, at) + c + doc.slice(at + 1);
      let parses = true;
      try {
        JSON.parse(mutated);
      } catch {
        parses = false;
      }
      const s = await analyseBody(chunks(enc.encode(mutated), splitters(i)[i % 3]![1]), 'application/json', LIMITS);
      const expected: BodyKind[] = parses ? ['json-array', 'json-wrapper', 'json-object'] : ['invalid-json'];
      assert.ok(expected.includes(s.kind), `${name} with ${JSON.stringify(c)} at ${at}: JSON.parse ${parses ? 'accepts' : 'rejects'}, analyseBody says ${s.kind} (${s.parseError ?? ''})\n${mutated.slice(Math.max(0, at - 20), at + 20)}`);
      if (!parses) invalid++;
      n++;
    }
    assert.ok(invalid > 100, `${invalid} of ${n} corruptions were invalid`);
  });

  const odd: Array<[string, Uint8Array, BodyKind[], string?]> = [
    ['html page', enc.encode('<!DOCTYPE html><html><head><title>Sign In - Home Access Center</title></head><body>x</body></html>'), ['html'], 'text/html'],
    ['iis 500 page', enc.encode('<html><head><title>500 - Internal server error.</title></head><body><h2>500 - Internal server error.</h2></body></html>'), ['html'], 'text/html'],
    ['html sent as json', enc.encode('<html><body><h1>Runtime Error</h1></body></html>'), ['html'], 'application/json'],
    ['xml', enc.encode('<?xml version="1.0"?><Error><Message>Authorization has been denied</Message></Error>'), ['xml'], 'application/xml'],
    ['soap fault', enc.encode('<s:Envelope xmlns:s="x"><s:Body><s:Fault/></s:Body></s:Envelope>'), ['xml', 'html'], 'text/xml'],
    ['plain text', enc.encode('Unauthorized'), ['text'], 'text/plain'],
    ['empty', new Uint8Array(0), ['empty']],
    ['only blanks', enc.encode(' \r\n'.repeat(10_000)), ['empty']],
    ['nul bytes', new Uint8Array(100), ['binary']],
    ['nul inside json', enc.encode('[{"a":1}\u0000,{"b":2}]'), ['invalid-json']],
    ['gzip json', gzipSync(Buffer.from(JSON.stringify([student(1)]))), ['binary']],
    ['gzip bomb head', gzipSync(Buffer.alloc(4_000_000, 0x5b)), ['binary']],
    ['invalid utf-8 in json string', Uint8Array.from([...enc.encode('[{"a":"'), 0xff, 0xfe, 0xc3, ...enc.encode('"}]')]), ['json-array']],
    ['invalid utf-8 at start', Uint8Array.from([0xff, 0xfe, 0xfd, ...enc.encode('hello')]), ['text', 'binary']],
    ['utf-16 json', Buffer.from('\uFEFF[{"a":1}]', 'utf16le'), ['binary', 'text', 'invalid-json']],
    // Deeper than 10 000 levels is refused (the tokenizer would keep a frame per level).
    ['100k nested arrays', enc.encode('['.repeat(100_000) + ']'.repeat(100_000)), ['invalid-json']],
    ['9k nested arrays', enc.encode('['.repeat(9_000) + ']'.repeat(9_000)), ['json-array']],
    ['100k nested arrays, unclosed', enc.encode('['.repeat(100_000)), ['invalid-json']],
    ['100k nested objects', enc.encode('{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)), ['invalid-json']],
    ['deep record', enc.encode('[' + '{"x":'.repeat(5_000) + '1' + '}'.repeat(5_000) + ']'), ['json-array']],
    ['1 MB string', enc.encode(`[{"a":"${'x'.repeat(1_000_000)}"}]`), ['json-array']],
    ['1 MB key', enc.encode(`[{"${'k'.repeat(1_000_000)}":1}]`), ['json-array']],
    ['huge number', enc.encode(`[${'9'.repeat(100_000)}]`), ['json-array']],
    ['two documents', enc.encode('[1][2]'), ['invalid-json']],
    ['trailing garbage', enc.encode('[1,2] <html>'), ['invalid-json']],
    ['jsonp', enc.encode('callback([{"a":1}])'), ['text']],
    ['bare string', enc.encode('"just a string"'), ['text']],
  ];

  for (const [name, bytes, kinds, ct] of odd) {
    test(`odd body: ${name}`, async () => {
      for (const [how, sizes] of splitters(bytes.length)) {
        if (how === '1-byte' && bytes.length > 5000) continue;
        const dob = new DobCounter();
        const s = await analyseBody(chunks(bytes, sizes), ct ?? '', LIMITS, (r) => dob.add(r));
        assert.ok(kinds.includes(s.kind), `${name}/${how}: ${s.kind} (${s.parseError ?? ''})`);
        if (s.kind === 'binary') assert.equal(s.excerpt, '', 'no binary excerpt is kept');
      }
    });
  }

  test('long strings are cut, not kept whole', async () => {
    const seen: unknown[] = [];
    const s = await analyseBody(chunks(enc.encode(`[{"a":"${'x'.repeat(300_000)}","b":"short"}]`), () => 8192), 'application/json', LIMITS, (r) => seen.push(r));
    assert.equal(s.records, 1);
    const rec = seen[0] as { a: string; b: string };
    assert.equal(rec.a.length, 65_536);
    assert.equal(rec.b, 'short');
  });

  test('gzip is recognised as gzip and never inflated', async () => {
    const s = await analyseBody(chunks(gzipSync(Buffer.alloc(4_000_000, 0x5b)), () => 16384), 'application/json', LIMITS);
    assert.equal(s.kind, 'binary');
    assert.match(s.binaryNote ?? '', /gzip/);
    assert.ok(s.bytes < 64 * 1024, `read ${s.bytes} bytes of a compressed body`);
  });

  test('an endless body stops at the byte cap, the record cap or the deadline', async () => {
    async function* forever(piece: string, first = ''): AsyncGenerator<Uint8Array> {
      if (first) yield enc.encode(first);
      const b = enc.encode(piece);
      for (;;) yield b;
    }
    const deep = await analyseBody(forever('['.repeat(65536)), 'application/json', { ...LIMITS, maxBytes: 2_000_000 });
    assert.equal(deep.kind, 'invalid-json');
    assert.ok(deep.bytes <= 65536 * 2, `read ${deep.bytes} bytes of endless nesting`);
    const bytes = await analyseBody(forever('x'.repeat(65536), '[{"a":"'), 'application/json', { ...LIMITS, maxBytes: 2_000_000 });
    assert.equal(bytes.cappedBy, 'bytes');
    assert.equal(bytes.complete, false);
    assert.equal(bytes.kind, 'invalid-json', 'cut off before one record: nothing usable');
    const blanks = await analyseBody(forever(' '.repeat(1000)), 'application/json', { ...LIMITS, maxBytes: 2_000_000 });
    assert.equal(blanks.cappedBy, 'bytes');
    const recs = await analyseBody(forever('1,'.repeat(100), '['), 'application/json', { ...LIMITS, maxRecords: 500 });
    assert.equal(recs.cappedBy, 'records');
    assert.equal(recs.records, 500);
    let t = 0;
    const timed = await analyseBody(forever('{"a":[' + '1,'.repeat(10)), 'application/json', { ...LIMITS, maxRecords: 1e9, deadline: 50, now: () => t++ });
    assert.equal(timed.cappedBy, 'time');
  });
});

/** A transport that answers from a table, including bodies that fail or never end. */
function fakeTransport(respond: (url: string, signal: AbortSignal) => TransportResponse | Promise<TransportResponse>): Transport {
  return async (url, init) => respond(url, init.signal);
}

function bodyOf(bytes: Uint8Array, opts: { failAfter?: number; hangAfter?: number; signal?: AbortSignal } = {}): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      let sent = 0;
      for (let i = 0; i < bytes.length; i += 64) {
        if (opts.failAfter !== undefined && sent >= opts.failAfter) throw Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
        if (opts.hangAfter !== undefined && sent >= opts.hangAfter) {
          await new Promise((_, reject) => opts.signal?.addEventListener('abort', () => reject(opts.signal!.reason)));
        }
        const c = bytes.subarray(i, i + 64);
        sent += c.length;
        yield c;
      }
    },
  };
}

const STATUSES = [200, 201, 204, 301, 302, 400, 401, 403, 404, 405, 410, 429, 500, 502, 503, 504, 999];
const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-16', 'text/html', 'text/xml', '', 'application/octet-stream', 'x'.repeat(5000)];
const BODIES: Array<[string, Uint8Array]> = [
  ['records', enc.encode(JSON.stringify([student(1), student(2)]))],
  ['html', enc.encode('<html><head><title>Error</title></head></html>')],
  ['truncated', enc.encode('[{"a":1},{"b"')],
  ['gzip', gzipSync(Buffer.from('[{"a":1}]'))],
  ['empty', new Uint8Array(0)],
  ['nul', new Uint8Array(200)],
  ['problem', enc.encode('oauth_problem=signature_invalid&oauth_problem_advice=%ZZ%')],
  ['deep', enc.encode('['.repeat(20_000))],
];
const HEADERS: Array<Record<string, string>> = [
  {},
  { 'retry-after': '5', date: 'not a date', 'www-authenticate': 'OAuth realm="x", oauth_problem="timestamp_refused"' },
  { 'retry-after': 'Wed, 21 Oct 2099 07:28:00 GMT', location: 'javascript:alert(1)', date: 'Thu, 01 Jan 1970 00:00:00 GMT' },
  { 'retry-after': '-1', 'www-authenticate': '\u0000\u0001"""', location: '/' + 'a'.repeat(10_000) },
];

function probeOf(resource: string, url: string, exchange: Awaited<ReturnType<HttpClient['get']>>): Probe {
  const endpoint = ENDPOINTS.find((e) => e.resource === resource)!;
  return { endpoint, template: '{base}{resource}', url, exchange, answer: answerOf(exchange) };
}

describe('HttpClient + classifiers on generated answers', () => {
  test('every status × content type × body × headers combination becomes a sensible answer and finding', async () => {
    let n = 0;
    const creds = { consumerKey: 'OneRoster_ABC_123', consumerSecret: 'not-the-real-one', signatureMethod: 'HMAC-SHA1' as const };
    for (const status of STATUSES) {
      for (const [bodyName, bytes] of BODIES) {
        for (let h = 0; h < HEADERS.length; h++) {
          const ct = CONTENT_TYPES[(n + h) % CONTENT_TYPES.length]!;
          const transport = fakeTransport(() => ({ status, headers: { 'content-type': ct, ...HEADERS[h] }, body: bodyOf(bytes), abort() {} }));
          const client = new HttpClient({ timeoutMs: 2000, transport });
          const url = `https://hac.example.org/plus360api/v1/abc/eSchoolPLUS/Student`;
          const dob = new DobCounter();
          const ex = await client.get({ url, credentials: creds, onRecord: (r) => dob.add(r) });
          const probe = probeOf('Student', url, ex);
          // Pair it with a healthy endpoint and with itself alone: both comparisons must hold.
          const good = probeOf('School', url, { ...ex, status: 200, error: undefined, body: { kind: 'json-array', records: 1, complete: true, cappedBy: null, bytes: 2, excerpt: '', fields: [] } });
          for (const set of [[probe], [good, probe]]) {
            const findings = endpointFindings(set);
            const rows = set.map((p) => rowOf(p, overallOf(set)));
            assert.equal(rows.length, set.length);
            const a = probe.answer;
            const label = `HTTP ${status} ${bodyName} ct=${ct.slice(0, 20)} h${h}: answer ${a}`;
            if (status >= 200 && status < 300) {
              const isData = bytes === BODIES[0]![1] || (bodyName === 'records');
              assert.equal(a, isData ? 'data' : 'other', label);
              if (!isData) assert.ok(findings.some((f) => f.code === 'BAD_RESPONSE' && f.resource === 'Student'), label);
            } else if (status === 401 || status === 403) {
              assert.equal(a, 'rejected', label);
            } else if (status === 404 || status === 410) {
              assert.equal(a, 'not_found', label);
            } else {
              assert.equal(a, 'other', label);
              const want = status === 429 ? 'RATE_LIMITED' : status >= 500 ? 'SERVER_ERROR' : status >= 300 && status < 400 ? 'REDIRECTED' : 'BAD_RESPONSE';
              assert.ok(findings.some((f) => f.code === want), `${label}: ${findings.map((f) => f.code)}`);
            }
            for (const f of findings) assert.ok(f.message.length < 2000, 'finding messages stay short');
          }
          n++;
        }
      }
    }
    assert.ok(n >= 500, `${n} combinations`);
  });

  test('connection failures, mid-body resets and stalls become network answers with findings', async () => {
    const cases: Array<[string, Transport, string]> = [
      ['refused', async () => { throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }); }, 'CONNECT_REFUSED'],
      ['reset mid-body', fakeTransport(() => ({ status: 200, headers: {}, body: bodyOf(enc.encode(JSON.stringify([1, 2, 3, 4, 5].map(student))), { failAfter: 100 }), abort() {} })), 'CONNECTION_RESET'],
      ['header overflow', async () => { throw Object.assign(new Error('Headers Overflow Error'), { code: 'UND_ERR_HEADERS_OVERFLOW' }); }, 'BAD_HTTP'],
      ['not http', async () => { throw Object.assign(new Error('Response does not match the HTTP/1.1 protocol'), { name: 'HTTPParserError' }); }, 'BAD_HTTP'],
      ['stall mid-body', fakeTransport((_u, signal) => ({ status: 200, headers: {}, body: bodyOf(enc.encode('[' + '1,'.repeat(1000) + '1]'), { hangAfter: 128, signal }), abort() {} })), 'TIMEOUT'],
      ['never answers', fakeTransport((_u, signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))), 'TIMEOUT'],
      ['throws a string', async () => { throw 'weird'; }, 'OTHER'],
    ];
    for (const [name, transport, kind] of cases) {
      const client = new HttpClient({ timeoutMs: 150, transport });
      const url = 'https://hac.example.org/plus360api/v1/abc/School';
      const started = Date.now();
      const ex = await client.get({ url, bodyTimeoutMs: 150 });
      assert.ok(Date.now() - started < 3000, `${name} took ${Date.now() - started} ms`);
      assert.equal(ex.error?.kind, kind, `${name}: ${JSON.stringify(ex.error)}`);
      const p = probeOf('School', url, ex);
      assert.equal(p.answer, 'network');
      const f = endpointFindings([p]);
      assert.equal(f.length, 1, name);
      assert.ok(kind !== 'BAD_HTTP' || f[0]!.code === 'BAD_RESPONSE', `${name}: ${f[0]!.code}`);
    }
  });
});

describe('retry policy', () => {
  const ex = (o: { status?: number | null; error?: string; ms?: number; headers?: Record<string, string> }) =>
    ({ url: 'u', method: 'GET', signed: true, at: '', ms: o.ms ?? 10, status: o.status ?? null, headers: o.headers ?? {}, clockSkewSec: null, serverDate: null,
      ...(o.error ? { error: { kind: o.error, code: o.error, message: '' } } : {}) }) as Awaited<ReturnType<HttpClient['get']>>;
  const policy = { timeoutMs: 3000, maxRetryAfterMs: 10_000, backoffMs: 1, sleep: async () => {} };

  test('which answers are retried', () => {
    const r = new Retrier(policy);
    assert.ok(r.plan(ex({ error: 'CONNECTION_RESET' })));
    assert.ok(r.plan(ex({ error: 'CONNECT_REFUSED' })));
    assert.equal(r.plan(ex({ error: 'CONNECTION_RESET', ms: 2000 })), null, 'a slow failure is not retried');
    assert.equal(r.plan(ex({ error: 'TIMEOUT' })), null);
    assert.equal(r.plan(ex({ error: 'TLS_UNTRUSTED' })), null);
    for (const s of [200, 401, 403, 404, 500]) assert.equal(r.plan(ex({ status: s })), null, `HTTP ${s}`);
    assert.equal(r.plan(ex({ status: 429, headers: { 'retry-after': '2' } }))?.waitMs, 2000);
    assert.equal(r.plan(ex({ status: 429 }))?.waitMs, 1000);
    assert.equal(r.plan(ex({ status: 429, headers: { 'retry-after': '5' } })), null, 'longer than the per-request timeout');
    assert.equal(r.plan(ex({ status: 429, headers: { 'retry-after': '3600' } })), null);
    assert.equal(r.plan(ex({ status: 503 })), null);
    assert.equal(r.plan(ex({ status: 503, headers: { 'retry-after': '1' } }))?.waitMs, 1000);
    assert.equal(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:58 GMT')), 2000);
    assert.equal(retryAfterMs('soon', 0), null);
  });

  test('a retry is sent once, re-signed with a new nonce, and noted in the log', async () => {
    let calls = 0;
    const transport: Transport = async () => {
      calls++;
      if (calls === 1) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      return { status: 200, headers: {}, body: bodyOf(enc.encode('[{"a":1}]')), abort() {} };
    };
    let nonce = 0;
    const client = new HttpClient({ timeoutMs: 1000, transport, nonce: () => `n${++nonce}` });
    const r = new Retrier(policy);
    const got = await r.send({ url: 'https://h.example/plus360api/v1/abc/School', credentials: { consumerKey: 'k', consumerSecret: 's', signatureMethod: 'HMAC-SHA1' } }, (o) => client.get(o));
    assert.equal(got.status, 200);
    assert.equal(calls, 2);
    assert.deepEqual(client.exchanges.map((e) => e.signing?.nonce), ['n1', 'n2']);
    assert.match(client.log[1]!.note ?? '', /retry after connection reset/);
    assert.equal(client.log[0]!.error, 'CONNECTION_RESET');
  });

  test('401 is never retried and a persistent 429 stops further retries', async () => {
    let calls = 0;
    const transport: Transport = async (url) => {
      calls++;
      return { status: url.endsWith('401') ? 401 : 429, headers: { 'retry-after': '0' }, body: bodyOf(new Uint8Array(0)), abort() {} };
    };
    const client = new HttpClient({ timeoutMs: 1000, transport });
    const r = new Retrier(policy);
    await r.send({ url: 'https://h.example/401' }, (o) => client.get(o));
    assert.equal(calls, 1);
    await r.send({ url: 'https://h.example/429' }, (o) => client.get(o));
    assert.equal(calls, 3);
    await r.send({ url: 'https://h.example/429' }, (o) => client.get(o));
    assert.equal(calls, 4, 'after a 429 retry was refused again, the next 429 is not retried');
  });
});
