// Every network failure class reproduced on 127.0.0.1 at test time, through the real CLI:
// certificates made now (root → intermediate → leaf; self-signed; expired; not yet valid; wrong
// name; expiring soon), servers that refuse, hang, reset, speak only TLS 1.1, or redirect.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttps, type Server as HttpsServer, type ServerOptions } from 'node:https';
import { createServer as createHttp, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createNet, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate, type CertificateExtension } from 'selfsigned';
import { runCli, simFixture, type SimFixture, tempDir } from './helpers.js';
import { HttpClient } from '../src/net/client.js';
import type { CheckResult, Report } from '../src/types.js';

const DAY = 86_400_000;
const NO_PROXY_ENV = { HTTPS_PROXY: undefined, https_proxy: undefined, HTTP_PROXY: undefined, http_proxy: undefined, NO_PROXY: undefined, no_proxy: undefined, NODE_EXTRA_CA_CERTS: undefined };
const CA_EXT: CertificateExtension[] = [
  { name: 'basicConstraints', cA: true, critical: true },
  { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
];
const leafExt = (altNames: Array<{ type: 2 | 7; ip?: string; value?: string }>): CertificateExtension[] => [
  { name: 'basicConstraints', cA: false },
  { name: 'extKeyUsage', serverAuth: true },
  { name: 'subjectAltName', altNames },
];
const LOCAL: Array<{ type: 2 | 7; ip?: string; value?: string }> = [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }];

interface Pem {
  private: string;
  cert: string;
}
interface Certs {
  root: Pem;
  inter: Pem;
  leaf: Pem;
  self: Pem;
  expired: Pem;
  future: Pem;
  otherName: Pem;
  soon: Pem;
}

async function makeCerts(): Promise<Certs> {
  const base = { keyType: 'ec' as const, algorithm: 'sha256' };
  const root = await generate([{ name: 'commonName', value: 'esp-doctor Test Root' }], { ...base, extensions: CA_EXT });
  const byRoot = { ...base, ca: { key: root.private, cert: root.cert } };
  const inter = await generate([{ name: 'commonName', value: 'esp-doctor Test Intermediate' }], { ...byRoot, extensions: CA_EXT });
  const now = Date.now();
  const [leaf, self, expired, future, otherName, soon] = await Promise.all([
    generate([{ name: 'commonName', value: 'hac.test' }], { ...base, ca: { key: inter.private, cert: inter.cert }, extensions: leafExt(LOCAL) }),
    generate([{ name: 'commonName', value: 'self.hac.test' }], { ...base, extensions: leafExt(LOCAL) }),
    generate([{ name: 'commonName', value: 'expired.hac.test' }], { ...byRoot, extensions: leafExt(LOCAL), notBeforeDate: new Date(now - 400 * DAY), notAfterDate: new Date(now - 3 * DAY) }),
    generate([{ name: 'commonName', value: 'future.hac.test' }], { ...byRoot, extensions: leafExt(LOCAL), notBeforeDate: new Date(now + 3 * DAY), notAfterDate: new Date(now + 400 * DAY) }),
    generate([{ name: 'commonName', value: 'other.example' }], { ...byRoot, extensions: leafExt([{ type: 2, value: 'other.example' }, { type: 2, value: 'www.other.example' }]) }),
    generate([{ name: 'commonName', value: 'soon.hac.test' }], { ...byRoot, extensions: leafExt(LOCAL), notBeforeDate: new Date(now - 300 * DAY), notAfterDate: new Date(now + 10 * DAY + 3600_000) }),
  ]);
  return { root, inter, leaf, self, expired, future, otherName, soon };
}

/** A stand-in for the PLUS 360 base: 401 with an OAuth challenge, as the real API asks for credentials. */
function apiHandler(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'OAuth realm="PLUS360"' });
  res.end(JSON.stringify({ message: 'Authorization has been denied for this request.' }));
  void req;
}

const servers: Array<HttpsServer | HttpServer | NetServer> = [];
const sockets = new Set<Socket>();

