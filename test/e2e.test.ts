// Spawns the built binary against the simulator, one district behaviour at a time, and checks the
// verdict, exit code and the --json contract.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, simFixture } from './helpers.js';
import type { Report } from '../src/types.js';

interface Expect {
  code: number;
  findings: string[];
  dob: Report['dateOfBirth']['status'];
  missing?: string[];
  dobField?: string | null;
  withValue?: number;
}

const ALL = ['School', 'UDRegUser', 'Contact', 'ContactAddress', 'ContactPhone', 'StudentContact', 'Student'];

const CASES: Array<[string, Record<string, unknown>, Expect]> = [
  ['healthy', {}, { code: 0, findings: [], dob: 'ok', missing: [], dobField: 'BirthDate', withValue: 40 }],
  ['demo', {}, { code: 1, findings: ['DOB_NOT_ENABLED', 'SUBSCRIPTION_MISSING:Contact', 'SUBSCRIPTION_MISSING:ContactPhone'], dob: 'missing', missing: ['Contact', 'ContactPhone'], dobField: null }],
  ['missing-subscriptions', {}, { code: 1, findings: ['SUBSCRIPTION_MISSING:ContactPhone', 'SUBSCRIPTION_MISSING:UDRegUser'], dob: 'ok', missing: ['ContactPhone', 'UDRegUser'] }],
  ['forbidden', {}, { code: 1, findings: ['SUBSCRIPTION_MISSING:ContactPhone', 'SUBSCRIPTION_MISSING:UDRegUser'], dob: 'ok', missing: ['ContactPhone', 'UDRegUser'] }],
  ['dob-off', {}, { code: 1, findings: ['DOB_NOT_ENABLED'], dob: 'missing', missing: [], dobField: null, withValue: 0 }],
  ['dob-null', {}, { code: 1, findings: ['DOB_NOT_ENABLED'], dob: 'missing', dobField: 'BirthDate', withValue: 0 }],
  ['dob-partial', {}, { code: 0, findings: ['DOB_PARTIAL'], dob: 'partial', dobField: 'BirthDate', withValue: 32 }],
  ['wrapper', {}, { code: 0, findings: [], dob: 'ok', missing: [], dobField: 'DateOfBirth', withValue: 40 }],
  ['not-installed', {}, { code: 1, findings: ['API_NOT_FOUND'], dob: 'unknown' }],
  // Generic 401s: the cause is not knowable, so no specific cause may be claimed...
  ['wrong-secret', {}, { code: 1, findings: ['AUTH_REJECTED'], dob: 'unknown' }],
  ['unknown-key', {}, { code: 1, findings: ['AUTH_REJECTED'], dob: 'unknown' }],
  ['inactive', {}, { code: 1, findings: ['AUTH_REJECTED'], dob: 'unknown' }],
  // ...except where an experiment proves it.
  ['clock-skew', {}, { code: 1, findings: ['AUTH_CLOCK_SKEW'], dob: 'unknown' }],
  ['sha256-profile', {}, { code: 1, findings: ['AUTH_SIGNATURE_METHOD'], dob: 'unknown' }],
  // With RFC 5849 problem reporting, the server's reason is used.
  ['wrong-secret', { errorStyle: 'oauth_problem' }, { code: 1, findings: ['AUTH_SIGNATURE_INVALID'], dob: 'unknown' }],
  ['unknown-key', { errorStyle: 'oauth_problem' }, { code: 1, findings: ['AUTH_CONSUMER_KEY_UNKNOWN'], dob: 'unknown' }],
  ['inactive', { errorStyle: 'oauth_problem' }, { code: 1, findings: ['AUTH_PROFILE_INACTIVE'], dob: 'unknown' }],
  ['clock-skew', { errorStyle: 'oauth_problem' }, { code: 1, findings: ['AUTH_CLOCK_SKEW'], dob: 'unknown' }],
  ['sha256-profile', { errorStyle: 'oauth_problem' }, { code: 1, findings: ['AUTH_SIGNATURE_METHOD'], dob: 'unknown' }],
  ['missing-subscriptions', { errorStyle: 'oauth_problem', pathStyle: 'flat', shape: 'wrapper' }, { code: 1, findings: ['SUBSCRIPTION_MISSING:ContactPhone', 'SUBSCRIPTION_MISSING:UDRegUser'], dob: 'ok', missing: ['ContactPhone', 'UDRegUser'] }],
];

function codes(r: Report): string[] {
  return r.findings.map((f) => (f.code === 'SUBSCRIPTION_MISSING' ? `${f.code}:${f.resource}` : f.code)).sort();
}

