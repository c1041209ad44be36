// The walk-through end to end, with scripted answers instead of a person and the real simulator
// over HTTPS: the same registry, Session and findings as diagnose, driven one step at a time.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESOURCES, startSimulator, type RunningSimulator } from '../src/sim/index.js';
import { runWizard, type WizardFlags } from '../src/wizard/index.js';
import type { Choice, WizardPrompter } from '../src/wizard/prompter.js';
import { compareFindings } from '../src/wizard/compare.js';
import type { SpinnerFactory } from '../src/wizard/spinner.js';
import { runCli, tempDir } from './helpers.js';

for (const k of ['ESP_BASE_URL', 'ESP_CONSUMER_KEY', 'ESP_CONSUMER_SECRET']) delete process.env[k];

type Answer = string | boolean | Error | (() => string | boolean);

interface Script {
  prompter: WizardPrompter;
  asked: string[];
  left(): number;
}

/** Answers prompts in order; a prompt that does not match the next expected one fails the test. */
function script(steps: Array<[kind: 'text' | 'secret' | 'select' | 'confirm', match: RegExp, answer: Answer]>): Script {
  const asked: string[] = [];
  const next = (kind: string, message: string): string | boolean => {
    asked.push(`${kind}: ${message}`);
    const step = steps.shift();
    if (!step) throw new Error(`unexpected ${kind} prompt "${message}"`);
    const [k, re, answer] = step;
    if (k !== kind || !re.test(message)) throw new Error(`expected ${k} ${re}, got ${kind} "${message}"`);
    if (answer instanceof Error) throw answer;
    return typeof answer === 'function' ? answer() : answer;
  };
  return {
    asked,
    left: () => steps.length,
    prompter: {
      text: async (m: string) => next('text', m) as string,
      secret: async (m: string) => next('secret', m) as string,
      confirm: async (m: string) => next('confirm', m) as boolean,
      select: async <T extends string>(m: string, choices: Choice<T>[]) => {
        const v = next('select', m) as T;
        assert.ok(choices.some((c) => c.value === v), `"${v}" is not offered at "${m}" (${choices.map((c) => c.value).join(', ')})`);
        return v;
      },
    },
  };
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out: () => out.join('\n'), err: () => err.join('\n') };
}

function ctrlC(): Error {
  const e = new Error('User force closed the prompt with SIGINT');
  e.name = 'ExitPromptError';
  return e;
}

function recordingSpinners(): { factory: SpinnerFactory; texts: string[]; open: () => number } {
  const texts: string[] = [];
  let open = 0;
  return {
    texts,
    open: () => open,
    factory: (text) => {
      open++;
      texts.push(text);
      let stopped = false;
      return {
        text: (v) => void texts.push(v),
        stop: () => {
          if (!stopped) open--;
          stopped = true;
        },
      };
    },
  };
}

async function wizard(sim: RunningSimulator, s: Script, flags: WizardFlags = {}, extra: { spinners?: SpinnerFactory; slowMs?: number; cwd?: string } = {}) {
  const cap = capture();
  const result = await runWizard({
    flags: { timeout: '10', ...flags },
    prompter: s.prompter,
    io: cap.io,
    spinners: extra.spinners ?? null,
    slowMs: extra.slowMs,
    cwd: extra.cwd,
    clientExtra: { extraCaPems: [sim.caPem] },
  });
  return { result, out: cap.out(), err: cap.err() };
}