async function listen<T extends HttpsServer | HttpServer | NetServer>(server: T): Promise<number> {
  servers.push(server);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function https(opts: ServerOptions, handler: (req: IncomingMessage, res: ServerResponse) => void = apiHandler): Promise<number> {
  const server = createHttps(opts, handler);
  server.on('tlsClientError', () => {});
  return listen(server);
}

const baseOf = (port: number, host = '127.0.0.1') => `https://${host}:${port}/plus360api/v1/demo/`;

async function checkUrl(base: string, extra: string[] = [], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; report: Report; stderr: string }> {
  const r = await runCli(['check-url', '--json', '--base-url', base, '--timeout', '5', ...extra], { env: { ...NO_PROXY_ENV, ...env }, timeoutMs: 20_000 });
  let report: Report;
  try {
    report = JSON.parse(r.stdout) as Report;
  } catch {
    throw new Error(`no JSON on stdout (exit ${r.code})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
  return { code: r.code, report, stderr: r.stderr };
}

function check(report: Report, id: string): CheckResult {
  const c = report.steps.flatMap((s) => s.checks).find((x) => x.id === id);
  assert.ok(c, `check ${id} missing`);
  return c;
}

function onlyFinding(report: Report, code: string) {
  const f = report.findings.find((x) => x.code === code);
  assert.ok(f, `expected ${code}, got ${JSON.stringify(report.findings.map((x) => x.code))}`);
  return f;
}

let certs: Certs;
let dir: string;
let rootFile: string;
let sim: SimFixture;

before(async () => {
  certs = await makeCerts();
  dir = tempDir('esp-doctor-net-');
  rootFile = join(dir, 'root.pem');
  writeFileSync(rootFile, certs.root.cert);
  sim = await simFixture('healthy');
});

after(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const chain = (...pems: Pem[]) => pems.map((p) => p.cert.trim()).join('\n') + '\n';

describe('TLS certificates', { concurrency: 2 }, () => {
  test('a complete chain trusted with --ca passes and is described with its timings', async () => {
    const port = await https({ key: certs.leaf.private, cert: chain(certs.leaf, certs.inter) });
    const { code, report } = await checkUrl(baseOf(port), ['--ca', rootFile]);
    assert.equal(code, 0, JSON.stringify(report.findings));
    const hs = check(report, 'tls.handshake');
    assert.equal(hs.status, 'pass');
    const ev = hs.evidence as { certificate: { subject: string; issuer: string; names: string[]; daysLeft: number; validTo: string; chainComplete: boolean }; timings: Record<string, number>; connectedTo: string; trust: string[] };
    assert.equal(ev.certificate.subject, 'hac.test');
    assert.equal(ev.certificate.issuer, 'esp-doctor Test Intermediate');
    assert.deepEqual(ev.certificate.names, ['127.0.0.1', 'localhost']);
    assert.ok(ev.certificate.daysLeft > 300);
    assert.ok(ev.certificate.chainComplete);
    for (const k of ['dnsMs', 'connectMs', 'tlsMs']) assert.equal(typeof ev.timings[k], 'number', k);
    assert.equal(ev.connectedTo, '127.0.0.1');
    assert.ok(ev.trust.some((t) => t.startsWith('--ca: 1 certificate')));
    assert.match(hs.detail, /hac\.test.*esp-doctor Test Intermediate.*days left/);
    const base = check(report, 'tls.base-answer');
    assert.equal(base.status, 'pass');
    assert.equal(typeof (base.evidence as { headersMs: number }).headersMs, 'number');
  });

  test('missing intermediate: the server sends only the leaf → TLS_CHAIN_INCOMPLETE', async () => {
    const port = await https({ key: certs.leaf.private, cert: certs.leaf.cert });
    const { code, report } = await checkUrl(baseOf(port), ['--ca', rootFile]);
    assert.equal(code, 1);
    const f = onlyFinding(report, 'TLS_CHAIN_INCOMPLETE');
    assert.equal(f.owner, 'district');
    assert.match(f.message, /esp-doctor Test Intermediate/);
    assert.match(f.fix, /Intermediate Certification Authorities/);
    const ev = check(report, 'tls.handshake').evidence as { code: string; certificate: { chainComplete: boolean } };
    assert.equal(ev.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    assert.equal(ev.certificate.chainComplete, false);
    assert.equal(check(report, 'tls.base-answer').status, 'skip');
  });

  test('unknown root: chain sent but its root not trusted → TLS_UNTRUSTED', async () => {
    const port = await https({ key: certs.leaf.private, cert: chain(certs.leaf, certs.inter) });
    const { report } = await checkUrl(baseOf(port));
    const f = onlyFinding(report, 'TLS_UNTRUSTED');
    assert.match(f.message, /UNABLE_TO_GET_ISSUER_CERT_LOCALLY/);
    assert.match(f.fix, /public certificate authority/);
    assert.match(f.fix, /--ca/);
  });

  test('self-signed → TLS_UNTRUSTED, described as self-signed', async () => {
    const port = await https({ key: certs.self.private, cert: certs.self.cert });
    const { code, report } = await checkUrl(baseOf(port));
    assert.equal(code, 1);
    const f = onlyFinding(report, 'TLS_UNTRUSTED');
    assert.match(f.message, /self-signed/);
    assert.equal(f.owner, 'district');
    assert.equal((check(report, 'tls.handshake').evidence as { certificate: { selfSigned: boolean } }).certificate.selfSigned, true);
  });

  test('expired → TLS_EXPIRED with the date', async () => {
    const port = await https({ key: certs.expired.private, cert: certs.expired.cert });
    const { report } = await checkUrl(baseOf(port), ['--ca', rootFile]);
    const f = onlyFinding(report, 'TLS_EXPIRED');
    const validTo = (check(report, 'tls.handshake').evidence as { certificate: { validTo: string; daysLeft: number } }).certificate;
    assert.ok(validTo.daysLeft < 0);
    assert.ok(f.message.includes(validTo.validTo.slice(0, 10)));
    assert.match(f.fix, /renew/);
  });

  test('not yet valid → TLS_NOT_YET_VALID', async () => {
    const port = await https({ key: certs.future.private, cert: certs.future.cert });
    const { report } = await checkUrl(baseOf(port), ['--ca', rootFile]);
    const f = onlyFinding(report, 'TLS_NOT_YET_VALID');
    assert.match(f.message, /valid from/);
    assert.match(f.fix, /clock/);
  });

  test('hostname mismatch → TLS_HOSTNAME naming what the certificate covers', async () => {
    const port = await https({ key: certs.otherName.private, cert: certs.otherName.cert });
    const { report } = await checkUrl(baseOf(port), ['--ca', rootFile]);
    const f = onlyFinding(report, 'TLS_HOSTNAME');
    assert.match(f.message, /other\.example, www\.other\.example/);
  });

  test('expiring within 30 days → warning TLS_EXPIRING_SOON, verdict still pass', async () => {
    const port = await https({ key: certs.soon.private, cert: certs.soon.cert });
    const { code, report } = await checkUrl(baseOf(port), ['--ca', rootFile]);
    assert.equal(code, 0);
    const f = onlyFinding(report, 'TLS_EXPIRING_SOON');
    assert.equal(f.severity, 'warn');
    assert.match(f.message, /expires in 10 days/);
    assert.equal(report.verdict, 'pass');
  });

  test('server limited to TLS 1.0/1.1 → TLS_PROTOCOL naming the old version', async (t) => {
    let port: number;
    try {
      port = await https({ key: certs.leaf.private, cert: chain(certs.leaf, certs.inter), minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
    } catch (err) {
      t.skip(`this OpenSSL cannot serve TLS 1.1: ${(err as Error).message}`);
      return;
    }
    const { report } = await checkUrl(baseOf(port), ['--ca', rootFile]);
    const f = onlyFinding(report, 'TLS_PROTOCOL');
    assert.match(f.message, /TLSv1(\.1)?\b/);
    assert.match(f.fix, /TLS 1\.2/);
  });
});

describe('TCP', { concurrency: 2 }, () => {
  test('refused (closed port) → CONNECT_FAILED with the address and port', async () => {
    const probe = createNet();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const { report } = await checkUrl(baseOf(port));
    const f = onlyFinding(report, 'CONNECT_FAILED');
    assert.match(f.message, new RegExp(`127\\.0\\.0\\.1:${port}.*refused`));
    assert.match(f.fix, /firewall/);
  });

  test('accepts but never answers → TIMEOUT during the TLS handshake, within the deadline', async () => {
    const port = await listen(createNet(() => {}));
    const started = Date.now();
    const { report } = await checkUrl(baseOf(port), ['--timeout', '1']);
    assert.ok(Date.now() - started < 8000);
    const f = onlyFinding(report, 'TIMEOUT');
    assert.match(f.message, /TCP connection opened but the TLS handshake got no answer/);
    assert.equal((check(report, 'tls.handshake').evidence as { phase: string }).phase, 'tls');
  });

  test('reset on connect → CONNECT_FAILED saying reset', async () => {
    const port = await listen(createNet((s) => s.resetAndDestroy()));
    const { report } = await checkUrl(baseOf(port));
    const f = onlyFinding(report, 'CONNECT_FAILED');
    assert.match(f.message, /reset/);
    assert.match(f.fix, /firewall, IPS or load balancer/);
  });
});

describe('HTTP answers and redirects', { concurrency: 2 }, () => {
  const SIGN_IN_PAGE = '<!DOCTYPE html><html><head><title>Home Access Center - Log On</title></head><body><form><input type="password" name="pw"></form></body></html>';
  const IIS_404 = '<!DOCTYPE html><html><head><title>IIS 10.0 Detailed Error - 404.0 - Not Found</title></head><body><div id="content"><h2>404 - File or directory not found.</h2><h3>The resource you are looking for might have been removed.</h3></div></body></html>';
  const good = () => ({ key: certs.leaf.private, cert: chain(certs.leaf, certs.inter) });

  test('redirect to a sign-in page is shown hop by hop', async () => {
    const port = await https(good(), (req, res) => {
      if (req.url!.startsWith('/plus360api/')) {
        res.writeHead(302, { location: '/HomeAccess/Account/LogOn?ReturnUrl=%2fplus360api' }).end();
      } else {
        res.writeHead(200, { 'content-type': 'text/html' }).end(SIGN_IN_PAGE);
      }
    });
    const { report } = await checkUrl(baseOf(port), ['--ca', rootFile]);
    const c = check(report, 'tls.base-answer');
    assert.equal(c.status, 'warn');
    const f = onlyFinding(report, 'REDIRECTED');
    assert.match(f.message, /sign-in page/);
    assert.match(f.message, /Signed API calls never follow a redirect/);
    const hops = (c.evidence as { hops: Array<{ url: string; status: number; location?: string }> }).hops;
    assert.equal(hops.length, 2);
    assert.equal(hops[0]!.status, 302);
    assert.match(hops[1]!.url, /\/HomeAccess\/Account\/LogOn/);
    assert.equal(hops[1]!.status, 200);
  });

  test('https → http → https and on to another host: every hop recorded', async () => {
    let httpsPort = 0;
    const httpPort = await listen(createHttp((req, res) => {
      res.writeHead(301, { location: `https://localhost:${httpsPort}${req.url}` }).end();
    }));
    httpsPort = await https(good(), (req, res) => {
      if (req.headers.host?.startsWith('127.0.0.1')) res.writeHead(302, { location: `http://127.0.0.1:${httpPort}${req.url}` }).end();
      else apiHandler(req, res);
    });
    const { report } = await checkUrl(baseOf(httpsPort), ['--ca', rootFile]);
    const c = check(report, 'tls.base-answer');
    const hops = (c.evidence as { hops: Array<{ url: string; status: number }> }).hops;
    assert.deepEqual(hops.map((h) => h.status), [302, 301, 401]);
    assert.match(hops[1]!.url, /^http:\/\/127\.0\.0\.1/);
    assert.match(hops[2]!.url, /^https:\/\/localhost/);
    const f = onlyFinding(report, 'REDIRECTED');
    assert.match(f.message, /plain http/);
  });

  test('a redirect to another host says which host', async () => {
    const port = await https(good(), (req, res) => {
      if (req.headers.host?.startsWith('127.0.0.1')) res.writeHead(301, { location: `https://localhost:${port}${req.url}` }).end();
      else apiHandler(req, res);
    });
    const { report } = await checkUrl(baseOf(port), ['--ca', rootFile]);
    const f = onlyFinding(report, 'REDIRECTED');
    assert.match(f.message, new RegExp(`another host, localhost:${port}`));
    assert.match(f.fix, new RegExp(`https://localhost:${port}/plus360api/v1/demo/`));
  });

  test('a redirect loop stops and says so', async () => {
    const port = await https(good(), (req, res) => {
      res.writeHead(302, { location: req.url!.endsWith('/') ? req.url!.slice(0, -1) : req.url + '/' }).end();
    });
    const { report } = await checkUrl(baseOf(port), ['--ca', rootFile]);
    assert.match(onlyFinding(report, 'REDIRECTED').message, /loop/);
  });

  test('an IIS error page is summarised in one line', async () => {
    const port = await https(good(), (_req, res) => res.writeHead(404, { 'content-type': 'text/html', server: 'Microsoft-IIS/10.0' }).end(IIS_404));
    const { report } = await checkUrl(baseOf(port), ['--ca', rootFile]);
    const c = check(report, 'tls.base-answer');
    assert.match(c.detail, /^404 with an IIS web page "IIS 10\.0 Detailed Error - 404\.0 - Not Found — 404 - File or directory not found\."/);
    assert.ok(!c.detail.includes('\n'));
  });

  test('200 with a web page where the API was expected → BAD_RESPONSE', async () => {
    const port = await https(good(), (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><title>Welcome to IIS</title></head><body><h1>It works</h1></body></html>'));
    const { report } = await checkUrl(baseOf(port), ['--ca', rootFile]);
    const f = onlyFinding(report, 'BAD_RESPONSE');
    assert.match(f.message, /200 with .*"Welcome to IIS — It works".*where the API answers JSON/);
    assert.equal(f.owner, 'district');
  });

  test('a signed request never follows a redirect', async () => {
    const seen: string[] = [];
    const port = await https(good(), (req, res) => {
      seen.push(req.url!);
      res.writeHead(302, { location: '/elsewhere/' }).end();
    });
    const client = new HttpClient({ timeoutMs: 2000, extraCaPems: [certs.root.cert] });
    const ex = await client.get({ url: `${baseOf(port)}eSchoolPLUS/School`, credentials: { consumerKey: 'k', consumerSecret: 's', signatureMethod: 'HMAC-SHA1' } });
    assert.equal(ex.status, 302);
    assert.equal(seen.length, 1);
    assert.ok(!seen.some((u) => u.startsWith('/elsewhere')));
    assert.equal(typeof ex.headersMs, 'number');
  });
});

