// The shareable outputs: the Markdown report (evidence table, findings by owner, nothing secret or
// personal), the PowerSchool case text and the tier-2 e-mail; renderers alone and through the CLI.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseText, emailText, profileChanges } from '../src/render/case-text.js';
import { renderMarkdown } from '../src/render/markdown.js';
import type { Finding, Report } from '../src/types.js';
import { runCli, simFixture, tempDir } from './helpers.js';

const tmp = () => tempDir('esp-doctor-report-');

function report(findings: Finding[], over: Partial<Report> = {}): Report {
  return {
    schemaVersion: 1,
    tool: { name: 'esp-doctor', version: '9.9.9' },
    target: { baseUrl: 'https://hac.example.org/plus360api/v1/abc/', consumerKey: 'OneR…_123', secretFingerprint: 'sha256:0123abcd' },
    steps: [{ id: 'url', title: 'Base URL', status: 'pass', checks: [{ id: 'url.shape', status: 'pass', title: 'Base URL shape', detail: 'ok', owner: 'none' }] }],
    subscriptions: [],
    dateOfBirth: { status: 'unknown', field: null, checked: 0, withValue: 0, reason: 'not checked in this run' },
    findings,
    verdict: findings.some((f) => f.severity === 'fail') ? 'fail' : 'pass',
    requests: [
      { at: '2025-03-04T05:06:08.000Z', method: 'GET', url: 'https://hac.example.org/plus360api/v1/abc/eSchoolPLUS/School', signed: true, status: 401, ms: 40 },
      { at: '2025-03-04T05:06:07.000Z', method: 'GET', url: 'https://hac.example.org/plus360api/v1/abc/', signed: false, status: 401, ms: 30 },
    ],
    ...over,
  };
}

const f = (code: string, owner: Finding['owner'], message: string, resource?: string): Finding => ({ code, severity: 'fail', owner, message, fix: `fix for ${code}`, ...(resource ? { resource } : {}) });

