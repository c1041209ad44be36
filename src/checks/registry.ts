// The one list of steps that diagnose, the single-step commands and the wizard all walk.
import type { StepResult } from '../types.js';
import { authOutcome, clock, hygiene, signedRequest } from './auth.js';
import type { StepDef } from './check.js';
import { DATA_CHECKS } from './data.js';
import { dobField } from './dob.js';
import { endpoints } from './subscriptions.js';
import { tlsHandshake, unsignedBase } from './tls.js';
import { urlDns, urlStatic } from './url.js';

function failed(before: StepResult[], id: string): StepResult | undefined {
  return before.find((s) => s.id === id && (s.status === 'fail' || s.status === 'error'));
}

export const STEPS: StepDef[] = [
  {
    id: 'url',
    title: 'Base URL',
    checks: [urlStatic, urlDns],
  },
  {
    id: 'tls',
    title: 'Connection and TLS',
    gate(s, before) {
      if (!s.url.effective) return 'nothing can be sent to this Base URL (see above)';
      if (before.find((b) => b.id === 'url')?.checks.some((c) => c.id === 'url.dns' && c.status === 'fail')) return 'the host name does not resolve';
      return undefined;
    },
    checks: [tlsHandshake, unsignedBase],
  },
  {
    id: 'auth',
    title: 'Credentials',
    gate(s, before) {
      if (!s.url.effective) return 'nothing can be sent to this Base URL';
      if (s.url.apiBlocked) return 'the Base URL is not a PLUS 360 API address, so signed requests would prove nothing';
      // --insecure lets the requests go on past a certificate failure (the tls step still fails).
      if ((failed(before, 'tls') && !insecureTlsOnly(s, before)) || before.find((b) => b.id === 'url')?.checks.some((c) => c.id === 'url.dns' && c.status === 'fail'))
        return 'the server could not be reached securely or did not answer (see above)';
      return undefined;
    },
    checks: [hygiene, signedRequest, clock],
  },
  {
    id: 'subscriptions',
    title: 'Subscriptions',
    gate: (s, before) => afterAuth(s, before),
    checks: [endpoints],
  },
  {
    id: 'dob',
    title: 'Date of Birth',
    gate: (s, before) => afterAuth(s, before),
    checks: [dobField],
  },
  {
    id: 'data',
    title: 'Data checks',
    gate: (s, before) => afterAuth(s, before),
    checks: DATA_CHECKS,
  },
];

function insecureTlsOnly(s: Parameters<NonNullable<StepDef['gate']>>[0], before: StepResult[]): boolean {
  const tls = before.find((b) => b.id === 'tls');
  const handshake = tls?.checks.find((c) => c.id === 'tls.handshake');
  const others = tls?.checks.filter((c) => c.id !== 'tls.handshake') ?? [];
  return s.client.insecure && !!handshake && /^TLS_/.test(handshake.findings?.[0]?.code ?? '') && others.every((c) => c.status !== 'fail' && c.status !== 'error');
}

function afterAuth(s: Parameters<NonNullable<StepDef['gate']>>[0], before: StepResult[]): string | undefined {
  const auth = before.find((b) => b.id === 'auth');
  if (!auth) return undefined;
  if (auth.checks.every((c) => c.status === 'skip')) return 'the credentials could not be tried';
  const signed = auth.checks.find((c) => c.id === 'auth.signed');
  if (signed && signed.status !== 'pass') return 'no endpoint accepted the credentials';
  void s;
  void authOutcome;
  return undefined;
}

export function stepsUpTo(last: StepDef['id'], only?: StepDef['id'][]): StepDef[] {
  const idx = STEPS.findIndex((s) => s.id === last);
  const upTo = STEPS.slice(0, idx + 1);
  return only ? upTo.filter((s) => only.includes(s.id)) : upTo;
}
