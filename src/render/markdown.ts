// The Markdown report a district can forward: target (masked key, secret fingerprint), each step,
// findings by who must act, and an evidence table to find every call in the eSchoolPLUS API Log.
// Check evidence objects are left out on purpose: they may hold sample values. Decides nothing.
import { OWNER_TITLES } from '../findings.js';
import type { Owner, Report, Status } from '../types.js';
import { byTime, profileChanges, utc, type TextOptions } from './case-text.js';

const MARK: Record<Status, string> = { pass: '✅ pass', warn: '⚠️ warning', fail: '❌ fail', skip: '➖ skipped', error: '‼️ error' };
const OWNER_ORDER: Owner[] = ['district', 'powerschool', 'vendor'];

/** Text in a paragraph or table cell: nothing in it may turn into markup or break the table. */
export function md(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    // '>' only quotes at the start of a line, which md() text never is, so screen paths stay readable;
    // '<' only matters where it could open an HTML tag.
    .replace(/[\\`*_[\]|#]/g, (c) => `\\${c}`)
    .replace(/<(?=[A-Za-z/!?])/g, '&lt;');
}

function code(text: string): string {
  const t = text.replace(/\r?\n/g, ' ').replace(/\|/g, '%7C');
  return t.includes('`') ? `\`\` ${t} \`\`` : `\`${t}\``;
}

export function renderMarkdown(r: Report, o: TextOptions = {}): string {
  const requests = byTime(o.requests ?? r.requests ?? []);
  const at = utc(o.generatedAt ?? new Date());
  const fails = r.findings.filter((f) => f.severity === 'fail').length;
  const warns = r.findings.length - fails;
  const out: string[] = [];
  out.push('# PLUS 360 connection report');
  out.push('');
  out.push(`Made by esp-doctor ${md(r.tool.version)} on ${at}. **Verdict: ${r.verdict.toUpperCase()}**` +
    (r.findings.length ? ` (${fails} problem${fails === 1 ? '' : 's'}, ${warns} warning${warns === 1 ? '' : 's'}).` : ' (no problems found).'));
  out.push('');
  out.push('This report holds no consumer secret (only its fingerprint) and no student or contact data, so it can be forwarded to PowerSchool or the vendor.');
  out.push('');
  out.push('## Target');
  out.push('');
  out.push('| | |');
  out.push('|---|---|');
  out.push(`| Base URL | ${r.target.baseUrl ? code(r.target.baseUrl) : '(not given)'} |`);
  out.push(`| Consumer key | ${r.target.consumerKey ? `${code(r.target.consumerKey)} (masked)` : '(not given)'} |`);
  out.push(`| Consumer secret | ${r.target.secretFingerprint ? `fingerprint ${code(r.target.secretFingerprint)}; compare it with \`esp-doctor\` on the other side` : '(not given)'} |`);
  if (o.referenceDistrict) out.push(`| Reference district | ${md(o.referenceDistrict)} |`);
  out.push('');

  out.push('## Who must act');
  out.push('');
  if (!r.findings.length) out.push('Nobody: every check passed.');
  for (const owner of OWNER_ORDER) {
    const list = r.findings.filter((f) => f.owner === owner);
    if (!list.length) continue;
    out.push(`### ${OWNER_TITLES[owner]}`);
    out.push('');
    for (const f of list) {
      out.push(`- ${f.severity === 'fail' ? '❌' : '⚠️'} ${code(f.code)}${f.resource ? ` (${md(f.resource)})` : ''}: ${md(f.message)}  `);
      out.push(`  **Fix:** ${md(f.fix)}`);
    }
    out.push('');
  }
  const items = profileChanges(r.findings, r.target.consumerKey);
  if (items.length) {
    out.push('### API Profile changes, as a checklist');
    out.push('');
    for (const it of items) out.push(`- [ ] ${md(it.setting)}`);
    out.push('');
  }

  if (out[out.length - 1] !== '') out.push('');
  out.push('## Steps');
  out.push('');
  for (const st of r.steps) {
    out.push(`### ${md(st.title)}: ${MARK[st.status]}`);
    out.push('');
    for (const c of st.checks) {
      out.push(`- ${MARK[c.status]} **${md(c.title)}**: ${md(c.detail)}`);
      if (c.fix && (c.status === 'fail' || c.status === 'warn')) out.push(`  - Fix (${OWNER_TITLES[c.owner]}): ${md(c.fix)}`);
    }
    out.push('');
  }

  if (r.subscriptions.length) {
    out.push('## Subscriptions');
    out.push('');
    out.push('| Resource | Subscription (API Profile) | HTTP | Verdict | Records | ms |');
    out.push('|---|---|---|---|---|---|');
    for (const s of r.subscriptions) {
      const records = s.records === null ? '' : `${s.records}${s.recordsCapped ? '+' : ''}`;
      out.push(`| ${md(s.resource)} | ${md(s.label)} | ${s.httpStatus ?? '-'} | ${md(s.status.replace('_', ' '))}${s.note ? ` (${md(s.note)})` : ''} | ${records} | ${s.ms ?? ''} |`);
    }
    out.push('');
  }

  const d = r.dateOfBirth;
  out.push('## Date of Birth');
  out.push('');
  out.push(d.status === 'unknown'
    ? `Not checked${d.reason ? `: ${md(d.reason)}` : ''}.`
    : d.field
      ? `${md(d.status)}: field ${code(d.field)} has a value on ${d.withValue} of ${d.checked} Student records checked.`
      : `${md(d.status)}: no date-of-birth field on any of the ${d.checked} Student records checked.`);
  out.push('');

  out.push('## Evidence: every request esp-doctor sent');
  out.push('');
  out.push('Times are UTC (convert to the server\'s time zone). Signed calls that passed authentication should appear in the eSchoolPLUS API Log under this consumer key (Caller ID); calls rejected before authentication or sent to an unknown path may not appear there at all, which is itself a clue.');
  out.push('');
  if (!requests.length) {
    out.push('No request was sent.');
  } else {
    out.push('| # | Time (UTC) | Method | URL | Signed | HTTP status | ms |');
    out.push('|---|---|---|---|---|---|---|');
    requests.forEach((q, i) => {
      out.push(`| ${i + 1} | ${utc(q.at, true)} | ${q.method} | ${code(q.url)} | ${q.signed ? 'yes' : 'no'} | ${q.status ?? md(q.error ?? '-')} | ${q.ms} |`);
    });
  }
  out.push('');
  return out.join('\n');
}
