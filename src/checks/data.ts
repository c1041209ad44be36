// Step "data": what the records themselves say, from the same reads as the probes (counts and
// field names only; never a student's or contact's values). Field labels are guessed by name, can
// be named with --field, and each check says which field it used or why it could not run.
import { API_PROFILE_PATH } from '../catalog.js';
import { ID_CAP, type ContactFacts, type LinkFacts, type SchoolFacts, type StudentFacts } from '../data/facts.js';
import { finding } from '../findings.js';
import type { Probe, Session } from '../session.js';
import type { CheckResult, Finding } from '../types.js';
import { result, type Check } from './check.js';

const PREREG_CODES = /^(P|PR|PRE|PREREG|PRE-REG|PREREGISTERED|PRE-REGISTERED|PENDING|FUTURE)$/;

async function probeOf(s: Session, resource: string): Promise<Probe | undefined> {
  if (resource === 'Student') return s.studentRead();
  return (await s.probeAll()).find((p) => p.endpoint.resource === resource);
}

function unreadable(p: Probe | undefined, resource: string): string | undefined {
  if (!p) return `${resource} was not probed`;
  if (p.answer === 'data') return undefined;
  if (p.answer === 'rejected') return `${resource} rejected the request (HTTP ${p.exchange.status}; see Subscriptions)`;
  if (p.answer === 'not_found') return `${resource} was not found (404)`;
  return `${resource} gave no records (${p.exchange.error?.kind ?? `HTTP ${p.exchange.status}`})`;
}

/** "every Student record" or "the first 500 Student records", for the sentence and the evidence. */
function scope(p: Probe): { text: string; complete: boolean } {
  const b = p.exchange.body!;
  const r = p.endpoint.resource;
  if (b.complete) return { text: `all ${b.records} ${r} records`, complete: true };
  const why = b.cappedBy === 'records' ? (r === 'Student' ? ' (use --all for every record)' : ' (raise --sample to read more)')
    : b.cappedBy === 'bytes' ? ' (the size limit per response was reached)' : b.cappedBy === 'time' ? ' (the time limit per response was reached)' : '';
  return { text: `the first ${b.records} ${r} records${why}`, complete: false };
}

function fieldsSeen(p: Probe): string {
  return (p.exchange.body?.fields ?? []).slice(0, 12).join(', ') || 'none';
}

const skip = (c: Check, why: string, evidence?: Record<string, unknown>): CheckResult => result(c.id, c.title, 'skip', `Not checked: ${why}.`, { evidence });

/** A check's result carrying one warning finding. */
const warned = (c: Check, f: Finding, evidence: Record<string, unknown>): CheckResult =>
  result(c.id, c.title, 'warn', f.message, { fix: f.fix, owner: f.owner, findings: [f], evidence });

/** The Student read with its facts and scope, or why it cannot be used. */
async function studentData(s: Session): Promise<{ st: Probe; sf: StudentFacts; sc: { text: string; complete: boolean } } | string> {
  const st = await probeOf(s, 'Student');
  const why = unreadable(st, 'Student');
  if (why) return why;
  return { st: st!, sf: st!.facts as StudentFacts, sc: scope(st!) };
}

export const studentBuildings: Check = {
  id: 'data.buildings',
  title: 'Student buildings are in the School list',
  async run(s) {
    const [st, sc] = await Promise.all([probeOf(s, 'Student'), probeOf(s, 'School')]);
    const why = unreadable(st, 'Student') ?? unreadable(sc, 'School');
    if (why) return skip(this, why);
    const sf = st!.facts as StudentFacts;
    const cf = sc!.facts as SchoolFacts;
    const field = sf.picker.field('building');
    if (!field) return skip(this, `no Student field looks like a building (fields seen: ${fieldsSeen(st!)}); name it with --field building=Label`);
    const schoolField = cf.picker.field('schoolId');
    const known = new Set([...cf.ids.items, ...cf.anyId.items]);
    if (!schoolField && known.size === 0) return skip(this, `no School field looks like a building code (fields seen: ${fieldsSeen(sc!)}); name it with --field schoolId=Label`);
    const sScope = scope(st!);
    const cScope = scope(sc!);
    let unknownRecords = 0;
    let unknownCodes = 0;
    for (const [code, n] of sf.buildings.counts) {
      if (!known.has(code)) {
        unknownRecords += n;
        unknownCodes++;
      }
    }
    const evidence = {
      studentField: field,
      schoolField: schoolField ?? null,
      studentRecords: sf.records,
      schoolRecords: cf.records,
      distinctBuildings: sf.buildings.counts.size,
      recordsWithoutBuilding: sf.buildingMissing,
      recordsWithUnknownBuilding: unknownRecords,
      scope: sScope.text,
      memory: `one count per distinct building code, at most 5,000 codes${sf.buildings.capped ? ` (cap reached: ${sf.buildings.overflow} records not compared)` : ''}`,
    };
    if (unknownRecords === 0) {
      return result(this.id, this.title, 'pass', `Every building named in ${sScope.text} (field "${field}") is in the School list (${cf.records} schools, field "${schoolField ?? 'any code'}").`, { evidence });
    }
    if (!cScope.complete) {
      return skip(this, `${unknownRecords} Student records name a building not among ${cScope.text}, so the School list must be read whole to judge`, evidence);
    }
    const f = finding('STUDENT_BUILDING_UNKNOWN', 'warn', 'district',
      `${unknownRecords} of ${sf.records} Student records checked (${unknownCodes} distinct building codes, field "${field}") name a building that is not in the School list (${cf.records} schools).`,
      `District IT: check that every building students are enrolled in is set up in eSchoolPLUS and returned by "Get eSchoolPLUS/School (v1)"; the IEP product cannot place students in unknown buildings.`, 'Student');
    return warned(this, f, evidence);
  },
};

