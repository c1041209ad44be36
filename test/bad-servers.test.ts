// End to end against servers that misbehave on purpose (HTTPS on 127.0.0.1, certificate made now
// and trusted with --ca): every run must end within its deadlines with exit code 1, one JSON
// document with findings on stdout, and no stack trace.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeCertificate } from '../src/sim/tls.js';
import { runCli, tempDir } from './helpers.js';
import type { Report } from '../src/types.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const SECRET = 'bad-server-test-secret-0123456789';
const GZIP_BOMB = gzipSync(Buffer.alloc(50_000_000, 0x5b));

const BEHAVIOURS: Array<[string, Handler, string[]]> = [
  ['never answers', () => {}, ['TIMEOUT']],
  ['resets mid-body', (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('[{"SchoolId":1,"Name":"A"},{"Scho');
    // Dropped without a TLS close_notify or the rest of the body: what a crashing proxy does.
    setTimeout(() => req.socket.destroy(), 20);
  }, ['CONNECT_FAILED', 'BAD_RESPONSE']],
  ['endless body', (_req, res) => {
    // One string that never ends, as fast as the client reads: no record ever completes.
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('[{"a":"');
    const piece = 'x'.repeat(65536);
    const pump = () => {
      while (!res.destroyed && res.write(piece));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  }, ['BAD_RESPONSE', 'TIMEOUT', 'READ_CAPPED']],
  ['HTML 200', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!DOCTYPE html><html><head><title>Home Access Center</title></head><body>Sign in</body></html>');
  }, ['BAD_RESPONSE', 'URL_LOGIN_PAGE']],
  ['invalid JSON', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('[{"a":1},{"b":2,}]');
  }, ['BAD_RESPONSE']],
  ['500 page', (_req, res) => {
    res.writeHead(500, { 'content-type': 'text/html' });
    res.end('<html><head><title>500 - Internal server error.</title></head><body><h2>500 - Internal server error.</h2></body></html>');
  }, ['SERVER_ERROR']],
  ['429 Retry-After', (_req, res) => {
    res.writeHead(429, { 'retry-after': '1', 'content-type': 'text/plain' });
    res.end('Too Many Requests');
  }, ['RATE_LIMITED']],
  ['huge headers', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-padding': 'p'.repeat(200_000) });
    res.end('[]');
  }, ['BAD_RESPONSE']],
  ['gzip bomb', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(GZIP_BOMB);
  }, ['BAD_RESPONSE']],
  ['redirect loop', (req, res) => {
    res.writeHead(302, { location: req.url ?? '/' });
    res.end();
  }, ['REDIRECTED']],
  ['empty 200 and 204', (req, res) => {
    res.writeHead((req.url ?? '').length % 2 ? 204 : 200);
    res.end();
  }, ['BAD_RESPONSE']],
];

// Three at a time: each spawn costs a Node start-up, and on a busy two-core machine eleven at once
// would push TLS handshakes past the 3 s deadline being tested.
describe('diagnose against misbehaving servers', { concurrency: 3 }, () => {
  let caFile = '';
  const servers: Server[] = [];
  const urls = new Map<string, string>();

  before(async () => {
    const { key, cert } = await makeCertificate();
    const dir = tempDir('esp-doctor-bad-');
    caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, cert);
    for (const [name, handler] of BEHAVIOURS) {
      const server = createServer({ key, cert, maxHeaderSize: 1 << 20 }, handler);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      servers.push(server);
      urls.set(name, `https://127.0.0.1:${(server.address() as AddressInfo).port}/plus360api/v1/abc/`);
    }
  });

  after(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  });

  for (const [name, , expected] of BEHAVIOURS) {
    test(name, async () => {
      const r = await runCli(['diagnose', '--json', '--verbose', '--timeout', '3', '--ca', caFile, '--base-url', urls.get(name)!, '--consumer-key', 'OneRoster_ABC_123'], {
        env: { ESP_CONSUMER_SECRET: SECRET },
        timeoutMs: 40_000,
      });
      const diag = `\nexit ${r.code} in ${r.ms} ms\nstderr: ${r.stderr.slice(0, 2000)}\nstdout: ${r.stdout.slice(0, 2000)}`;
      assert.equal(r.code, 1, diag);
      assert.ok(r.ms < 25_000, `took ${r.ms} ms` + diag);
      assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace' + diag);
      assert.doesNotMatch(r.stderr, /internal error/i, diag);
      assert.ok(!r.stdout.includes(SECRET) && !r.stderr.includes(SECRET));
      const report = JSON.parse(r.stdout) as Report;
      assert.equal(report.verdict, 'fail');
      const codes = report.findings.map((f) => f.code);
      if (process.env.BAD_DEBUG) console.log(name, JSON.stringify(report.findings.map((f) => f.message)), JSON.stringify(report.requests));
      assert.ok(codes.some((c) => expected.includes(c)), `${name}: expected one of ${expected}, got ${codes}` + diag);
      if (process.env.BAD_DEBUG) console.log(JSON.stringify(report.findings.map((f) => f.message)));
      console.log(`# ${name}: exit ${r.code} in ${r.ms} ms, findings ${[...new Set(codes)].join(',')}`);
    });
  }
});
