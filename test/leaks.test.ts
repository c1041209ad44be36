// The sweep: every command in every output format, against a healthy and a failing simulated
// district, must never print the consumer secret (the vendor's copy or the server's) nor any
// student or contact value (names, birth dates, e-mail, street, phone) on stdout or stderr.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_SECRET } from '../src/sim/index.js';
import { fingerprint } from '../src/inputs.js';
import { runCli, simFixture, type RunResult, type SimFixture } from './helpers.js';

const COMMANDS = ['check-url', 'auth', 'probe-endpoints', 'dob-check', 'diagnose'];
const FORMATS: string[][] = [[], ['--json'], ['--verbose'], ['--json', '--verbose']];
const PRESETS = ['healthy', 'demo', 'wrong-secret'];

/** Runs jobs with at most `n` at a time (each is a Node start-up on a possibly busy machine). */
async function pool<T>(jobs: Array<() => Promise<T>>, n: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]!();
    }
  }));
  return out;
}

interface Run {
  label: string;
  result: RunResult;
  secrets: string[];
  pii: string[];
}

describe('no secret and no student value in any output', () => {
  const fixtures = new Map<string, SimFixture>();
  let runs: Run[] = [];

  before(async () => {
    for (const p of PRESETS) fixtures.set(p, await simFixture(p));
    const jobs: Array<() => Promise<Run>> = [];
    for (const [preset, fx] of fixtures) {
      const secrets = [fx.sim.vendorSecret, fx.sim.config.consumerSecret];
      const pii = fx.sim.piiValues();
      const add = (label: string, args: string[], input?: string) =>
        jobs.push(async () => ({ label: `${preset}: ${label}`, result: await runCli(args, { env: fx.env, input, timeoutMs: 30_000 }), secrets, pii }));
      for (const cmd of COMMANDS) {
        // Every command and format on the healthy district; on the failing ones the commands that
        // read records, in the verbose formats (the ones that print the most).
        if (preset !== 'healthy' && !(cmd === 'diagnose' || (preset === 'demo' && (cmd === 'dob-check' || cmd === 'probe-endpoints')))) continue;
        for (const f of FORMATS) {
          if (preset !== 'healthy' && !f.includes('--verbose') && !(preset === 'demo' && cmd === 'diagnose')) continue;
          add(`${cmd} ${f.join(' ')}`, [cmd, '--ca', fx.caFile, '--timeout', '10', ...f]);
        }
      }
      if (preset !== 'healthy') continue;
      add('sign text', ['sign', `${fx.sim.baseUrl}eSchoolPLUS/Student?limit=5`, '--nonce', 'n', '--timestamp', '1700000000']);
      add('sign --json', ['sign', `${fx.sim.baseUrl}eSchoolPLUS/Student`, '--json']);
      add('diagnose --secret-stdin', ['diagnose', '--ca', fx.caFile, '--secret-stdin', '--verbose'], fx.sim.vendorSecret + '\n');
      add('dob-check --show-pii', ['dob-check', '--ca', fx.caFile, '--show-pii', '--verbose']);
    }
    const demoPii = (await simFixture('demo')).sim;
    const demoValues = demoPii.piiValues();
    await demoPii.close();
    for (const f of [[], ['--json'], ['--verbose', '--preset', 'healthy']]) {
      jobs.push(async () => ({ label: `demo ${f.join(' ')}`, result: await runCli(['demo', ...f], { timeoutMs: 30_000 }), secrets: [DEMO_SECRET], pii: demoValues }));
    }
    runs = await pool(jobs, 3);
  });

  after(async () => {
    for (const fx of fixtures.values()) await fx.close();
  });

  test('the sweep ran every command and format', () => {
    assert.ok(runs.length >= 35, `${runs.length} runs`);
    for (const r of runs) {
      assert.ok(r.result.code === 0 || r.result.code === 1, `${r.label}: exit ${r.result.code}\n${r.result.stderr.slice(0, 500)}`);
      assert.doesNotMatch(r.result.stderr, /\n\s+at .+:\d+:\d+/, `${r.label}: stack trace`);
    }
    const json = runs.filter((r) => r.label.includes('--json') && !r.label.includes('sign'));
    for (const r of json) JSON.parse(r.result.stdout);
  });

  test('no secret in stdout or stderr, in any spelling', () => {
    let checked = 0;
    for (const r of runs) {
      const out = r.result.stdout + r.result.stderr;
      for (const s of r.secrets) {
        for (const form of new Set([s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)])) {
          assert.ok(!out.includes(form), `${r.label}: the secret appears in the output`);
          checked++;
        }
      }
    }
    assert.ok(checked >= runs.length, `${checked} checks`);
  });

  test('the fingerprint is shown so two people can compare', () => {
    const fx = fixtures.get('healthy')!;
    const fp = fingerprint(fx.sim.vendorSecret);
    const withFp = runs.filter((r) => r.label.startsWith('healthy') && r.label.includes('--json') && !r.label.includes('sign'));
    assert.ok(withFp.length > 0);
    for (const r of withFp) assert.equal(JSON.parse(r.result.stdout).target.secretFingerprint, fp, r.label);
  });

  test('no student or contact value in any output (default, --verbose, --json, --show-pii)', () => {
    let checked = 0;
    for (const r of runs) {
      const out = r.result.stdout + r.result.stderr;
      for (const v of r.pii) {
        if (out.includes(v)) assert.fail(`${r.label}: a student/contact value appears in the output: ${v.replace(/\w/g, '#')}`);
        checked++;
      }
    }
    assert.ok(checked > 5000, `${checked} value checks`);
  });

  test('--show-pii shows at most three masked birth dates, in text only', () => {
    const r = runs.find((x) => x.label.endsWith('dob-check --show-pii'))!;
    const masked = r.result.stdout.match(/\d{4}-\*\*-\*\*/g) ?? [];
    assert.ok(masked.length >= 1 && masked.length <= 3, `masked samples: ${masked.length}\n${r.result.stdout}`);
    for (const x of runs.filter((y) => y.label.includes('--json'))) assert.doesNotMatch(x.result.stdout, /\d{4}-\*\*-\*\*/, x.label);
  });
});
