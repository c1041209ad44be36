// The data step: field detection, the checks on crafted bodies (through the real client with an
// injected transport), paging detection and whole-district counts against the simulator, and the
// early close of a sampled read.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { DATA_CHECKS } from '../src/checks/data.js';
import { CappedSet, StudentFacts } from '../src/data/facts.js';
import { FieldPicker, parseFieldOptions, roleScore, truthy } from '../src/data/fields.js';
import { HttpClient, type Transport } from '../src/net/client.js';
import { Session, type RunOptions } from '../src/session.js';
import { makeCertificate } from '../src/sim/tls.js';
import type { CheckResult } from '../src/types.js';
import { runCli, simFixture } from './helpers.js';
import type { Report } from '../src/types.js';

const BASE = 'https://hac.example.org/plus360api/v1/abc/';

function opts(over: Partial<RunOptions> = {}): RunOptions {
  return { timeoutMs: 5000, signatureMethod: 'HMAC-SHA1', sampleSize: 500, readAll: false, bodyTimeoutMs: 5000, concurrency: 4, showPii: false, ...over };
}

/** A server in a function: answers each endpoint with the given records (or status). */
function transportFor(bodies: Record<string, unknown[] | number>, seen: string[] = []): Transport {
  return async (url) => {
    seen.push(url);
    const u = new URL(url);
    const resource = u.pathname.split('/').pop()!;
    const b = bodies[resource];
    const status = typeof b === 'number' ? b : b === undefined ? 404 : 200;
    const text = Array.isArray(b) ? JSON.stringify(b) : '{"Message":"no"}';
    return {
      status,
      headers: { 'content-type': 'application/json' },
      body: (async function* () {
        yield new TextEncoder().encode(text);
      })(),
      abort() {},
    };
  };
}

function session(bodies: Record<string, unknown[] | number>, over: Partial<RunOptions> = {}): Session {
  const client = new HttpClient({ timeoutMs: 5000, transport: transportFor(bodies) });
  return new Session({ baseUrl: BASE, consumerKey: 'OneRoster_ABC_1', consumerSecret: 'not-a-real-secret', hygiene: [] }, opts(over), client);
}

async function runData(s: Session): Promise<Record<string, CheckResult>> {
  const out: Record<string, CheckResult> = {};
  for (const c of DATA_CHECKS) out[c.id] = await c.run(s);
  return out;
}

const codes = (r: CheckResult): string[] => (r.findings ?? []).map((f) => f.code);

const schools = [{ SchoolId: '010', Name: 'A' }, { SchoolId: '020', Name: 'B' }];
const contacts = [{ ContactId: 'c1' }, { ContactId: 'c2' }];

describe('field detection', () => {
  test('names that fit a role score, names that do not score 0', () => {
    assert.ok(roleScore('building', 'Building') > 0);
    assert.ok(roleScore('building', 'BLDG_CODE') > 0);
    assert.equal(roleScore('building', 'FirstName'), 0);
    assert.ok(roleScore('status', 'Enrollment Status') > roleScore('status', 'Status'));
    assert.ok(roleScore('outOfDistrict', 'OUT_OF_DISTRICT') > 0);
    assert.equal(roleScore('outOfDistrict', 'District'), 0);
  });

  test('a field named by the user wins over a better-looking name', () => {
    const p = new FieldPicker(['building'], { building: 'campus code' });
    p.observe({ Building: '010', CampusCode: '020' });
    assert.equal(p.field('building'), 'CampusCode');
  });

  test('--field values are parsed, and a wrong role is refused', () => {
    assert.deepEqual(parseFieldOptions(['status=REG_STATUS', 'Building=Campus']), { status: 'REG_STATUS', building: 'Campus' });
    assert.throws(() => parseFieldOptions(['colour=Red']), /role one of/);
  });

  test('flags and capped sets', () => {
    assert.ok(truthy('Y') && truthy(true) && truthy(1) && truthy('yes'));
    assert.ok(!truthy('N') && !truthy(false) && !truthy(0) && !truthy(''));
    const s = new CappedSet(2);
    s.add('a');
    s.add('b');
    s.add('a');
    assert.equal(s.capped, false);
    s.add('c');
    assert.equal(s.capped, true);
    assert.equal(s.items.size, 2);
  });

  test('student facts keep codes and counts, not names', () => {
    const f = new StudentFacts();
    f.add({ FirstName: 'Zorvin', Building: '010', EnrollmentStatus: 'a', OutOfDistrict: 'Y' });
    f.add({ FirstName: 'Quelmor', Building: '010', EnrollmentStatus: 'P', OutOfDistrict: 'N' });
    assert.deepEqual([...f.buildings.counts], [['010', 2]]);
    assert.deepEqual([...f.statuses.counts], [['A', 1], ['P', 1]]);
    assert.equal(f.oodTrue, 1);
    assert.ok(!JSON.stringify([...f.buildings.counts, ...f.statuses.counts]).includes('Zorvin'));
  });
});

