// Shared vocabulary of checks, findings and the --json report (design.md §3).

export type Status = 'pass' | 'warn' | 'fail' | 'skip' | 'error';
export type Owner = 'district' | 'powerschool' | 'vendor' | 'none';
export type Severity = 'fail' | 'warn';
export type StepId = 'url' | 'tls' | 'auth' | 'subscriptions' | 'dob' | 'data';
export type SignatureMethod = 'HMAC-SHA1' | 'HMAC-SHA256';

export interface Finding {
  code: string;
  severity: Severity;
  owner: Owner;
  message: string;
  fix: string;
  resource?: string;
}

export interface CheckResult {
  id: string;
  status: Status;
  title: string;
  detail: string;
  fix?: string;
  owner: Owner;
  evidence?: Record<string, unknown>;
  findings?: Finding[];
}

export interface StepResult {
  id: StepId;
  title: string;
  status: Status;
  checks: CheckResult[];
}

export type SubscriptionStatus = 'ok' | 'missing' | 'not_found' | 'error' | 'unknown';

export interface SubscriptionRow {
  resource: string;
  label: string;
  status: SubscriptionStatus;
  httpStatus: number | null;
  records: number | null;
  recordsCapped?: boolean;
  ms: number | null;
  url: string;
  note?: string;
}

export type DobStatus = 'ok' | 'missing' | 'partial' | 'unknown';

export interface DobSummary {
  status: DobStatus;
  field: string | null;
  checked: number;
  withValue: number;
  reason?: string;
}

export interface Report {
  schemaVersion: 1;
  tool: { name: 'esp-doctor'; version: string };
  target: { baseUrl: string; consumerKey: string; secretFingerprint: string };
  steps: StepResult[];
  subscriptions: SubscriptionRow[];
  dateOfBirth: DobSummary;
  findings: Finding[];
  verdict: 'pass' | 'fail';
  requests?: RequestRecord[];
}

/** One HTTP exchange, as kept for evidence (never a body, never a secret). */
export interface RequestRecord {
  at: string;
  method: string;
  url: string;
  signed: boolean;
  status: number | null;
  ms: number;
  error?: string;
  /** e.g. "retry: connection reset, waited 400 ms" (src/net/retry.ts). */
  note?: string;
}
