// diagnose and the single-step commands: the same registry, cut at a different step.
import { STEPS } from '../checks/registry.js';
import type { StepDef } from '../checks/check.js';
import { buildReport, runSteps, type StepListener } from '../runner.js';
import type { Session } from '../session.js';
import type { Report, StepId } from '../types.js';
import { VERSION } from '../version.js';
import { makeSession, resolveInputs, type CommonFlags, type Need } from './common.js';
import type { ShareFlags } from '../wizard/share.js';

export type CommandName = 'check-url' | 'auth' | 'probe-endpoints' | 'dob-check' | 'diagnose';

const PLAN: Record<CommandName, { steps: StepId[]; need: Need }> = {
  'check-url': { steps: ['url', 'tls'], need: { url: true, key: false, secret: false } },
  auth: { steps: ['url', 'tls', 'auth'], need: { url: true, key: true, secret: true } },
  'probe-endpoints': { steps: ['url', 'tls', 'auth', 'subscriptions'], need: { url: true, key: true, secret: true } },
  'dob-check': { steps: ['url', 'tls', 'auth', 'dob'], need: { url: true, key: true, secret: true } },
  diagnose: { steps: ['url', 'tls', 'auth', 'subscriptions', 'dob', 'data'], need: { url: true, key: true, secret: true } },
};

export function stepsFor(cmd: CommandName): StepDef[] {
  return STEPS.filter((s) => PLAN[cmd].steps.includes(s.id));
}

export async function diagnoseSession(s: Session, cmd: CommandName, listener?: StepListener): Promise<Report> {
  // Send what the steps will need up front, so the run costs a few round trips, not one per step.
  s.warm(PLAN[cmd].steps);
  const results = await runSteps(s, stepsFor(cmd), listener);
  return buildReport(s, results, VERSION);
}

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const stdio: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
};

/** Runs a command end to end and returns its exit code (0 pass, 1 a check failed). */
export async function runCommand(cmd: CommandName, flags: CommonFlags, io: Io = stdio, extra: Parameters<typeof makeSession>[2] = {}): Promise<number> {
  const { inputs, notes } = await resolveInputs(flags, PLAN[cmd].need);
  const session = makeSession(inputs, flags, extra);
  for (const n of notes) io.err(`warning: ${n}`);
  const report = await present(session, cmd, flags, io);
  return report.verdict === 'pass' ? 0 : 1;
}

export async function present(session: Session, cmd: CommandName, flags: CommonFlags & ShareFlags, io: Io): Promise<Report> {
  const share = flags.report || flags.caseText || flags.emailText ? await import('../wizard/share.js') : null;
  const reportFile = flags.report ? share!.reportPath(flags.report) : undefined;
  let report: Report;
  if (flags.json) {
    report = await diagnoseSession(session, cmd);
    if (!flags.verbose) delete report.requests;
    io.out(JSON.stringify(report, null, 2));
  } else {
    const { live } = await import('../render/live.js');
    report = await live(session, cmd, flags, io);
  }
  share?.shareAfterRun(report, flags, { requests: session.client.log }, io, reportFile);
  return report;
}