describe('DNS through the CLI', () => {
  test('a name under .invalid → DNS_FAILED with the reason in evidence', async () => {
    const { code, report } = await checkUrl('https://hac.esp-doctor-test.invalid/plus360api/v1/demo/');
    assert.equal(code, 1);
    const f = onlyFinding(report, 'DNS_FAILED');
    assert.equal(f.owner, 'district');
    assert.match(f.fix, /DNS/);
    const ev = check(report, 'url.dns').evidence as { reason: string; addresses: string[] };
    assert.ok(['nxdomain', 'nodata', 'timeout', 'servfail', 'unknown'].includes(ev.reason));
    assert.deepEqual(ev.addresses, []);
    assert.equal(check(report, 'tls.handshake').status, 'skip');
  });
});

describe('--insecure', () => {
  test('requests go on past an untrusted certificate, but the TLS check and the verdict stay failed', async () => {
    // The simulator's certificate, NOT trusted (no --ca).
    const r = await runCli(['diagnose', '--json', '--insecure', '--timeout', '5'], { env: { ...NO_PROXY_ENV, ...sim.env }, timeoutMs: 20_000 });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /WARNING: --insecure/);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(report.verdict, 'fail');
    const hs = check(report, 'tls.handshake');
    assert.equal(hs.status, 'fail');
    assert.match(hs.detail, /--insecure was given/);
    assert.ok(report.findings.some((f) => f.code === 'TLS_UNTRUSTED'));
    assert.equal(check(report, 'auth.signed').status, 'pass');
    assert.ok(report.subscriptions.length === 7 && report.subscriptions.every((s) => s.status === 'ok'));
  });

  test('without --insecure the same run stops after TLS', async () => {
    const r = await runCli(['auth', '--json', '--timeout', '5'], { env: { ...NO_PROXY_ENV, ...sim.env }, timeoutMs: 20_000 });
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stderr, /--insecure/);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(check(report, 'auth.signed').status, 'skip');
  });
});

