// Ready-to-paste texts: the PowerSchool support case (only the API Profile items that must change,
// with their exact labels) and the e-mail to the vendor's tier-2 help. Plain text, no colours,
// nothing but the masked key and the secret's fingerprint. Renders a finished report; decides nothing.
import { API_PROFILE_PATH, findEndpoint } from '../catalog.js';
import { OWNER_TITLES } from '../findings.js';
import type { Finding, Owner, Report, RequestRecord, Status } from '../types.js';

export interface TextOptions {
  referenceDistrict?: string;
  /** Every request of the run (Report.requests may have been dropped for --json). */
  requests?: RequestRecord[];
  generatedAt?: Date;
}

export interface ProfileItem {
  setting: string;
  why: string;
}

const OWNER_ORDER: Owner[] = ['district', 'powerschool', 'vendor'];
const STATUS_WORD: Record<Status, string> = { pass: 'OK', warn: 'WARNING', fail: 'FAILED', skip: 'not checked', error: 'ERROR' };

function label(resource: string | undefined): string {
  return (resource && findEndpoint(resource)?.label) || `Get eSchoolPLUS/${resource ?? '?'} (v1)`;
}

/** The API Profile (or server) changes the findings call for, in the order a person would make them. */
export function profileChanges(findings: Finding[], maskedKey: string): ProfileItem[] {
  const key = maskedKey || '(the vendor\'s key)';
  const out: ProfileItem[] = [];
  for (const f of findings) {
    switch (f.code) {
      case 'API_NOT_FOUND':
        out.push({ setting: 'Configure the PLUS 360 API for our vendor on this server', why: f.message });
        break;
      case 'AUTH_CONSUMER_KEY_UNKNOWN':
        out.push({ setting: `Confirm that an API Profile exists with Consumer Key ${key} (the key our vendor uses), or tell us the right key`, why: f.message });
        break;
      case 'AUTH_PROFILE_INACTIVE':
        out.push({ setting: 'Tick "Active" on the API Profile', why: f.message });
        break;
      case 'AUTH_SIGNATURE_METHOD':
        out.push({ setting: 'Set Authentication Method to "OAuth 1.0" and Signature Method to "HMAC-SHA-1"', why: f.message });
        break;
      case 'AUTH_SIGNATURE_INVALID':
        out.push({ setting: 'Confirm the Consumer Secret (or generate a new one) so it can be given to the vendor again by a secure channel, never in this case', why: f.message });
        break;
      case 'AUTH_REJECTED':
        out.push({ setting: `Check that the API Profile with Consumer Key ${key} exists and is "Active", with Authentication Method "OAuth 1.0" and Signature Method "HMAC-SHA-1"`, why: f.message });
        break;
      case 'AUTH_CLOCK_SKEW':
        out.push({ setting: 'Compare the Home Access Center server\'s clock with an internet time source and correct it if it is off (Windows Time / NTP); the check only shows that the two clocks differ', why: f.message });
        break;
      case 'SUBSCRIPTION_MISSING':
        out.push({ setting: `Subscriptions: tick "${label(f.resource)}"`, why: f.message });
        break;
      case 'ENDPOINT_NOT_FOUND':
        out.push({ setting: `Make "${label(f.resource)}" available for the PLUS 360 API on this server`, why: f.message });
        break;
      case 'DOB_NOT_ENABLED':
        out.push({ setting: `Subscriptions > "${label('Student')}" > View detail (API Profile Endpoint Advanced Settings): tick "Date of Birth"`, why: f.message });
        break;
      default:
        break;
    }
  }
  return out;
}

/** "2025-01-31 14:02:03 UTC"; with millis for evidence rows, so calls in one second keep their order. */
export function utc(at: string | Date, millis = false): string {
  const iso = typeof at === 'string' ? at : at.toISOString();
  return iso.replace('T', ' ').replace(millis ? /Z$/ : /(\.\d+)?Z$/, ' UTC');
}

/** In the order they were sent (the log keeps the order they finished). */
export function byTime(requests: RequestRecord[]): RequestRecord[] {
  return [...requests].sort((a, b) => a.at.localeCompare(b.at));
}

/** One request as a line to look up in the eSchoolPLUS API Log, with its time written as `at`. */
export function requestLine(q: RequestRecord, at: string): string {
  return `  ${at}  ${q.method} ${q.url}  ${q.signed ? 'signed' : 'unsigned'}  ${q.status ?? q.error ?? '-'}  ${q.ms} ms${q.note ? `  (${q.note})` : ''}`;
}

export function evidenceLines(requests: RequestRecord[]): string[] {
  if (!requests.length) return ['  (no request was sent)'];
  return byTime(requests).map((q) => requestLine(q, utc(q.at, true)));
}

function when(r: Report, o: TextOptions): string {
  return utc(o.generatedAt ?? (o.requests?.[0] ?? r.requests?.[0])?.at ?? new Date());
}

function requestsOf(r: Report, o: TextOptions): RequestRecord[] {
  return o.requests ?? r.requests ?? [];
}