describe('data checks on crafted bodies', () => {
  test('unknown buildings, no pre-registered or out-of-district students, missing contacts, empty UDRegUser', async () => {
    const students = [
      { StudentId: '1', Building: '010', EnrollmentStatus: 'A', OutOfDistrict: false },
      { StudentId: '2', Building: '099', EnrollmentStatus: 'A', OutOfDistrict: false },
      { StudentId: '3', Building: '098', EnrollmentStatus: 'I', OutOfDistrict: false },
    ];
    const s = session({
      School: schools,
      Student: students,
      Contact: contacts,
      StudentContact: [{ StudentId: '1', ContactId: 'c1' }, { StudentId: '2', ContactId: 'c9' }],
      UDRegUser: [],
      ContactAddress: [],
      ContactPhone: [],
    });
    const r = await runData(s);
    assert.equal(r['data.buildings']!.status, 'warn');
    assert.deepEqual(codes(r['data.buildings']!), ['STUDENT_BUILDING_UNKNOWN']);
    assert.equal(r['data.buildings']!.evidence!.recordsWithUnknownBuilding, 2);
    assert.deepEqual(codes(r['data.prereg']!), ['PREREG_NOT_OBSERVED']);
    assert.deepEqual(r['data.prereg']!.evidence!.statusValues, { A: 2, I: 1 });
    assert.deepEqual(codes(r['data.out-of-district']!), ['OUT_OF_DISTRICT_NOT_OBSERVED']);
    assert.match(r['data.out-of-district']!.detail, /not observed|No out-of-district/);
    assert.deepEqual(codes(r['data.contacts']!), ['CONTACT_LINK_MISSING']);
    assert.equal(r['data.contacts']!.evidence!.missingContacts, 1);
    assert.deepEqual(codes(r['data.udreg']!), ['UDREG_NOT_MAPPED']);
  });

  test('relabelled fields are found by name, or skipped with a reason naming the way out', async () => {
    const s = session({
      School: [{ BLDG: '10' }, { BLDG: '20' }],
      Student: [{ Bldg_Code: '10', REG_STATUS: 'PRE', OOD_FLAG: 'Y' }],
      Contact: contacts,
      StudentContact: [{ Person: 'c1' }],
      UDRegUser: [{ FieldName: 'X' }],
    });
    const r = await runData(s);
    assert.equal(r['data.buildings']!.status, 'pass', r['data.buildings']!.detail);
    assert.equal(r['data.buildings']!.evidence!.studentField, 'Bldg_Code');
    assert.equal(r['data.prereg']!.status, 'pass', r['data.prereg']!.detail);
    // OOD_FLAG does not look like an out-of-district flag by name: skipped, and the fix is named.
    assert.equal(r['data.out-of-district']!.status, 'skip');
    assert.match(r['data.out-of-district']!.detail, /--field outOfDistrict=/);
    assert.equal(r['data.contacts']!.status, 'skip');
    assert.match(r['data.contacts']!.detail, /--field linkContactId=/);
    assert.equal(r['data.udreg']!.status, 'pass');

    const named = session({
      School: schools,
      Student: [{ Building: '010', REG_STATUS: 'A', OOD_FLAG: 'Y' }],
      Contact: contacts,
      StudentContact: [{ Person: 'c1' }],
    }, { fields: { outOfDistrict: 'OOD_FLAG', linkContactId: 'Person' } });
    const n = await runData(named);
    assert.equal(n['data.out-of-district']!.status, 'pass', n['data.out-of-district']!.detail);
    assert.equal(n['data.contacts']!.status, 'pass', n['data.contacts']!.detail);
  });

  test('an unreadable endpoint skips the checks that need it', async () => {
    const s = session({ School: schools, Student: 401, Contact: 401, StudentContact: [], UDRegUser: 401 });
    const r = await runData(s);
    for (const id of ['data.buildings', 'data.prereg', 'data.out-of-district', 'data.contacts', 'data.udreg']) {
      assert.equal(r[id]!.status, 'skip', `${id}: ${r[id]!.detail}`);
    }
  });
});

