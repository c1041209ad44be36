// Which field of a record plays which part. Districts can relabel fields (design.md §2), so each
// role is found by name pattern, can be named outright (--field role=Label), and the report says
// which field was used.

export type Role = 'schoolId' | 'building' | 'status' | 'prereg' | 'outOfDistrict' | 'contactId' | 'linkContactId';

export const ROLES: readonly Role[] = ['schoolId', 'building', 'status', 'prereg', 'outOfDistrict', 'contactId', 'linkContactId'];

const norm = (k: string): string => k.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Higher is a surer match; 0 means the name does not fit the role. */
const PATTERNS: Record<Role, Array<[RegExp, number]>> = {
  schoolId: [
    [/^(building|buildingid|buildingcode|buildingnumber|bldg|bldgid|bldgcode)$/, 3],
    [/^(schoolid|schoolcode|schoolnumber|schoolno|schoolnum)$/, 2],
    [/^(code|id|number)$/, 1],
  ],
  building: [
    [/^(building|buildingid|buildingcode|bldg|bldgid|bldgcode|homebuilding|currentbuilding)$/, 3],
    [/^(schoolid|schoolcode|schoolnumber|schoolno|homeschool|currentschool|schoolofrecord)$/, 2],
    [/building|bldg/, 1],
  ],
  status: [
    [/^(enrollmentstatus|enrollstatus|currentstatus|studentstatus|registrationstatus|regstatus)$/, 3],
    [/^(status|enrollmentcode|statuscode)$/, 2],
    [/(enrol|reg|student).*status|status.*(enrol|reg)/, 1],
  ],
  prereg: [
    [/^(preregistered|prereg|isprereg|ispreregistered|preenrolled|preenrollment)$/, 3],
    [/prereg|preenrol/, 1],
  ],
  outOfDistrict: [
    [/^(outofdistrict|isoutofdistrict|ood|outofdist|outdistrict)$/, 3],
    [/outofdistrict|outofdist|nonresident/, 1],
  ],
  contactId: [
    [/^(contactid|contactnumber|contactno|contactpersonid)$/, 3],
    [/^(personid|id)$/, 1],
  ],
  linkContactId: [
    [/^(contactid|contactnumber|contactno|contactpersonid)$/, 3],
    [/^contact.*id$|^personid$/, 1],
  ],
};

export function roleScore(role: Role, key: string): number {
  const k = norm(key);
  if (!k) return 0;
  for (const [re, score] of PATTERNS[role]) if (re.test(k)) return score;
  return 0;
}

/**
 * Picks the field for a role from the keys seen: an explicit label wins (matched without regard to
 * case or punctuation), else the best-scoring name; ties go to the first seen.
 */
export class FieldPicker {
  private best = new Map<Role, { key: string; score: number }>();
  private seen = new Set<string>();

  constructor(
    private readonly roles: readonly Role[],
    private readonly given: Partial<Record<Role, string>> = {},
  ) {}

  /** Looks at a record's keys; cheap once every key has been seen. */
  observe(rec: Record<string, unknown>): void {
    for (const key in rec) {
      if (this.seen.has(key)) continue;
      if (this.seen.size < 500) this.seen.add(key);
      for (const role of this.roles) {
        const given = this.given[role];
        const score = given !== undefined ? (norm(given) === norm(key) ? 100 : 0) : roleScore(role, key);
        const cur = this.best.get(role);
        if (score > 0 && (!cur || score > cur.score)) this.best.set(role, { key, score });
      }
    }
  }

  field(role: Role): string | undefined {
    return this.best.get(role)?.key;
  }

  /** The label the user named for this role, if any. */
  givenFor(role: Role): string | undefined {
    return this.given[role];
  }
}

/** "Y", "yes", "true", 1, true: the ways a flag can say yes. */
export function truthy(v: unknown): boolean {
  if (v === true) return true;
  if (typeof v === 'number') return v === 1;
  if (typeof v === 'string') return /^(y|yes|true|t|1|x)$/i.test(v.trim());
  return false;
}

/** An id or code as a comparable string; objects and empty values give undefined. */
export function idOf(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string') {
    const t = v.trim();
    return t === '' ? undefined : t.toLowerCase();
  }
  return undefined;
}

/**
 * Parses `--field role=Label` values. Roles are matched loosely (status, building, ...), so a typo
 * gives a clear message rather than being ignored.
 */
export function parseFieldOptions(values: string[] | undefined): Partial<Record<Role, string>> {
  const out: Partial<Record<Role, string>> = {};
  for (const v of values ?? []) {
    const m = /^([^=]+)=(.+)$/.exec(v);
    const role = m ? ROLES.find((r) => r.toLowerCase() === m[1]!.trim().toLowerCase()) : undefined;
    if (!m || !role) throw new Error(`--field takes role=FieldLabel with role one of ${ROLES.join(', ')}; got "${v}".`);
    out[role] = m[2]!.trim();
  }
  return out;
}