/** The PowerSchool support case: what to change in the API Profile, and the evidence. */
export function caseText(r: Report, o: TextOptions = {}): string {
  const items = profileChanges(r.findings, r.target.consumerKey);
  const lines: string[] = [];
  if (!items.length) {
    lines.push('No PowerSchool case is needed for the API Profile: this check found nothing PowerSchool has to change.');
    const others = r.findings.filter((f) => f.severity === 'fail');
    if (others.length) lines.push(`The remaining problems are for ${[...new Set(others.map((f) => OWNER_TITLES[f.owner]))].join(' and ')} (see the summary).`);
    return lines.join('\n');
  }
  lines.push(`Subject: PLUS 360 API: API Profile changes needed for consumer key ${r.target.consumerKey || '(not given)'}`);
  lines.push('');
  lines.push('Hello PowerSchool Support,');
  lines.push('');
  lines.push(`Our district connects eSchoolPLUS to our IEP vendor through the PLUS 360 API. A connection check on ${when(r, o)} (esp-doctor ${r.tool.version}) shows that the items below need to change. We can change some API Profile settings ourselves; please make or confirm these changes, and confirm that the PLUS 360 API is configured for our vendor.`);
  lines.push('');
  lines.push(`PLUS 360 Base URL:  ${r.target.baseUrl || '(not given)'}`);
  lines.push(`Consumer key:       ${r.target.consumerKey || '(not given)'} (masked; it is the key of the vendor's API Profile)`);
  if (o.referenceDistrict) lines.push(`Reference district: ${o.referenceDistrict} (same state, already uses this integration)`);
  lines.push('');
  lines.push(`Changes (the API Profile is at ${API_PROFILE_PATH}):`);
  items.forEach((it, i) => {
    lines.push(`  ${i + 1}. ${it.setting}`);
    lines.push(`     Why: ${it.why}`);
  });
  lines.push('');
  lines.push('Evidence: every request of the check (UTC). Signed calls that passed authentication should appear in the eSchoolPLUS API Log under this consumer key; calls rejected before authentication may not.');
  lines.push(...evidenceLines(requestsOf(r, o)));
  lines.push('');
  lines.push('Thank you.');
  return lines.join('\n');
}

/** The e-mail to the vendor's tier-2 help: what was checked, what failed, who acts, the evidence. */
export function emailText(r: Report, o: TextOptions = {}): string {
  const fails = r.findings.filter((f) => f.severity === 'fail').length;
  const host = (() => {
    try {
      return new URL(r.target.baseUrl).host;
    } catch {
      return r.target.baseUrl || 'no Base URL';
    }
  })();
  const lines: string[] = [];
  lines.push(`Subject: PLUS 360 connection check for ${host}: ${r.verdict === 'pass' ? 'all checks passed' : `${fails} problem${fails === 1 ? '' : 's'} found`}`);
  lines.push('');
  lines.push('Hello,');
  lines.push('');
  lines.push(`We checked our eSchoolPLUS PLUS 360 API connection for your IEP product with esp-doctor ${r.tool.version} on ${when(r, o)}.`);
  lines.push('');
  lines.push(`Base URL:                   ${r.target.baseUrl || '(not given)'}`);
  lines.push(`Consumer key:               ${r.target.consumerKey || '(not given)'} (masked)`);
  lines.push(`Consumer secret fingerprint: ${r.target.secretFingerprint || '(not given)'} (compare it with the fingerprint of the secret in your settings; the secret itself is not in this message)`);
  if (o.referenceDistrict) lines.push(`Reference district:         ${o.referenceDistrict}`);
  lines.push('');
  lines.push('Result per step:');
  for (const st of r.steps) lines.push(`  ${st.title}: ${STATUS_WORD[st.status]}`);
  if (r.subscriptions.length) {
    const ok = r.subscriptions.filter((s) => s.status === 'ok').map((s) => s.resource);
    const missing = r.subscriptions.filter((s) => s.status !== 'ok').map((s) => `${s.resource} (${s.status.replace('_', ' ')})`);
    lines.push(`  Subscriptions answering with data: ${ok.length} of ${r.subscriptions.length}${missing.length ? `; not: ${missing.join(', ')}` : ''}`);
  }
  const d = r.dateOfBirth;
  const dob = d.field ? `field ${d.field}, a value on ${d.withValue} of ${d.checked} records checked`
    : d.status === 'unknown' ? d.reason ?? '' : `no date-of-birth field on the ${d.checked} records checked`;
  lines.push(`  Date of Birth: ${d.status}${dob ? ` (${dob})` : ''}`);
  lines.push('');
  if (r.findings.length) {
    lines.push('What must change, by who must act:');
    for (const owner of OWNER_ORDER) {
      const list = r.findings.filter((f) => f.owner === owner);
      if (!list.length) continue;
      lines.push(`  ${OWNER_TITLES[owner]}:`);
      for (const f of list) {
        lines.push(`    - [${f.code}${f.resource ? ` ${f.resource}` : ''}] ${f.message}`);
        lines.push(`      Fix: ${f.fix}`);
      }
    }
  } else {
    lines.push('No problems were found.');
  }
  lines.push('');
  lines.push('Evidence: every request of the check (UTC):');
  lines.push(...evidenceLines(requestsOf(r, o)));
  lines.push('');
  lines.push('The full report (esp-doctor diagnose --report FILE) can be attached; it holds no secret and no student data.');
  return lines.join('\n');
}
