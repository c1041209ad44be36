// A real forward proxy written here (node:http CONNECT), plus variants that answer 407, refuse
// CONNECT, or are not there at all. The simulator is the target; nothing leaves 127.0.0.1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect as netConnect, createServer as createNet, type AddressInfo, type Socket } from 'node:net';
import { runCli, simFixture, type SimFixture } from './helpers.js';
import { HttpClient } from '../src/net/client.js';
import { proxyFor } from '../src/net/proxy.js';
import { inspectTls } from '../src/net/tls.js';
import type { CheckResult, Report } from '../src/types.js';

type Mode = 'tunnel' | '407' | 'refuse';

interface Proxy {
  url: string;
  port: number;
  connects: Array<{ target: string; auth?: string }>;
}

const servers: Server[] = [];
const sockets = new Set<Socket>();

async function startProxy(mode: Mode): Promise<Proxy> {
  const connects: Proxy['connects'] = [];
  const server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    connects.push({ target: req.url ?? '', auth: req.headers['proxy-authorization'] });
    if (mode === '407') return void client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="district"\r\nContent-Length: 0\r\n\r\n');
    if (mode === 'refuse') return void client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
    const [host, port] = (req.url ?? '').split(':');
    // Only loopback targets: this test proxy must never reach anything else.
    if (host !== '127.0.0.1' && host !== 'localhost') return void client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    const upstream = netConnect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    client.on('error', () => upstream.destroy());
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, port, connects };
}

async function closedPort(): Promise<number> {
  const s = createNet();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const CLEAR = { HTTPS_PROXY: undefined, https_proxy: undefined, HTTP_PROXY: undefined, http_proxy: undefined, NO_PROXY: undefined, no_proxy: undefined };

function check(report: Report, id: string): CheckResult {
  const c = report.steps.flatMap((s) => s.checks).find((x) => x.id === id);
  assert.ok(c, `check ${id} missing`);
  return c;
}

/** Runs fn with these proxy variables in this process (the HTTP client reads them when it starts). */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved: Record<string, string | undefined> = {};
  for (const k of Object.keys({ ...CLEAR, ...vars })) saved[k] = process.env[k];
  try {
    for (const [k, v] of Object.entries({ ...CLEAR, ...vars })) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

let sim: SimFixture;
let ok: Proxy;
let auth: Proxy;
let refuse: Proxy;

before(async () => {
  sim = await simFixture('healthy');
  [ok, auth, refuse] = await Promise.all([startProxy('tunnel'), startProxy('407'), startProxy('refuse')]);
});

after(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  await sim.close();
});

describe('through a real forward proxy', () => {
  test('diagnose --json succeeds through HTTPS_PROXY and says which proxy it used', async () => {
    const before = ok.connects.length;
    const r = await runCli(['diagnose', '--json', '--verbose', '--ca', sim.caFile, '--timeout', '5'], {
      env: { ...CLEAR, ...sim.env, HTTPS_PROXY: ok.url },
      timeoutMs: 20_000,
    });
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(r.code, 0, JSON.stringify(report.findings));
    assert.equal(report.verdict, 'pass');
    const hs = check(report, 'tls.handshake');
    assert.equal(hs.status, 'pass');
    assert.match(hs.detail, new RegExp(`through the proxy ${ok.url.replace(/\./g, '\\.')} \\(HTTPS_PROXY\\)`));
    const ev = hs.evidence as { proxy: string; proxySource: string; timings: Record<string, number> };
    assert.equal(ev.proxy, ok.url);
    assert.equal(ev.proxySource, 'HTTPS_PROXY');
    assert.equal(typeof ev.timings.proxyConnectMs, 'number');
    assert.equal(typeof ev.timings.tlsMs, 'number');
    assert.match(check(report, 'url.dns').detail, /through the proxy/);
    assert.equal((check(report, 'tls.base-answer').evidence as { proxy: string }).proxy, ok.url);
    const requests = report.requests as Array<{ via?: string; headersMs?: number }>;
    assert.ok(requests.length >= 8);
    assert.ok(requests.every((q) => q.via === ok.url && typeof q.headersMs === 'number'));
    // The proxy really carried them: at least the inspection's tunnel plus one for the requests.
    const mine = ok.connects.slice(before);
    assert.ok(mine.length >= 2, `CONNECTs seen: ${mine.length}`);
    assert.ok(mine.every((c) => c.target === new URL(sim.sim.baseUrl).host));
    assert.equal(report.subscriptions.filter((s) => s.status === 'ok').length, 7);
  });

  test('lower-case https_proxy with user:password: credentials sent to the proxy, never shown', async () => {
    const withAuth = ok.url.replace('http://', 'http://svc:pa55word@');
    const before = ok.connects.length;
    const r = await runCli(['check-url', '--json', '--ca', sim.caFile, '--timeout', '5'], { env: { ...CLEAR, ...sim.env, https_proxy: withAuth }, timeoutMs: 20_000 });
    assert.equal(r.code, 0, r.stdout);
    assert.ok(!r.stdout.includes('pa55word') && !r.stderr.includes('pa55word'));
    const report = JSON.parse(r.stdout) as Report;
    assert.equal((check(report, 'tls.handshake').evidence as { proxy: string }).proxy, ok.url.replace('http://', 'http://***@'));
    const sent = ok.connects.slice(before);
    assert.ok(sent.length >= 2);
    assert.ok(sent.every((c) => c.auth === 'Basic ' + Buffer.from('svc:pa55word').toString('base64')));
  });

  test('NO_PROXY naming the host: direct connection, the proxy sees nothing', async () => {
    const before = ok.connects.length;
    const r = await runCli(['check-url', '--json', '--ca', sim.caFile, '--timeout', '5'], { env: { ...CLEAR, ...sim.env, HTTPS_PROXY: ok.url, NO_PROXY: 'example.test, 127.0.0.1' }, timeoutMs: 20_000 });
    assert.equal(r.code, 0, r.stdout);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal((check(report, 'tls.handshake').evidence as { proxy?: string }).proxy, undefined);
    assert.equal(check(report, 'url.dns').status, 'pass');
    assert.equal(ok.connects.length, before);
  });
});

describe('proxy failures', () => {
  test('407 → PROXY_AUTH_REQUIRED (CLI)', async () => {
    const r = await runCli(['check-url', '--json', '--ca', sim.caFile, '--timeout', '5'], { env: { ...CLEAR, ...sim.env, HTTPS_PROXY: auth.url }, timeoutMs: 20_000 });
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout) as Report;
    const f = report.findings.find((x) => x.code === 'PROXY_AUTH_REQUIRED');
    assert.ok(f, JSON.stringify(report.findings));
    assert.equal(f.owner, 'vendor');
    assert.match(f.message, new RegExp(auth.url.replace(/\./g, '\\.')));
    assert.match(f.fix, /HTTPS_PROXY/);
  });

  test('CONNECT refused (403) → PROXY_FAILED (CLI)', async () => {
    const r = await runCli(['check-url', '--json', '--ca', sim.caFile, '--timeout', '5'], { env: { ...CLEAR, ...sim.env, HTTPS_PROXY: refuse.url }, timeoutMs: 20_000 });
    const report = JSON.parse(r.stdout) as Report;
    const f = report.findings.find((x) => x.code === 'PROXY_FAILED');
    assert.ok(f, JSON.stringify(report.findings));
    assert.match(f.message, /CONNECT answered 403/);
    assert.match(f.fix, /allows HTTPS \(CONNECT\)/);
  });

  test('proxy not reachable → PROXY_FAILED, not a failure of the server (CLI)', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const r = await runCli(['check-url', '--json', '--ca', sim.caFile, '--timeout', '5'], { env: { ...CLEAR, ...sim.env, HTTPS_PROXY: dead }, timeoutMs: 20_000 });
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(report.findings.map((f) => f.code), ['PROXY_FAILED']);
    assert.match(report.findings[0]!.message, /cannot be reached \(ECONNREFUSED\)/);
  });

  // The same three through undici itself (the HTTP client), so classifyError is proven on what undici throws.
  for (const [name, proxyUrl, kind, status] of [
    ['407', () => auth.url, 'PROXY_AUTH_REQUIRED', 407],
    ['403', () => refuse.url, 'PROXY_FAILED', 403],
    ['unreachable', async () => `http://127.0.0.1:${await closedPort()}`, 'PROXY_FAILED', undefined],
  ] as const) {
    test(`HTTP client through a proxy: ${name} → ${kind}`, async () => {
      const url = await proxyUrl();
      await withEnv({ HTTPS_PROXY: url }, async () => {
        const client = new HttpClient({ timeoutMs: 3000, extraCaPems: [sim.sim.caPem] });
        const ex = await client.get({ url: sim.sim.baseUrl });
        assert.equal(ex.error?.kind, kind, JSON.stringify(ex.error));
        assert.equal(ex.error?.proxyStatus, status);
        assert.equal(ex.via, url);
        const t = await inspectTls({ host: '127.0.0.1', port: Number(new URL(sim.sim.baseUrl).port), extraCa: [sim.sim.caPem], timeoutMs: 3000, proxy: proxyFor(sim.sim.baseUrl) });
        assert.equal(t.error?.kind, kind, JSON.stringify(t.error));
      });
    });
  }
});

