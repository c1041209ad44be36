// Made-up district data. Every record is computed from (seed, resource, index) alone, so a page at
// any offset, or 100,000 students streamed one by one, needs no table kept in memory.
// Names are built from odd syllables so a test can assert none of them leaks into CLI output
// without tripping over ordinary English words.

import type { Resource, SimConfig } from './config.js';

export const DISTRICT_NAME = 'Vexmoor Valley School District';
const SEED = 'plus360-sim-1';
/** Birth dates are anchored to a fixed school year so data never depends on today's date. */
const SCHOOL_YEAR_START = 2024;

type Rng = () => number;

/** FNV-1a hash of the key feeding an xorshift32 stream: small, fast and stable across runs. */
function rng(...key: Array<string | number>): Rng {
  let h = 0x811c9dc5;
  for (const ch of `${SEED}|${key.join('|')}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let x = h || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const digits = (r: Rng, n: number): string =>
  Array.from({ length: n }, () => Math.floor(r() * 10)).join('');

const STARTS = ['zor', 'quel', 'vex', 'kyl', 'yss', 'jor', 'xan', 'zeb', 'quo', 'vry', 'kez', 'yal', 'jix', 'zun', 'qua', 'vol'];
const ENDS = ['vin', 'lamy', 'dra', 'thex', 'mor', 'wyn', 'qix', 'bel', 'ravy', 'zin', 'lor', 'kesh', 'ondo', 'rix', 'yne', 'vael'];

function madeUpName(r: Rng): string {
  let s = pick(r, STARTS) + pick(r, ENDS);
  if (r() < 0.3) s += pick(r, ENDS);
  return s[0]!.toUpperCase() + s.slice(1);
}

const SCHOOL_NAMES = [
  ['Vexmoor Valley High School', 'HS', 9, 12],
  ['Zorrel Creek Middle School', 'MS', 6, 8],
  ['Quenby Hollow Elementary', 'ES', 0, 5],
  ['Kyllan Ridge Elementary', 'ES', 0, 5],
  ['Yssel Park Elementary', 'ES', 0, 5],
  ['Jorvane Junior High', 'MS', 6, 8],
] as const;
const CITIES = ['Vexmoor', 'Zorrel Springs', 'Quenby Hollow', 'Kyllan'];
const STREET_KINDS = ['Loop', 'Way', 'Lane', 'Court', 'Run', 'Trace'];
const RELATIONSHIPS = ['Mother', 'Father', 'Guardian', 'Grandparent', 'Stepparent'];
const PHONE_TYPES = ['Home', 'Cell', 'Work'];

const grade = (g: number): string => (g === 0 ? 'KG' : String(g).padStart(2, '0'));

export function school(i: number): Record<string, unknown> {
  const [name, type, low, high] = SCHOOL_NAMES[i % SCHOOL_NAMES.length]!;
  const round = Math.floor(i / SCHOOL_NAMES.length);
  const code = String((i + 1) * 10).padStart(3, '0');
  return {
    SchoolId: code,
    Building: code,
    Name: round === 0 ? name : `${name} ${round + 1}`,
    SchoolType: type,
    LowGrade: grade(low),
    HighGrade: grade(high),
    City: CITIES[i % CITIES.length],
    State: 'AR',
  };
}

interface Person {
  first: string;
  last: string;
}

function studentPerson(i: number, schools: number): Person & { dob: string; gradeNum: number; schoolIndex: number } {
  const r = rng('student', i);
  const first = madeUpName(r);
  const last = madeUpName(r);
  const schoolIndex = i % Math.max(1, schools);
  const [, , low, high] = SCHOOL_NAMES[schoolIndex % SCHOOL_NAMES.length]!;
  const gradeNum = low + Math.floor(r() * (high - low + 1));
  // Age on 1 September = grade + 5; pick a day within that birth year window.
  const from = Date.UTC(SCHOOL_YEAR_START - gradeNum - 6, 8, 2);
  const dob = new Date(from + Math.floor(r() * 365) * 86_400_000).toISOString().slice(0, 10);
  return { first, last, dob, gradeNum, schoolIndex };
}

function contactPerson(j: number, config: SimConfig): Person & { email: string; street: string; phone: string } {
  const { students, schools } = config.counts;
  const r = rng('contact', j);
  const first = madeUpName(r);
  // Most contacts share the family name of the student they are linked to.
  const last = students > 0 && j % 4 !== 3 ? studentPerson(j % students, schools).last : madeUpName(r);
  const email = `${first}.${last}${j % 100}@vexmoor-families.example`.toLowerCase();
  const street = `${100 + Math.floor(r() * 9900)} ${madeUpName(r)} ${pick(r, STREET_KINDS)}`;
  const phone = `(${pick(r, ['479', '501', '870'])}) 555-01${digits(r, 2)}`;
  return { first, last, email, street, phone };
}

export function student(i: number, config: SimConfig): Record<string, unknown> {
  const p = studentPerson(i, config.counts.schools);
  const rec: Record<string, unknown> = {
    StudentId: String(100001 + i),
    FirstName: p.first,
    LastName: p.last,
    Building: school(p.schoolIndex).Building,
    Grade: grade(p.gradeNum),
    // Fixed strides rather than chance, so even a first page of 20 shows both kinds.
    EnrollmentStatus: i % 12 === 5 ? 'P' : 'A',
    OutOfDistrict: i % 15 === 7,
  };
  if (config.dob === 'on') rec[config.dobLabel] = p.dob;
  else if (config.dob === 'null') rec[config.dobLabel] = null;
  else if (config.dob === 'empty') rec[config.dobLabel] = '';
  else if (config.dob === 'partial') rec[config.dobLabel] = i % 5 === 2 ? '' : p.dob;
  return rec;
}

export function count(resource: Resource, config: SimConfig): number {
  const { schools, students, contacts } = config.counts;
  switch (resource) {
    case 'School':
      return schools;
    case 'Student':
    case 'UDRegUser':
      return students;
    case 'StudentContact':
      return students > 0 ? contacts : 0;
    default:
      return contacts;
  }
}

const UDREG_FIELDS: Array<[string, (r: Rng) => string]> = [
  ['BUS_ROUTE', (r) => `R-${digits(r, 2)}`],
  ['HOME_LANGUAGE', (r) => pick(r, ['ENG', 'SPA', 'MAR', 'VIE'])],
  ['LOCKER_NO', (r) => digits(r, 4)],
  ['MEDICAID_ELIGIBLE', (r) => pick(r, ['Y', 'N'])],
];

export function record(resource: Resource, i: number, config: SimConfig): Record<string, unknown> {
  const { students } = config.counts;
  const contactId = String(500001 + i);
  switch (resource) {
    case 'School':
      return school(i);
    case 'Student':
      return student(i, config);
    case 'Contact': {
      const c = contactPerson(i, config);
      return { ContactId: contactId, FirstName: c.first, LastName: c.last, Email: c.email };
    }
    case 'ContactAddress': {
      const c = contactPerson(i, config);
      const r = rng('address', i);
      return {
        ContactId: contactId,
        AddressType: 'Home',
        Street: c.street,
        City: pick(r, CITIES),
        State: 'AR',
        Zip: `72${digits(r, 3)}`,
      };
    }
    case 'ContactPhone': {
      const c = contactPerson(i, config);
      return { ContactId: contactId, PhoneType: PHONE_TYPES[i % PHONE_TYPES.length], Phone: c.phone };
    }
    case 'StudentContact':
      return {
        StudentId: String(100001 + (i % students)),
        ContactId: contactId,
        Relationship: RELATIONSHIPS[i % RELATIONSHIPS.length],
        ContactPriority: 1 + Math.floor(i / students),
      };
    case 'UDRegUser': {
      const [field, value] = UDREG_FIELDS[i % UDREG_FIELDS.length]!;
      return { StudentId: String(100001 + i), FieldName: field, FieldValue: value(rng('udreg', i)) };
    }
  }
}

/** Every person-identifying string the current config can serve (a superset when DOB is off). */
export function piiValues(config: SimConfig): string[] {
  const out = new Set<string>();
  for (let i = 0; i < config.counts.students; i++) {
    const p = studentPerson(i, config.counts.schools);
    out.add(p.first).add(p.last).add(p.dob);
  }
  for (let j = 0; j < config.counts.contacts; j++) {
    const c = contactPerson(j, config);
    out.add(c.first).add(c.last).add(c.email).add(c.street).add(c.phone);
  }
  return [...out];
}