describe('walk-through against the simulator', () => {
  let dir: string;
  before(() => {
    dir = tempDir('esp-doctor-wizard-');
  });

  test('healthy district: every step passes, a report is saved, the texts say nothing is missing', async () => {
    const sim = await startSimulator({ preset: 'healthy', config: { latencyMs: 40 } });
    try {
      const spin = recordingSpinners();
      const file = join(dir, 'healthy.md');
      const s = script([
        ['text', /Reference district/, 'Springdale Public Schools'],
        ['text', /Base URL/, sim.baseUrl],
        ['text', /Consumer key/, sim.vendorKey],
        ['secret', /secret/i, sim.vendorSecret],
        ['select', /What next/, 'save'],
        ['text', /Save the report as/, file],
        ['select', /What next/, 'case'],
        ['select', /What next/, 'email'],
        ['select', /What next/, 'quit'],
      ]);
      const { result, out } = await wizard(sim, s, {}, { spinners: spin.factory, slowMs: 15 });
      assert.equal(s.left(), 0, 'every scripted answer was used');
      assert.equal(result.exitCode, 0, out);
      assert.equal(result.report?.verdict, 'pass');
      for (const n of [1, 2, 3, 4, 5]) assert.match(out, new RegExp(`Step ${n} of 5`));
      assert.match(out, /Verdict: PASS/);
      assert.match(out, /No PowerSchool case is needed/);
      assert.match(out, /Subject: PLUS 360 connection check for 127\.0\.0\.1:\d+: all checks passed/);
      assert.ok(!out.includes(sim.vendorSecret), 'the secret is never printed');
      // A spinner on every network step, closed again, and it tells what it waits for when slow.
      for (const title of ['Base URL', 'Connection and TLS', 'Credentials', 'Subscriptions', 'Date of Birth']) {
        assert.ok(spin.texts.some((t) => t.startsWith(title)), `spinner for ${title}: ${spin.texts.join(' | ')}`);
      }
      assert.ok(spin.texts.some((t) => /still waiting for ".+" — 127\.0\.0\.1 has not answered yet/.test(t)), spin.texts.join(' | '));
      assert.equal(spin.open(), 0);
      const md = readFileSync(file, 'utf8');
      assert.match(md, /Springdale Public Schools/);
      assert.match(md, /\| # \| Time \(UTC\) \| Method \| URL \| Signed \| HTTP status \| ms \|/);
      assert.ok(!md.includes(sim.vendorSecret));
    } finally {
      await sim.close();
    }
  });

  test('the HAC sign-in page is refused with the reason, nothing is sent to it, then a URL missing its slash is corrected', async () => {
    const sim = await startSimulator({ preset: 'healthy' });
    try {
      const s = script([
        ['text', /Reference district/, ''],
        ['text', /Base URL/, `${sim.origin}/HomeAccess/Account/LogOn`],
        ['text', /Base URL/, sim.baseUrl.replace(/\/$/, '')],
        ['confirm', new RegExp(`Use ${sim.baseUrl.replace(/[.?*+^$()[\]{}|\\/]/g, '\\$&')} instead`), true],
        ['text', /Consumer key/, sim.vendorKey],
        ['secret', /secret/i, sim.vendorSecret],
        ['select', /What next/, 'quit'],
      ]);
      const { result, out } = await wizard(sim, s);
      assert.equal(s.left(), 0);
      assert.equal(result.exitCode, 0, out);
      assert.match(out, /sign-in address \(Home Access Center/);
      assert.match(out, /looks like\s+https:\/\/127\.0\.0\.1:\d+\/plus360api\/v1\//);
      assert.match(out, /missing its trailing slash/);
      assert.equal(sim.requests.filter((r) => /HomeAccess/i.test(r.path)).length, 0, 'a static problem sends nothing');
      assert.equal(result.report?.target.baseUrl, sim.baseUrl);
    } finally {
      await sim.close();
    }
  });

  test('missing subscriptions: exact labels and case text, then the district ticks them and the re-check marks them fixed', async () => {
    const sim = await startSimulator({ preset: 'missing-subscriptions' });
    try {
      const s = script([
        ['secret', /secret/i, sim.vendorSecret],
        ['select', /What next/, 'case'],
        ['select', /What next/, () => {
          sim.setConfig({ subscribed: [...RESOURCES] });
          return 'recheck';
        }],
        ['select', /What next/, 'quit'],
      ]);
      const { result, out } = await wizard(sim, s, { baseUrl: sim.baseUrl, consumerKey: sim.vendorKey, referenceDistrict: 'Lakeside USD' });
      assert.equal(s.left(), 0);
      assert.deepEqual(s.asked.filter((a) => /Base URL|Consumer key|Reference/.test(a)), [], 'flags are not asked again');
      const tick = out.slice(out.indexOf('To fix, tick in the API Profile:'), out.indexOf('Step 5 of 5'));
      assert.match(tick, /> Subscriptions\n/);
      assert.deepEqual([...tick.matchAll(/☐ "(.+)"/g)].map((m) => m[1]).sort(), ['Get eSchoolPLUS/ContactPhone (v1)', 'Get eSchoolPLUS/UDRegUser (v1)']);
      const caseStart = out.indexOf('Subject: PLUS 360 API');
      assert.ok(caseStart > 0, 'case text shown');
      const caseText = out.slice(caseStart, out.indexOf('Thank you.', caseStart));
      assert.match(caseText, /Reference district: Lakeside USD/);
      assert.match(caseText, /Subscriptions: tick "Get eSchoolPLUS\/ContactPhone \(v1\)"/);
      assert.ok(!caseText.includes('tick "Get eSchoolPLUS/School (v1)"'), 'only the missing ones');
      assert.ok(!caseText.includes(sim.vendorKey), 'the key is masked');
      const recheck = out.slice(out.indexOf('Re-check at'));
      assert.match(recheck, /fixed\s+SUBSCRIPTION_MISSING ContactPhone/);
      assert.match(recheck, /fixed\s+SUBSCRIPTION_MISSING UDRegUser/);
      assert.doesNotMatch(recheck, /still there|new {8}/);
      assert.equal(result.runs, 2);
      assert.equal(result.report?.verdict, 'pass');
      assert.equal(result.exitCode, 0);
    } finally {
      await sim.close();
    }
  });

  test('a wrong secret: the reason and who fixes it, then the right one entered again', async () => {
    const sim = await startSimulator({ preset: 'wrong-secret', config: { errorStyle: 'oauth_problem' } });
    try {
      const s = script([
        ['text', /Base URL/, sim.baseUrl],
        ['text', /Consumer key/, sim.vendorKey],
        ['secret', /secret/i, sim.vendorSecret],
        ['select', /What next/, 'reenter'],
        ['text', /Consumer key/, sim.vendorKey],
        ['secret', /secret/i, sim.config.consumerSecret],
        ['select', /What next/, 'quit'],
      ]);
      const { result, out } = await wizard(sim, s, { referenceDistrict: 'x' });
      assert.equal(s.left(), 0);
      assert.match(out, /signature does not match/);
      assert.match(out, /District IT: can fix this/);
      assert.equal(result.exitCode, 0, out);
    } finally {
      await sim.close();
    }
  });

  test('unreachable server: who can fix it, then stop with a summary', async () => {
    const sim = await startSimulator({ preset: 'healthy' });
    await sim.close();
    const s = script([
      ['text', /Base URL/, `${sim.origin}/plus360api/v1/demo/`],
      ['select', /What next/, 'stop'],
      ['select', /What next/, 'quit'],
    ]);
    const { result, out } = await wizard(sim, s, { referenceDistrict: 'x', consumerKey: 'OneRoster_DEMO_001' });
    assert.equal(s.left(), 0);
    assert.match(out, /refused/);
    assert.match(out, /District IT: can fix this on the district side \(DNS, firewall/);
    assert.match(out, /Summary: who must act/);
    assert.equal(result.exitCode, 1);
  });

  test('Ctrl+C at a prompt ends cleanly with 130', async () => {
    const sim = await startSimulator({ preset: 'healthy' });
    try {
      const s = script([
        ['text', /Reference district/, ''],
        ['text', /Base URL/, sim.baseUrl],
        ['text', /Consumer key/, sim.vendorKey],
        ['secret', /secret/i, ctrlC()],
      ]);
      const { result, err } = await wizard(sim, s);
      assert.deepEqual({ code: result.exitCode, cancelled: result.cancelled }, { code: 130, cancelled: true });
      assert.equal(err.trim(), 'Cancelled.');
    } finally {
      await sim.close();
    }
  });

  test('everything given by flags: only the final menu is asked', async () => {
    const sim = await startSimulator({ preset: 'healthy' });
    try {
      const s = script([['select', /What next/, 'quit']]);
      const { result, err } = await wizard(sim, s, { baseUrl: sim.baseUrl, consumerKey: sim.vendorKey, consumerSecret: sim.vendorSecret, referenceDistrict: 'x' });
      assert.deepEqual(s.asked, ['select: What next?']);
      assert.equal(result.exitCode, 0);
      assert.match(err, /shell history/);
    } finally {
      await sim.close();
    }
  });
});

test('findings compare by code and resource across runs', () => {
  const f = (code: string, resource?: string) => ({ code, resource, severity: 'fail' as const, owner: 'district' as const, message: `${code} ${Date.now()}`, fix: '' });
  const changes = compareFindings([f('SUBSCRIPTION_MISSING', 'Contact'), f('DOB_NOT_ENABLED', 'Student')], [f('DOB_NOT_ENABLED', 'Student'), f('AUTH_CLOCK_SKEW')]);
  assert.deepEqual(changes.map((c) => `${c.state}:${c.finding.code}`), ['fixed:SUBSCRIPTION_MISSING', 'still:DOB_NOT_ENABLED', 'new:AUTH_CLOCK_SKEW']);
});

describe('without a terminal', () => {
  test('esp-doctor with no command prints the usage and exits 2', async () => {
    const r = await runCli([]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Usage: esp-doctor/);
  });

  test('wizard exits 2 with one line naming diagnose', async () => {
    const r = await runCli(['wizard']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /esp-doctor diagnose/);
    assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
  });
});

after(() => {
  assert.ok(existsSync(tmpdir()));
});
