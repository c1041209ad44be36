// Walks steps in order, turns throws into `error`, skips steps whose prerequisite failed, and
// assembles the --json report. Decides outcomes; never prints.
import type { StepDef } from './checks/check.js';
import { subscriptionRows } from './diagnosis/endpoints.js';
import { dobSummary } from './checks/dob.js';
import { fingerprint, maskKey } from './inputs.js';
import type { Session } from './session.js';
import type { CheckResult, DobSummary, Finding, Report, Status, StepResult } from './types.js';

// A skipped check does not make a step that otherwise passed look skipped.
const ORDER: Status[] = ['skip', 'pass', 'warn', 'fail', 'error'];

export function worst(statuses: Status[]): Status {
  if (statuses.length && statuses.every((s) => s === 'skip')) return 'skip';
  return statuses.reduce<Status>((a, b) => (ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a), 'skip');
}

export type StepListener = (event: { kind: 'step-start'; step: StepDef } | { kind: 'check-done'; step: StepDef; check: CheckResult }) => void;

export async function runSteps(s: Session, steps: StepDef[], listener?: StepListener): Promise<StepResult[]> {
  const done: StepResult[] = [];
  for (const step of steps) {
    listener?.({ kind: 'step-start', step });
    const skipReason = step.gate?.(s, done);
    const checks: CheckResult[] = [];
    for (const c of step.checks) {
      let r: CheckResult;
      if (skipReason) {
        r = { id: c.id, status: 'skip', title: c.title, detail: `Skipped: ${skipReason}.`, owner: 'none' };
      } else {
        try {
          r = await c.run(s);
        } catch (err) {
          // A bug or an unforeseen answer: report it as this check's error, keep going.
          const msg = err instanceof Error ? err.message : String(err);
          r = { id: c.id, status: 'error', title: c.title, detail: `esp-doctor could not complete this check: ${msg.slice(0, 200)}`, owner: 'vendor' };
        }
      }
      checks.push(r);
      listener?.({ kind: 'check-done', step, check: r });
    }
    done.push({ id: step.id, title: step.title, status: worst(checks.map((c) => c.status)), checks });
  }
  return done;
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.code}|${f.resource ?? ''}|${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export async function buildReport(s: Session, steps: StepResult[], version: string): Promise<Report> {
  const findings = dedupe(steps.flatMap((st) => st.checks.flatMap((c) => c.findings ?? [])));
  const subscriptions: Report['subscriptions'] = s.has('probe-all') ? subscriptionRows(await s.probeAll()) : [];
  const dobStep = steps.find((st) => st.id === 'dob');
  let dateOfBirth: DobSummary = { status: 'unknown', field: null, checked: 0, withValue: 0, reason: 'not checked in this run' };
  if (dobStep) {
    if (dobStep.status === 'skip' && !s.has('dob-summary')) {
      dateOfBirth.reason = dobStep.checks[0]?.detail.replace(/^Skipped: /, '').replace(/\.$/, '') ?? 'skipped';
    } else if (s.has('dob-summary')) {
      dateOfBirth = await dobSummary(s);
    }
  }
  const failed = findings.some((f) => f.severity === 'fail') || steps.some((st) => st.checks.some((c) => c.status === 'fail' || c.status === 'error'));
  return {
    schemaVersion: 1,
    tool: { name: 'esp-doctor', version },
    target: {
      baseUrl: s.inputs.baseUrl.trim(),
      consumerKey: maskKey(s.inputs.consumerKey),
      secretFingerprint: s.inputs.consumerSecret ? fingerprint(s.inputs.consumerSecret) : '',
    },
    steps: steps.map((st) => ({ ...st, checks: st.checks.map(({ findings: _f, ...c }) => c) })),
    subscriptions,
    dateOfBirth,
    findings,
    verdict: failed ? 'fail' : 'pass',
    // In the order sent (the log keeps the order they finished), to match the eSchoolPLUS API Log.
    requests: [...s.client.log].sort((a, b) => a.at.localeCompare(b.at)),
  };
}