export const preregistered: Check = {
  id: 'data.prereg',
  title: 'Pre-registered students arrive',
  async run(s) {
    const d = await studentData(s);
    if (typeof d === 'string') return skip(this, d);
    const { st, sf, sc } = d;
    const flag = sf.picker.field('prereg');
    const status = sf.picker.field('status');
    const statuses = Object.fromEntries([...sf.statuses.counts].sort((a, b) => b[1] - a[1]));
    const evidence: Record<string, unknown> = { flagField: flag ?? null, statusField: status ?? null, scope: sc.text };
    if (status) Object.assign(evidence, { statusValues: statuses, statusValuesCapped: sf.statuses.capped, statusTooLong: sf.statusLong, statusEmpty: sf.statusMissing });
    let observed: number;
    let how: string;
    if (flag && sf.preregWithField > 0) {
      observed = sf.preregTrue;
      how = `field "${flag}" is set on ${observed} of ${sf.preregWithField}`;
    } else if (status) {
      observed = Object.entries(statuses).filter(([c]) => PREREG_CODES.test(c)).reduce((a, [, n]) => a + n, 0);
      const seen = Object.entries(statuses).slice(0, 8).map(([c, n]) => `${c} ${n}`).join(', ') || 'none';
      how = `status values in field "${status}": ${seen}${sf.statuses.capped ? ', …' : ''}`;
    } else {
      return skip(this, `no Student field looks like an enrollment status or a pre-registered flag (fields seen: ${fieldsSeen(st)}); name it with --field status=Label or --field prereg=Label`, evidence);
    }
    evidence.preregistered = observed;
    if (observed > 0) return result(this.id, this.title, 'pass', `${observed} pre-registered students in ${sc.text} (${how}).`, { evidence });
    const f = finding('PREREG_NOT_OBSERVED', 'warn', 'district',
      `No pre-registered students observed in ${sc.text} (${how}). A district may have none; if it has some, they are not being sent.`,
      `${API_PROFILE_PATH}: tick "Include Pre-Registered Students", then Save.`, 'Student');
    return warned(this, f, evidence);
  },
};

export const outOfDistrict: Check = {
  id: 'data.out-of-district',
  title: 'Out-of-district students arrive',
  async run(s) {
    const d = await studentData(s);
    if (typeof d === 'string') return skip(this, d);
    const { st, sf, sc } = d;
    const flag = sf.picker.field('outOfDistrict');
    if (!flag || sf.oodWithField === 0) {
      return skip(this, `no Student field looks like an out-of-district flag (fields seen: ${fieldsSeen(st)}); name it with --field outOfDistrict=Label`);
    }
    const evidence = { field: flag, withField: sf.oodWithField, outOfDistrict: sf.oodTrue, scope: sc.text };
    if (sf.oodTrue > 0) return result(this.id, this.title, 'pass', `${sf.oodTrue} out-of-district students in ${sc.text} (field "${flag}").`, { evidence });
    const f = finding('OUT_OF_DISTRICT_NOT_OBSERVED', 'warn', 'district',
      `No out-of-district students observed in ${sc.text} (field "${flag}" is never set). A district may have none; if it has some, they are not being sent.`,
      `${API_PROFILE_PATH}: tick "Include Out of District", then Save.`, 'Student');
    return warned(this, f, evidence);
  },
};