describe('against the simulator', () => {
  for (const paging of [true, false]) {
    test(`paging ${paging ? 'honoured' : 'ignored'} is detected`, async () => {
      const fx = await simFixture('healthy', { paging });
      try {
        const client = new HttpClient({ timeoutMs: 5000, extraCaPems: [fx.sim.caPem] });
        const s = new Session({ baseUrl: fx.sim.baseUrl, consumerKey: fx.sim.vendorKey, consumerSecret: fx.sim.vendorSecret, hygiene: [] }, opts(), client);
        const r = await s.paging();
        assert.ok(r);
        assert.equal(r.status, paging ? 'honoured' : 'ignored', r.reason);
        const pages = fx.sim.requests.filter((q) => /limit=2/.test(q.query));
        assert.equal(pages.length, 2);
      } finally {
        await fx.close();
      }
    });
  }

  test('a sampled read stops early and the connection is really closed', async () => {
    const { key, cert } = await makeCertificate();
    let closed!: () => void;
    const sawClose = new Promise<void>((r) => (closed = r));
    let written = 0;
    const server = createServer({ key, cert }, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.on('close', () => closed());
      res.write('[');
      // Endless records: only an abort by the client ends this response.
      const more = () => {
        while (!res.destroyed) {
          const ok = res.write(`{"Id":${written++}},`);
          if (!ok) return void res.once('drain', more);
        }
      };
      more();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const client = new HttpClient({ timeoutMs: 5000, extraCaPems: [cert] });
      const ex = await client.get({ url: `https://127.0.0.1:${port}/x`, maxRecords: 5 });
      assert.equal(ex.body?.records, 5);
      assert.equal(ex.body?.complete, false);
      const timeout = new Promise<string>((r) => setTimeout(() => r('still open'), 4000).unref());
      assert.equal(await Promise.race([sawClose.then(() => 'closed'), timeout]), 'closed');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  test('diagnose --all counts 20,000 students exactly (spawned CLI)', async () => {
    const fx = await simFixture('dob-partial', { paging: true, counts: { schools: 6, students: 20_000, contacts: 100 } });
    try {
      const r = await runCli(['diagnose', '--all', '--json', '--ca', fx.caFile], { env: fx.env, timeoutMs: 60_000 });
      const report = JSON.parse(r.stdout) as Report;
      // The simulator leaves every fifth birth date empty (i % 5 === 2), marks i % 12 === 5 pre-registered
      // and i % 15 === 7 out of district.
      assert.deepEqual(report.dateOfBirth, { status: 'partial', field: 'BirthDate', checked: 20_000, withValue: 16_000 });
      const data = report.steps.find((s) => s.id === 'data')!;
      const check = (id: string) => data.checks.find((c) => c.id === id)!;
      assert.equal(check('data.prereg').evidence!.preregistered, 1667);
      assert.deepEqual(check('data.prereg').evidence!.statusValues, { A: 18_333, P: 1667 });
      assert.equal(check('data.out-of-district').evidence!.outOfDistrict, 1333);
      assert.equal(check('data.buildings').status, 'pass');
      assert.equal(check('data.paging').evidence!.status, 'honoured');
      const student = report.subscriptions.find((s) => s.resource === 'Student')!;
      assert.equal(student.records, 20_000);
      // One read of Student (the probe itself reads everything with --all), plus the two paging pages.
      assert.equal(fx.sim.requests.filter((q) => q.path.endsWith('/Student') && q.query === '').length, 1);
      for (const v of fx.sim.piiValues().slice(0, 2000)) assert.ok(!r.stdout.includes(v), 'no student values in the output');
    } finally {
      await fx.close();
    }
  });
});