describe('proxyFor follows undici EnvHttpProxyAgent rule for rule', () => {
  const cases: Array<[string, Record<string, string>, string, string | null]> = [
    ['https uses HTTPS_PROXY', { HTTPS_PROXY: 'http://p:1' }, 'https://h.test/', 'http://p:1'],
    ['lower case wins', { https_proxy: 'http://low:1', HTTPS_PROXY: 'http://up:1' }, 'https://h.test/', 'http://low:1'],
    ['empty lower case hides upper case', { https_proxy: '', HTTPS_PROXY: 'http://up:1', HTTP_PROXY: 'http://h:2' }, 'https://h.test/', 'http://h:2'],
    ['https falls back to HTTP_PROXY', { HTTP_PROXY: 'http://h:2' }, 'https://h.test/', 'http://h:2'],
    ['http ignores HTTPS_PROXY', { HTTPS_PROXY: 'http://p:1' }, 'http://h.test/', null],
    ['NO_PROXY suffix', { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'district.org' }, 'https://hac.district.org/', null],
    ['NO_PROXY leading dot', { HTTPS_PROXY: 'http://p:1', no_proxy: '.district.org' }, 'https://hac.district.org/', null],
    ['NO_PROXY not a suffix match', { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'trict.org' }, 'https://hac.district.org/', 'http://p:1'],
    ['NO_PROXY port must match', { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'hac.district.org:8443' }, 'https://hac.district.org/', 'http://p:1'],
    ['NO_PROXY port matches', { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'hac.district.org:443' }, 'https://hac.district.org/', null],
    ['NO_PROXY *', { HTTPS_PROXY: 'http://p:1', NO_PROXY: '*' }, 'https://hac.district.org/', null],
  ];
  for (const [name, env, target, want] of cases) {
    test(name, () => assert.equal(proxyFor(target, env)?.url ?? null, want));
  }
});