describe('diagnose --json against every simulator preset', { concurrency: 3 }, () => {
  for (const [preset, config, want] of CASES) {
    const label = `${preset}${Object.keys(config).length ? ' ' + JSON.stringify(config) : ''}`;
    test(label, async () => {
      const fx = await simFixture(preset, config);
      try {
        const r = await runCli(['diagnose', '--json', '--ca', fx.caFile, '--timeout', '10'], { env: fx.env });
        assert.equal(r.code, want.code, `exit code; stderr: ${r.stderr}`);
        const report = JSON.parse(r.stdout) as Report;
        assert.equal(report.schemaVersion, 1);
        assert.equal(report.verdict, want.code === 0 ? 'pass' : 'fail');
        assert.deepEqual(codes(report), [...want.findings].sort());
        assert.equal(report.dateOfBirth.status, want.dob);
        if (want.dobField !== undefined) assert.equal(report.dateOfBirth.field, want.dobField);
        if (want.withValue !== undefined) assert.equal(report.dateOfBirth.withValue, want.withValue);
        if (want.missing) {
          assert.deepEqual(report.subscriptions.filter((s) => s.status === 'missing').map((s) => s.resource).sort(), want.missing);
          assert.deepEqual(report.subscriptions.map((s) => s.resource).sort(), [...ALL].sort());
        }
        if (want.findings.some((f) => f.startsWith('AUTH_'))) {
          // Rejected credentials are never reported as seven missing subscriptions.
          assert.ok(!report.subscriptions.some((s) => s.status === 'missing'));
          assert.equal(report.steps.find((s) => s.id === 'subscriptions')?.status, 'skip');
        }
        for (const f of report.findings) {
          assert.ok(['district', 'powerschool', 'vendor', 'none'].includes(f.owner));
          assert.ok(f.fix.length > 10, `${f.code} has a fix`);
        }
        assert.ok(!r.stdout.includes(fx.sim.vendorSecret) && !r.stderr.includes(fx.sim.vendorSecret), 'secret never printed');
        assert.equal(report.target.secretFingerprint.startsWith('sha256:'), true);
      } finally {
        await fx.close();
      }
    });
  }
});

describe('single-step commands', { concurrency: 2 }, () => {
  test('check-url passes on the simulator and sends no signed request', async () => {
    const fx = await simFixture('healthy');
    try {
      const r = await runCli(['check-url', '--json', '--ca', fx.caFile], { env: { ESP_BASE_URL: fx.env.ESP_BASE_URL! } });
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as Report;
      assert.deepEqual(report.steps.map((s) => s.id), ['url', 'tls']);
      assert.ok(fx.sim.requests.every((q) => q.consumerKey === undefined), 'no signed request');
    } finally {
      await fx.close();
    }
  });

  test('auth reports the clock difference and one endpoint on a healthy district', async () => {
    const fx = await simFixture('healthy', { clockOffsetSec: 90 });
    try {
      const r = await runCli(['auth', '--json', '--ca', fx.caFile], { env: fx.env });
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as Report;
      const clock = report.steps.find((s) => s.id === 'auth')!.checks.find((c) => c.id === 'auth.clock')!;
      const skew = (clock.evidence as { skewSec: number }).skewSec;
      assert.ok(Math.abs(skew - 90) <= 2, `skew ${skew}`);
      assert.equal(clock.status, 'warn');
      const signed = fx.sim.requests.filter((q) => q.consumerKey);
      assert.ok(signed.length <= 2, `at most the two path candidates, got ${signed.length}`);
    } finally {
      await fx.close();
    }
  });

  test('probe-endpoints prints the table with labels as the district sees them', async () => {
    const fx = await simFixture('missing-subscriptions');
    try {
      const r = await runCli(['probe-endpoints', '--ca', fx.caFile], { env: fx.env });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /Get eSchoolPLUS\/ContactPhone \(v1\)/);
      assert.match(r.stdout, /ContactPhone\s+│\s+Get eSchoolPLUS\/ContactPhone \(v1\)\s+│\s+401\s+│\s+missing/);
      assert.match(r.stdout, /District IT must act/);
      assert.doesNotMatch(r.stdout, /\u001b\[/, 'NO_COLOR honoured');
    } finally {
      await fx.close();
    }
  });

  test('dob-check --all counts every record', async () => {
    const fx = await simFixture('dob-partial', { counts: { schools: 3, students: 2000, contacts: 10 } });
    try {
      const r = await runCli(['dob-check', '--json', '--all', '--ca', fx.caFile], { env: fx.env });
      const report = JSON.parse(r.stdout) as Report;
      assert.equal(report.dateOfBirth.checked, 2000);
      assert.equal(report.dateOfBirth.withValue, 1600);
      assert.equal(report.dateOfBirth.status, 'partial');
      const sample = await runCli(['dob-check', '--json', '--ca', fx.caFile], { env: fx.env });
      assert.equal((JSON.parse(sample.stdout) as Report).dateOfBirth.checked, 500);
    } finally {
      await fx.close();
    }
  });

  test('--path-template overrides discovery', async () => {
    const fx = await simFixture('healthy', { pathStyle: 'flat' });
    try {
      const wrong = await runCli(['probe-endpoints', '--json', '--ca', fx.caFile, '--path-template', '{base}eSchoolPLUS/{resource}'], { env: fx.env });
      assert.equal(wrong.code, 1);
      assert.deepEqual((JSON.parse(wrong.stdout) as Report).findings.map((f) => f.code), ['API_NOT_FOUND']);
      const right = await runCli(['probe-endpoints', '--json', '--ca', fx.caFile, '--path-template', '{resource}'], { env: fx.env });
      assert.equal(right.code, 0, right.stdout);
    } finally {
      await fx.close();
    }
  });
});

