// DNS failure classes told apart against a stand-in DNS server on 127.0.0.1 (UDP), written here:
// NXDOMAIN, a name without addresses, silence, and a name that resolves only to a private address.
// Also the Arkansas June 30 note in text and JSON, without any DNS traffic.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { isLoopback, isPrivateAddress, resolveHost } from '../src/net/tls.js';
import { dnsFinding } from '../src/checks/net-findings.js';
import { urlStatic } from '../src/checks/url.js';
import { HttpClient } from '../src/net/client.js';
import { Session } from '../src/session.js';
import { buildReport, runSteps } from '../src/runner.js';
import { renderText } from '../src/render/text.js';
import { runOptions } from '../src/commands/common.js';

const A: Record<string, number[]> = { 'inside.test.invalid': [10, 1, 2, 3], 'mixed.test.invalid': [10, 1, 2, 3], 'home.test.invalid': [127, 0, 0, 1] };
const A_PUBLIC_TOO: Record<string, number[]> = { 'mixed.test.invalid': [192, 0, 2, 10] };

function qname(msg: Buffer): { name: string; end: number } {
  const labels: string[] = [];
  let i = 12;
  while (msg[i]! > 0) {
    labels.push(msg.subarray(i + 1, i + 1 + msg[i]!).toString('ascii'));
    i += msg[i]! + 1;
  }
  return { name: labels.join('.').toLowerCase(), end: i + 5 };
}

/** Answers like an authoritative server: NXDOMAIN, NOERROR without records, silence, or A records. */
function answer(msg: Buffer): Buffer | null {
  const { name, end } = qname(msg);
  const type = msg.readUInt16BE(end - 4);
  if (name.startsWith('slow.')) return null;
  const question = msg.subarray(12, end);
  const header = Buffer.alloc(12);
  msg.copy(header, 0, 0, 2);
  const nx = name.startsWith('missing.');
  header.writeUInt16BE(0x8180 | (nx ? 3 : 0), 2);
  header.writeUInt16BE(1, 4);
  const addrs = type === 1 ? [A[name], A_PUBLIC_TOO[name]].filter((x): x is number[] => !!x) : [];
  header.writeUInt16BE(addrs.length, 6);
  const records = addrs.map((ip) => {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0);
    rr.writeUInt16BE(1, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(60, 6);
    rr.writeUInt16BE(4, 10);
    Buffer.from(ip).copy(rr, 12);
    return rr;
  });
  return Buffer.concat([header, question, ...records]);
}

let dns: Socket;
let server: string;
let queries = 0;

before(async () => {
  dns = createSocket('udp4');
  dns.on('message', (msg, rinfo) => {
    queries++;
    const reply = answer(msg);
    if (reply) dns.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => dns.bind(0, '127.0.0.1', r));
  server = `127.0.0.1:${(dns.address() as AddressInfo).port}`;
});

after(() => dns.close());

describe('DNS failure classes', () => {
  test('NXDOMAIN', async () => {
    const d = await resolveHost('missing.test.invalid', 2000, { servers: [server] });
    assert.equal(d.reason, 'nxdomain');
    assert.equal(d.error?.kind, 'DNS_FAILED');
    const f = dnsFinding('missing.test.invalid', d);
    assert.equal(f.code, 'DNS_FAILED');
    assert.match(f.message, /does not exist in DNS \(NXDOMAIN\)/);
    assert.match(f.fix, /spelling/);
  });

  test('a name without addresses (NOERROR, no records)', async () => {
    const d = await resolveHost('empty.test.invalid', 2000, { servers: [server] });
    assert.equal(d.reason, 'nodata');
    assert.match(dnsFinding('empty.test.invalid', d).message, /exists in DNS but has no address/);
  });

  test('no answer at all → timeout, within the deadline', async () => {
    const started = Date.now();
    const d = await resolveHost('slow.test.invalid', 600, { servers: [server] });
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    assert.equal(d.reason, 'timeout');
    const f = dnsFinding('slow.test.invalid', d);
    assert.match(f.message, /did not respond in time/);
    assert.match(f.fix, /this machine's DNS settings/);
  });

  test('addresses are shown; private-only is flagged, a public one among them is not', async () => {
    const inside = await resolveHost('inside.test.invalid', 2000, { servers: [server] });
    assert.deepEqual(inside.addresses, ['10.1.2.3']);
    assert.equal(inside.privateOnly, true);
    const mixed = await resolveHost('mixed.test.invalid', 2000, { servers: [server] });
    assert.deepEqual([...mixed.addresses].sort(), ['10.1.2.3', '192.0.2.10']);
    assert.equal(mixed.privateOnly, false);
  });

  test('loopback never counts as private (the simulator lives there)', async () => {
    const home = await resolveHost('home.test.invalid', 2000, { servers: [server] });
    assert.deepEqual(home.addresses, ['127.0.0.1']);
    assert.equal(home.privateOnly, false);
    assert.ok(queries > 0);
  });

  test('address table', () => {
    for (const a of ['10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.1.1', '169.254.1.1', '100.64.0.1', 'fd12:3456::1', 'fe80::1', '::ffff:10.0.0.1']) assert.ok(isPrivateAddress(a), a);
    for (const a of ['127.0.0.1', '::1', '8.8.8.8', '172.32.0.1', '172.15.0.1', '100.128.0.1', '2001:db8::1', '192.0.2.1']) assert.ok(!isPrivateAddress(a), a);
    assert.ok(isLoopback('127.0.0.1') && isLoopback('::1') && !isLoopback('10.0.0.1'));
  });
});

describe('known sites', () => {
  test('k12.ar.us: the June 30 cut-off shows in the text and in --json', async () => {
    const client = new HttpClient({ timeoutMs: 1000, transport: async () => { throw new Error('no request may be sent'); } });
    const s = new Session({ baseUrl: 'https://hac.district.k12.ar.us/plus360api/v1/abc/', consumerKey: 'OneRoster_ABC_1', consumerSecret: '', hygiene: [] }, runOptions({}), client);
    const steps = await runSteps(s, [{ id: 'url', title: 'Base URL', checks: [urlStatic] }]);
    const report = await buildReport(s, steps, 'test');
    const json = JSON.stringify(report);
    assert.match(json, /June 30/);
    const c = report.steps[0]!.checks[0]!;
    assert.deepEqual((c.evidence as { notes: string[] }).notes.filter((n) => /June 30/.test(n)).length, 1);
    assert.match(renderText(report), /every API connection is cut off each June 30 and must be requested again/);
    assert.equal(client.log.length, 0);
  });
});