describe('trust sources', { concurrency: 2 }, () => {
  test('NODE_EXTRA_CA_CERTS alone makes the chain trusted', async () => {
    const port = await https({ key: certs.leaf.private, cert: chain(certs.leaf, certs.inter) });
    const { code, report } = await checkUrl(baseOf(port), [], { NODE_EXTRA_CA_CERTS: rootFile });
    assert.equal(code, 0, JSON.stringify(report.findings));
    const trust = (check(report, 'tls.handshake').evidence as { trust: string[] }).trust;
    assert.ok(trust.some((t) => t.startsWith(`NODE_EXTRA_CA_CERTS=${rootFile} (1 certificates)`)), trust.join(' | '));
  });

  test('--ca adds to NODE_EXTRA_CA_CERTS instead of replacing it', async () => {
    // The simulator is trusted only through the variable; --ca names an unrelated root.
    const r = await runCli(['check-url', '--json', '--ca', rootFile, '--timeout', '5'], { env: { ...NO_PROXY_ENV, ...sim.env, NODE_EXTRA_CA_CERTS: sim.caFile }, timeoutMs: 20_000 });
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(r.code, 0, JSON.stringify(report.findings));
    assert.equal(check(report, 'tls.handshake').status, 'pass');
    assert.equal(check(report, 'tls.base-answer').status, 'pass');
  });
});
