// Reasoning across the seven endpoints with the same credentials: the comparison, not any one
// answer, tells a missing subscription from rejected credentials or a missing API.
import { API_PROFILE_PATH } from '../catalog.js';
import { finding } from '../findings.js';
import { netFinding } from '../checks/net-findings.js';
import type { Probe } from '../session.js';
import type { Finding, SubscriptionRow } from '../types.js';

export type Overall = 'some_data' | 'all_rejected' | 'all_not_found' | 'all_network' | 'nothing_usable';

export function overallOf(probes: Probe[]): Overall {
  if (probes.some((p) => p.answer === 'data')) return 'some_data';
  if (probes.every((p) => p.answer === 'not_found')) return 'all_not_found';
  if (probes.every((p) => p.answer === 'network')) return 'all_network';
  if (probes.some((p) => p.answer === 'rejected')) return 'all_rejected';
  return 'nothing_usable';
}

function bodyNote(p: Probe): string {
  const b = p.exchange.body;
  if (!b) return '';
  if (b.kind === 'html') return `a web page${b.htmlTitle ? ` ("${b.htmlTitle.slice(0, 60)}")` : ''}`;
  if (b.kind === 'invalid-json') return `invalid JSON (${b.parseError ?? 'parse error'})`;
  if (b.kind === 'binary') return b.binaryNote ?? 'binary data';
  if (b.kind === 'empty') return p.exchange.status === 204 ? 'empty (204 No Content)' : 'empty';
  if (b.kind === 'xml') return 'XML';
  return b.kind === 'text' ? 'plain text' : b.kind;
}

export function rowOf(p: Probe, overall: Overall): SubscriptionRow {
  const ex = p.exchange;
  const b = ex.body;
  let status: SubscriptionRow['status'];
  let note: string | undefined;
  switch (p.answer) {
    case 'data':
      status = 'ok';
      break;
    case 'rejected':
      status = overall === 'some_data' ? 'missing' : 'unknown';
      if (status === 'unknown') note = 'every endpoint was rejected: credentials, not subscriptions';
      break;
    case 'not_found':
      status = 'not_found';
      break;
    case 'network':
      status = 'error';
      note = ex.error?.kind;
      break;
    default:
      status = 'error';
      note = ex.status && ex.status >= 200 && ex.status < 300 ? bodyNote(p) : `HTTP ${ex.status}`;
  }
  return {
    resource: p.endpoint.resource,
    label: p.endpoint.label,
    status,
    httpStatus: ex.status,
    records: p.answer === 'data' && b ? b.records : null,
    ...(p.answer === 'data' && b && !b.complete ? { recordsCapped: true } : {}),
    ms: ex.ms,
    url: p.url,
    ...(note ? { note } : {}),
  };
}

/** The subscription table's rows: each endpoint judged against what all of them answered. */
export function subscriptionRows(probes: Probe[]): SubscriptionRow[] {
  const overall = overallOf(probes);
  return probes.map((p) => rowOf(p, overall));
}

/** Findings about individual endpoints; only meaningful when some endpoint answered with data. */
export function endpointFindings(probes: Probe[]): Finding[] {
  const overall = overallOf(probes);
  const out: Finding[] = [];
  for (const p of probes) {
    const r = p.endpoint.resource;
    const ex = p.exchange;
    if (p.answer === 'rejected' && overall === 'some_data') {
      out.push(
        finding('SUBSCRIPTION_MISSING', 'fail', 'district',
          `${r}: rejected (HTTP ${ex.status}) while other endpoints accept the same credentials, so the API Profile does not subscribe to it.`,
          `${API_PROFILE_PATH} > Subscriptions: tick "${p.endpoint.label}", then Save.`, r),
      );
    } else if (p.answer === 'not_found' && overall !== 'all_not_found') {
      out.push(
        finding('ENDPOINT_NOT_FOUND', 'fail', 'powerschool',
          `${r}: 404 at ${p.url} while other endpoints exist at the same base, so this endpoint is not published on this server.`,
          `Ask PowerSchool (in the case) to enable "${p.endpoint.label}" for the PLUS 360 API on this server; if the path differs on your version, re-run with --path-template.`, r),
      );
    } else if (p.answer === 'network') {
      out.push({ ...netFinding(ex.error!, `${r}`), resource: r });
    } else if (p.answer === 'other') {
      const s = ex.status ?? 0;
      if (s === 429) {
        out.push(finding('RATE_LIMITED', 'warn', 'district', `${r}: the server asked to slow down (429${ex.headers['retry-after'] ? `, Retry-After ${ex.headers['retry-after']}` : ''}).`,
          'Re-run later; if it persists, district IT should check rate limits on the HAC server for the vendor\'s key.', r));
      } else if (s >= 500) {
        out.push(finding('SERVER_ERROR', 'fail', 'powerschool', `${r}: the server failed (HTTP ${s}${ex.body?.htmlTitle ? `, "${ex.body.htmlTitle.slice(0, 60)}"` : ''}).`,
          'District IT: look up this call in the eSchoolPLUS API Log and the IIS logs at the time shown; open a PowerSchool case with that error.', r));
      } else if (s >= 200 && s < 300) {
        out.push(finding('BAD_RESPONSE', 'fail', 'powerschool', `${r}: HTTP ${s} but the body is ${bodyNote(p)}, not the JSON records expected.`,
          'District IT: check that the Base URL points at the PLUS 360 API and not at a web page or sign-in redirect; otherwise open a PowerSchool case.', r));
      } else if (s >= 300 && s < 400) {
        out.push(finding('REDIRECTED', 'fail', 'district', `${r}: redirected (${s}) to ${(ex.headers.location ?? '?').slice(0, 160)}; signed requests are not followed.`,
          'Use the final https address as the Base URL, or remove the redirect for /plus360api/.', r));
      } else {
        out.push(finding('BAD_RESPONSE', 'fail', 'powerschool', `${r}: unexpected HTTP ${s}.`, 'Look this call up in the eSchoolPLUS API Log; open a PowerSchool case if it persists.', r));
      }
    }
  }
  return out;
}