describe('renderers', () => {
  test('markdown: text cannot break the tables or inject markup; evidence in the order sent', () => {
    const md = renderMarkdown(report([f('BAD_RESPONSE', 'powerschool', 'a | b <script>x</script> *c*')]));
    const row = md.split('\n').find((l) => l.includes('BAD\\_RESPONSE') || l.includes('`BAD_RESPONSE`'))!;
    assert.ok(row.includes('a \\| b &lt;script>x&lt;/script> \\*c\\*'), row);
    assert.ok(!/<[a-z/]/i.test(row), 'no tag can open');
    const evidence = md.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    assert.equal(evidence.length, 2);
    for (const l of evidence) assert.equal(l.split(' | ').length, 7, l);
    assert.match(evidence[0]!, /^\| 1 \| 2025-03-04 05:06:07\.000 UTC \| GET \| `https:\/\/hac\.example\.org\/plus360api\/v1\/abc\/` \| no \| 401 \| 30 \|$/);
  });

  test('case text: only the items to change, exact labels, masked key, reference district, evidence', () => {
    const r = report([
      f('SUBSCRIPTION_MISSING', 'district', 'ContactPhone rejected', 'ContactPhone'),
      f('DOB_NOT_ENABLED', 'district', 'no dob', 'Student'),
      f('TLS_EXPIRED', 'district', 'certificate expired'),
    ]);
    const t = caseText(r, { referenceDistrict: 'Lakeside USD' });
    assert.match(t, /1\. Subscriptions: tick "Get eSchoolPLUS\/ContactPhone \(v1\)"/);
    assert.match(t, /2\. Subscriptions > "Get eSchoolPLUS\/Student \(v1\)" > View detail \(API Profile Endpoint Advanced Settings\): tick "Date of Birth"/);
    assert.doesNotMatch(t, /3\./, 'the certificate is district IT\'s, not an API Profile item');
    assert.match(t, /Consumer key: +OneR…_123 \(masked/);
    assert.match(t, /Reference district: Lakeside USD/);
    assert.match(t, /2025-03-04 05:06:07\.000 UTC  GET https:\/\/hac\.example\.org\/plus360api\/v1\/abc\/  unsigned  401  30 ms\n {2}2025-03-04 05:06:08/);
  });

  test('case text maps every credentials finding to an API Profile setting', () => {
    const codes = ['AUTH_REJECTED', 'AUTH_CONSUMER_KEY_UNKNOWN', 'AUTH_SIGNATURE_INVALID', 'AUTH_CLOCK_SKEW', 'AUTH_SIGNATURE_METHOD', 'AUTH_PROFILE_INACTIVE', 'API_NOT_FOUND', 'ENDPOINT_NOT_FOUND'];
    const items = profileChanges(codes.map((c) => f(c, 'district', c, c === 'ENDPOINT_NOT_FOUND' ? 'Contact' : undefined)), 'OneR…_123');
    assert.equal(items.length, codes.length);
    assert.match(items.find((i) => i.why === 'AUTH_PROFILE_INACTIVE')!.setting, /Tick "Active"/);
    assert.match(items.find((i) => i.why === 'AUTH_SIGNATURE_METHOD')!.setting, /"HMAC-SHA-1"/);
    assert.match(items.find((i) => i.why === 'AUTH_CONSUMER_KEY_UNKNOWN')!.setting, /OneR…_123/);
    assert.match(items.find((i) => i.why === 'ENDPOINT_NOT_FOUND')!.setting, /"Get eSchoolPLUS\/Contact \(v1\)"/);
  });

  test('nothing to change: no case; the e-mail still reports the result', () => {
    const r = report([]);
    assert.match(caseText(r), /No PowerSchool case is needed/);
    const e = emailText(r, { referenceDistrict: 'Lakeside USD' });
    assert.match(e, /^Subject: PLUS 360 connection check for hac\.example\.org: all checks passed/);
    assert.match(e, /Consumer secret fingerprint: sha256:0123abcd/);
    assert.match(e, /No problems were found/);
  });
});

describe('diagnose with --report, --case-text, --email-text', () => {
  test('the Markdown report: evidence for every request, findings by owner, no secret, no student or contact data', async () => {
    const fx = await simFixture('demo');
    try {
      const file = join(tmp(), 'report.md');
      const r = await runCli(['diagnose', '--report', file, '--ca', fx.caFile, '--timeout', '10', '--show-pii', '--verbose'], { env: fx.env });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /Report saved to .*report\.md/);
      const md = readFileSync(file, 'utf8');
      assert.match(md, /\*\*Verdict: FAIL\*\*/);
      assert.match(md, /### District IT\n\n- ❌ `SUBSCRIPTION_MISSING` \(Contact\)/);
      assert.match(md, /`DOB_NOT_ENABLED`/);
      assert.match(md, /- \[ \] Subscriptions: tick "Get eSchoolPLUS\/ContactPhone \(v1\)"/);
      assert.match(md, /\| # \| Time \(UTC\) \| Method \| URL \| Signed \| HTTP status \| ms \|/);
      const rows = md.split('\n').filter((l) => /^\| \d+ \| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC \| GET \| `https:\/\/127\.0\.0\.1:\d+\/plus360api\/v1\/demo\/.*` \| (yes|no) \| \d{3} \| \d+ \|$/.test(l));
      assert.equal(rows.length, fx.sim.requests.length, 'one evidence row per request the server received');
      assert.ok(rows.some((l) => / \| yes \| 401 \| /.test(l)), 'the refused ContactPhone/Contact calls are in the evidence');
      assert.ok(!md.includes(fx.sim.vendorSecret), 'no secret');
      assert.ok(!md.includes(fx.sim.vendorKey), 'the key is masked');
      const leaked = fx.sim.piiValues().filter((v) => md.includes(v));
      assert.deepEqual(leaked, [], 'no student or contact values');
    } finally {
      await fx.close();
    }
  });

  test('--json with --case-text and --email-text: stdout is the JSON document alone, the texts go to stderr', async () => {
    const fx = await simFixture('missing-subscriptions');
    try {
      const r = await runCli(['diagnose', '--json', '--case-text', '--email-text', '--reference-district', 'Lakeside USD', '--ca', fx.caFile, '--timeout', '10'], { env: fx.env });
      assert.equal(r.code, 1, r.stderr);
      const doc = JSON.parse(r.stdout) as Report;
      assert.equal(doc.schemaVersion, 1);
      assert.match(r.stderr, /Reference district: Lakeside USD/);
      const items = [...r.stderr.matchAll(/\d\. Subscriptions: tick "(.+)"/g)].map((m) => m[1]).sort();
      assert.deepEqual(items, ['Get eSchoolPLUS/ContactPhone (v1)', 'Get eSchoolPLUS/UDRegUser (v1)']);
      assert.match(r.stderr, /Subject: PLUS 360 connection check for 127\.0\.0\.1:\d+: 2 problems found/);
      assert.ok(!r.stderr.includes(fx.sim.vendorSecret) && !r.stdout.includes(fx.sim.vendorSecret));
    } finally {
      await fx.close();
    }
  });

  test('a report path that cannot be written: exit 2, one line, checked before anything is sent', async () => {
    const fx = await simFixture('healthy');
    try {
      const r = await runCli(['diagnose', '--report', join(tmp(), 'no', 'such', 'dir', 'r.md'), '--ca', fx.caFile], { env: fx.env });
      assert.equal(r.code, 2);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /--report .*cannot write there \(ENOENT\)/);
      assert.equal(fx.sim.requests.length, 0);
    } finally {
      await fx.close();
    }
  });
});