describe('inputs and exit codes', { concurrency: 4 }, () => {
  test('missing secret without a terminal: exit 2 naming the variable', async () => {
    const r = await runCli(['diagnose', '--base-url', 'https://hac.example.invalid/plus360api/v1/abc/', '--consumer-key', 'OneRoster_ABC_1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ESP_CONSUMER_SECRET/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
  });

  test('empty environment value counts as missing', async () => {
    const r = await runCli(['auth'], { env: { ESP_BASE_URL: 'https://h.example.invalid/plus360api/v1/abc/', ESP_CONSUMER_KEY: '', ESP_CONSUMER_SECRET: 'x' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ESP_CONSUMER_KEY/);
  });

  test('http:// is refused before anything is sent: exit 1 with URL_NOT_HTTPS', async () => {
    const r = await runCli(['diagnose', '--json', '--base-url', 'http://127.0.0.1:9/plus360api/v1/abc/', '--consumer-key', 'OneRoster_ABC_1'], { env: { ESP_CONSUMER_SECRET: 'some-long-made-up-secret' } });
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(report.findings.map((f) => f.code), ['URL_NOT_HTTPS']);
    assert.ok(report.steps.filter((s) => s.id !== 'url').every((s) => s.status === 'skip'));
    assert.equal(report.requests, undefined);
  });

  test('secret from stdin, with trailing newline, and whitespace hygiene on the key', async () => {
    const fx = await simFixture('healthy');
    try {
      const r = await runCli(['auth', '--json', '--secret-stdin', '--ca', fx.caFile, '--consumer-key', ` ${fx.sim.vendorKey}\n`], {
        env: { ESP_BASE_URL: fx.env.ESP_BASE_URL! },
        input: fx.sim.vendorSecret + '\n',
      });
      const report = JSON.parse(r.stdout) as Report;
      assert.deepEqual(report.findings.map((f) => f.code), ['CREDENTIAL_HYGIENE']);
      assert.equal(report.findings[0]!.severity, 'warn');
      assert.equal(r.code, 0, 'the trimmed key was tried and worked');
      assert.equal(report.steps.find((s) => s.id === 'auth')!.checks.find((c) => c.id === 'auth.signed')!.status, 'pass');
    } finally {
      await fx.close();
    }
  });

  test('unknown command suggests the closest and exits 2', async () => {
    const r = await runCli(['diagnos']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /diagnose/);
  });

  test('unknown flag exits 2', async () => {
    const r = await runCli(['diagnose', '--frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option/);
  });

  test('sign --json matches the shared vector and never prints the secret', async () => {
    const secret = 'demo-secret-9Qm2Lx';
    const r = await runCli(
      ['sign', 'https://hac.district.org/plus360api/v1/abc/Student?limit=5', '--json', '--consumer-key', 'demo-district-key-7f3a', '--nonce', 'kq8Jt2NzX4vLp9Rs', '--timestamp', '1717171717'],
      { env: { ESP_CONSUMER_SECRET: secret } },
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { signature: string; baseString: string; authorizationHeader: string };
    assert.equal(out.signature, '570WqJdVL94kJN+mUuIf62QPm3A=');
    assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret));
  });

  test('fingerprint matches the report and a plain sha256 of the secret', async () => {
    const { createHash } = await import('node:crypto');
    const secret = 'a-made-up-secret-for-the-test';
    const r = await runCli(['fingerprint'], { env: { ESP_CONSUMER_SECRET: secret } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'sha256:' + createHash('sha256').update(secret).digest('hex').slice(0, 8));
    assert.ok(!r.stdout.includes(secret));
  });

  test('demo exits 0 and shows the broken district', async () => {
    const r = await runCli(['demo']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /SUBSCRIPTION_MISSING Contact/);
    assert.match(r.stdout, /DOB_NOT_ENABLED/);
    assert.match(r.stdout, /Verdict: FAIL/);
  });
});
