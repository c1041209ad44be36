// Step "dob": does the Student endpoint deliver Date of Birth (a "secure element" that is off
// unless ticked in the endpoint's advanced settings)?
import { ADVANCED_SETTINGS_PATH, API_PROFILE_PATH } from '../catalog.js';
import { endpointFindings } from '../diagnosis/endpoints.js';
import { finding } from '../findings.js';
import type { Session } from '../session.js';
import type { DobSummary } from '../types.js';
import { result, type Check } from './check.js';

export function dobSummary(s: Session): Promise<DobSummary> {
  return s.once('dob-summary', async () => {
    const p = await s.studentRead();
    if (p.answer !== 'data') {
      const why = p.answer === 'rejected' ? `the Student endpoint rejected the request (HTTP ${p.exchange.status})`
        : p.answer === 'not_found' ? 'the Student endpoint was not found (404)'
        : p.exchange.error ? `the Student request failed (${p.exchange.error.kind})`
        : `the Student endpoint answered HTTP ${p.exchange.status} without JSON records`;
      return { status: 'unknown', field: null, checked: 0, withValue: 0, reason: why };
    }
    const sum = p.dob!.summary();
    if (p.exchange.body?.kind === 'invalid-json') sum.reason = 'the Student body was not valid JSON after some records';
    return sum;
  });
}

export const dobField: Check = {
  id: 'dob.field',
  title: 'Date of Birth on Student records',
  async run(s) {
    const d = await dobSummary(s);
    const p = await s.studentRead();
    const complete = !!p.exchange.body?.complete;
    const cutShort = !complete && p.exchange.body?.cappedBy !== 'records';
    const scope = complete ? 'every Student record' : cutShort ? `the first ${d.checked} Student records (the read stopped at the ${p.exchange.body?.cappedBy === 'bytes' ? 'size' : 'time'} limit)` : `the first ${d.checked} Student records (use --all for every record)`;
    const scopeNote = complete ? 'all records read' : cutShort ? 'the read stopped at a limit before the end' : 'a sample; --all reads every record';
    const evidence: Record<string, unknown> = { ...d, scope };
    // Only on request, and masked to the year: support sometimes needs to see the format.
    const samples = s.opts.showPii && p.dob ? p.dob.maskedSamples() : [];
    const sampleText = samples.length ? ` Samples (masked): ${samples.join(', ')}.` : '';
    const fix = `${ADVANCED_SETTINGS_PATH}: tick "Date of Birth", then Save.`;
    switch (d.status) {
      case 'unknown': {
        // Date of Birth could not be verified: that is a failed check, never a silent pass.
        const findings = p.answer === 'data'
          ? [finding('NO_STUDENT_RECORDS', 'fail', 'district',
            `The Student endpoint answered but with no student records (${p.exchange.body?.records ?? 0} values, ${p.exchange.body?.kind ?? 'no body'}): the import would bring no students, and Date of Birth cannot be checked.`,
            `District IT: look this call up in the eSchoolPLUS API Log; check in ${API_PROFILE_PATH} that "Include Pre-Registered Students" and "Include Out of District" are as intended and that students are enrolled for the current school year; otherwise open a PowerSchool case.`, 'Student')]
          : endpointFindings(await s.probeAll()).filter((f) => f.resource === 'Student')
            // Whatever stopped the Student read, Date of Birth is unverified: that fails the run, so say it in the finding.
            .map((f) => (f.severity === 'fail' ? f : { ...f, severity: 'fail' as const, message: `${f.message} Date of Birth could not be checked.` }));
        const first = findings[0];
        return result(this.id, this.title, 'fail', `Not checked: ${d.reason}.${first ? ' ' + first.message : ''}`, {
          fix: first?.fix, owner: first?.owner ?? 'district', findings, evidence,
        });
      }
      case 'ok': {
        const detail = `Field "${d.field}" has a value on ${d.withValue} of ${d.checked} Student records (${scopeNote}).${sampleText}`;
        if (!cutShort || !s.opts.readAll) return result(this.id, this.title, 'pass', detail, { evidence });
        const f = finding('READ_CAPPED', 'warn', 'district', `Student: --all stopped before the end of the list (${d.checked} records read); the count covers only those.`,
          'Re-run with a larger --timeout; if the list never ends, district IT should look this call up in the IIS logs.', 'Student');
        return result(this.id, this.title, 'warn', `${detail} ${f.message}`, { fix: f.fix, owner: f.owner, findings: [f], evidence });
      }
      case 'partial': {
        const f = finding('DOB_PARTIAL', 'warn', 'district',
          `Field "${d.field}" is empty on ${d.checked - d.withValue} of ${d.checked} Student records (${d.withValue} have a date; ${scopeNote}).`,
          'District: fill in the missing birth dates on the students\' demographics in eSchoolPLUS (an eSchoolPLUS report or query on students without a birth date finds them); the IEP product needs them to match students.');
        return result(this.id, this.title, 'warn', f.message + sampleText, { fix: f.fix, owner: 'district', findings: [f], evidence });
      }
      default: {
        const what = d.field
          ? `Field "${d.field}" is present but empty on all ${d.checked} Student records checked`
          : `No date-of-birth field on any of ${d.checked} Student records checked (fields seen: ${(p.exchange.body?.fields ?? []).slice(0, 12).join(', ')})`;
        const f = finding('DOB_NOT_ENABLED', 'fail', 'district', `${what}: the Date of Birth secure element is not enabled for the vendor.`, fix, 'Student');
        return result(this.id, this.title, 'fail', f.message, { fix, owner: 'district', findings: [f], evidence });
      }
    }
  },
};
