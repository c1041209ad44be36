// The shape every check and step shares. A check never prints and never exits: it returns a result.
import type { Session } from '../session.js';
import type { CheckResult, Finding, Owner, Status, StepId, StepResult } from '../types.js';

export interface Check {
  id: string;
  title: string;
  run(s: Session): Promise<CheckResult>;
}

export interface StepDef {
  id: StepId;
  title: string;
  /** A reason to skip this step given what came before, or undefined to run it. */
  gate?(s: Session, before: StepResult[]): string | undefined;
  checks: Check[];
}

export interface ResultExtras {
  fix?: string;
  owner?: Owner;
  evidence?: Record<string, unknown>;
  findings?: Finding[];
}

export function result(id: string, title: string, status: Status, detail: string, x: ResultExtras = {}): CheckResult {
  return {
    id,
    status,
    title,
    detail,
    ...(x.fix ? { fix: x.fix } : {}),
    owner: x.owner ?? (status === 'pass' || status === 'skip' ? 'none' : x.findings?.[0]?.owner ?? 'none'),
    ...(x.evidence ? { evidence: x.evidence } : {}),
    ...(x.findings?.length ? { findings: x.findings } : {}),
  };
}

/** Status that the worst of these findings implies. */
export function statusOf(findings: Finding[], otherwise: Status = 'pass'): Status {
  if (findings.some((f) => f.severity === 'fail')) return 'fail';
  if (findings.some((f) => f.severity === 'warn')) return 'warn';
  return otherwise;
}

export function fromFindings(id: string, title: string, findings: Finding[], okDetail: string, evidence?: Record<string, unknown>): CheckResult {
  const status = statusOf(findings);
  const first = findings.find((f) => f.severity === 'fail') ?? findings[0];
  return result(id, title, status, first ? findings.map((f) => f.message).join(' ') : okDetail, {
    fix: first?.fix,
    owner: first?.owner,
    findings,
    evidence,
  });
}