export const contactLinks: Check = {
  id: 'data.contacts',
  title: 'StudentContact links point at existing contacts',
  async run(s) {
    const [link, contact] = await Promise.all([probeOf(s, 'StudentContact'), probeOf(s, 'Contact')]);
    const why = unreadable(link, 'StudentContact') ?? unreadable(contact, 'Contact');
    if (why) return skip(this, why);
    const lf = link!.facts as LinkFacts;
    const cf = contact!.facts as ContactFacts;
    const lField = lf.picker.field('linkContactId');
    const cField = cf.picker.field('contactId');
    if (!lField) return skip(this, `no StudentContact field looks like a contact id (fields seen: ${fieldsSeen(link!)}); name it with --field linkContactId=Label`);
    if (!cField) return skip(this, `no Contact field looks like a contact id (fields seen: ${fieldsSeen(contact!)}); name it with --field contactId=Label`);
    const cScope = scope(contact!);
    const lScope = scope(link!);
    const evidence: Record<string, unknown> = {
      studentContactField: lField, contactField: cField, links: lf.records, distinctLinkedContacts: lf.linked.items.size,
      contacts: cf.records, scope: `${lScope.text}; ${cScope.text}`,
      memory: `contact ids kept in sets capped at ${ID_CAP} ids`,
    };
    if (!cScope.complete || cf.ids.capped) {
      return skip(this, `Contact was not read whole (${cf.ids.capped ? 'too many contact ids to keep' : cScope.text}), so a link cannot be judged missing`, evidence);
    }
    let missing = 0;
    for (const id of lf.linked.items) if (!cf.ids.items.has(id)) missing++;
    evidence.missingContacts = missing;
    if (missing === 0) return result(this.id, this.title, 'pass', `Every contact linked in ${lScope.text} is among the ${cf.records} Contact records.`, { evidence });
    const f = finding('CONTACT_LINK_MISSING', 'warn', 'district',
      `${missing} of ${lf.linked.items.size} contacts linked in ${lScope.text} (field "${lField}") are missing from Contact (${cf.records} records, field "${cField}").`,
      'District IT: look these links up in eSchoolPLUS (student contacts); if the contacts exist there, open a PowerSchool case: "Get eSchoolPLUS/Contact (v1)" leaves out contacts that StudentContact refers to.', 'StudentContact');
    return warned(this, f, evidence);
  },
};

export const udRegFields: Check = {
  id: 'data.udreg',
  title: 'District-defined fields (UDRegUser)',
  async run(s) {
    const p = await probeOf(s, 'UDRegUser');
    const why = unreadable(p, 'UDRegUser');
    if (why) return skip(this, why);
    const b = p!.exchange.body!;
    if (b.records > 0) return result(this.id, this.title, 'pass', `UDRegUser returns records (${scope(p!).text}).`, { evidence: { records: b.records, complete: b.complete } });
    const f = finding('UDREG_NOT_MAPPED', 'warn', 'district',
      'UDRegUser answered with no records: no district-defined fields are mapped for the vendor.',
      'District IT: if the IEP product needs district-defined (UDRegUser) fields, map them for the API Profile in eSchoolPLUS; otherwise nothing to do.', 'UDRegUser');
    return warned(this, f, { records: 0 });
  },
};

export const paging: Check = {
  id: 'data.paging',
  title: 'Paging (limit/offset)',
  async run(s) {
    const r = await s.paging();
    if (!r) return skip(this, 'neither Student nor School answered with records');
    const evidence = { ...r };
    switch (r.status) {
      case 'honoured':
        return result(this.id, this.title, 'pass', `The server honours limit/offset (${r.reason}): large lists can be read page by page.`, { evidence });
      case 'ignored':
        return result(this.id, this.title, 'pass', `The server ignores limit/offset (${r.reason}); esp-doctor reads that single response streaming, at constant memory.`, { evidence });
      case 'limit-only':
        return result(this.id, this.title, 'pass', `Partial paging: ${r.reason}. Lists come in one response; esp-doctor reads it streaming.`, { evidence });
      case 'refused':
        return result(this.id, this.title, 'pass', `${r.reason}. Lists are read without paging parameters, in one response.`, { evidence });
      default:
        return skip(this, r.reason, evidence);
    }
  },
};

export const readLimits: Check = {
  id: 'data.reads',
  title: 'Responses read within the size and time limits',
  async run(s) {
    const probes = [...(await s.probeAll()), await s.studentRead()];
    const findings: Finding[] = [];
    const seen = new Set<string>();
    for (const p of probes) {
      const b = p.exchange.body;
      if (p.answer !== 'data' || !b || (b.cappedBy !== 'bytes' && b.cappedBy !== 'time')) continue;
      const key = `${p.endpoint.resource}:${b.cappedBy}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const mb = (b.bytes / 1_048_576).toFixed(1);
      findings.push(b.cappedBy === 'time'
        ? finding('READ_CAPPED', 'warn', 'district', `${p.endpoint.resource}: still arriving when the time limit was reached (${b.records} records, ${mb} MB read); counts above cover only those records.`,
          'The HAC server sends this list slowly: check its load, or re-run with a longer --timeout.', p.endpoint.resource)
        : finding('READ_CAPPED', 'warn', 'vendor', `${p.endpoint.resource}: stopped after ${mb} MB (${b.records} records), the size limit for one response; counts above cover only those records.`,
          'Re-run with --all to read the whole list (streamed, constant memory).', p.endpoint.resource));
    }
    if (!findings.length) return result(this.id, this.title, 'pass', 'No response hit the size or time limit.');
    return result(this.id, this.title, 'warn', findings.map((f) => f.message).join(' '), { fix: findings[0]!.fix, owner: findings[0]!.owner, findings });
  },
};

export const DATA_CHECKS: Check[] = [studentBuildings, preregistered, outOfDistrict, contactLinks, udRegFields, paging, readLimits];
