// Facts gathered from records while they stream past during the probes (one pass, no re-read).
// Memory stays bounded whatever the district's size: ids go into sets capped at a fixed size and
// values into capped count maps; each summary says when a cap was reached. Values never leave
// this module except short code values (enrollment status codes such as "A" or "P").
import { FieldPicker, idOf, truthy, type Role } from './fields.js';

export const ID_CAP = 200_000;
const BUILDING_CAP = 5_000;
const STATUS_CAP = 40;
const CODE_MAX_LEN = 16;

/** Counts per value, up to `cap` distinct values; later new values only count as `overflow`. */
export class CappedCounts {
  readonly counts = new Map<string, number>();
  overflow = 0;
  constructor(private readonly cap: number) {}
  add(v: string): void {
    const n = this.counts.get(v);
    if (n !== undefined) this.counts.set(v, n + 1);
    else if (this.counts.size < this.cap) this.counts.set(v, 1);
    else this.overflow++;
  }
  get capped(): boolean {
    return this.overflow > 0;
  }
}

/** A set of ids that stops growing at `cap` (then membership answers are no longer conclusive). */
export class CappedSet {
  readonly items = new Set<string>();
  capped = false;
  constructor(private readonly cap: number) {}
  add(v: string): void {
    if (this.items.size < this.cap) this.items.add(v);
    else if (!this.items.has(v)) this.capped = true;
  }
}

export type Fields = Partial<Record<Role, string>>;

type Row = Record<string, unknown>;

/** What every collector does with a record: count it, let the picker see its fields, then take its facts. */
abstract class Collector {
  records = 0;
  readonly picker: FieldPicker;
  constructor(roles: Role[], given: Fields) {
    this.picker = new FieldPicker(roles, given);
  }
  add(rec: unknown): void {
    if (!rec || typeof rec !== 'object' || Array.isArray(rec)) return;
    this.records++;
    this.picker.observe(rec as Row);
    this.take(rec as Row);
  }
  protected abstract take(o: Row): void;
  /** The id in the field picked for `role`, if there is one. */
  protected idFor(o: Row, role: Role): string | undefined {
    const f = this.picker.field(role);
    return f ? idOf(o[f]) : undefined;
  }
}

export class SchoolFacts extends Collector {
  readonly ids = new CappedSet(BUILDING_CAP);
  /** Every id-like value of every record, so a student's code matches whichever School field holds it. */
  readonly anyId = new CappedSet(BUILDING_CAP * 4);
  constructor(given: Fields = {}) {
    super(['schoolId'], given);
  }
  protected take(o: Row): void {
    const id = this.idFor(o, 'schoolId');
    if (id !== undefined) this.ids.add(id);
    // A school's code may sit in another column than the one picked (SchoolId vs Building).
    if (!this.picker.givenFor('schoolId')) {
      for (const k in o) if (/id$|code$|^building$|^bldg|number$/i.test(k)) {
        const v = idOf(o[k]);
        if (v !== undefined) this.anyId.add(v);
      }
    }
  }
}

export class StudentFacts extends Collector {
  readonly buildings = new CappedCounts(BUILDING_CAP);
  buildingMissing = 0;
  readonly statuses = new CappedCounts(STATUS_CAP);
  /** Status values too long to be a code: counted, never kept. */
  statusLong = 0;
  statusMissing = 0;
  preregWithField = 0;
  preregTrue = 0;
  oodWithField = 0;
  oodTrue = 0;
  constructor(given: Fields = {}) {
    super(['building', 'status', 'prereg', 'outOfDistrict'], given);
  }
  protected take(o: Row): void {
    const p = this.picker;
    if (p.field('building')) {
      const id = this.idFor(o, 'building');
      if (id === undefined) this.buildingMissing++;
      else this.buildings.add(id);
    }
    const s = p.field('status');
    if (s) {
      const v = o[s];
      const code = typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
      if (code === '') this.statusMissing++;
      else if (code.length > CODE_MAX_LEN) this.statusLong++;
      else this.statuses.add(code.toUpperCase());
    }
    const pr = p.field('prereg');
    if (pr && pr in o) {
      this.preregWithField++;
      if (truthy(o[pr])) this.preregTrue++;
    }
    const od = p.field('outOfDistrict');
    if (od && od in o) {
      this.oodWithField++;
      if (truthy(o[od])) this.oodTrue++;
    }
  }
}

export class ContactFacts extends Collector {
  readonly ids = new CappedSet(ID_CAP);
  constructor(given: Fields = {}) {
    super(['contactId'], given);
  }
  protected take(o: Row): void {
    const id = this.idFor(o, 'contactId');
    if (id !== undefined) this.ids.add(id);
  }
}

export class LinkFacts extends Collector {
  /** Distinct linked contact ids; compared with Contact once both reads are over. */
  readonly linked = new CappedSet(ID_CAP);
  withoutContact = 0;
  constructor(given: Fields = {}) {
    super(['linkContactId'], given);
  }
  protected take(o: Row): void {
    const id = this.idFor(o, 'linkContactId');
    if (id === undefined) this.withoutContact++;
    else this.linked.add(id);
  }
}

export type Facts = SchoolFacts | StudentFacts | ContactFacts | LinkFacts;

/** The collector for a resource's records, or undefined when the data step learns nothing from it. */
export function factsFor(resource: string, given: Fields = {}): Facts | undefined {
  switch (resource) {
    case 'School':
      return new SchoolFacts(given);
    case 'Student':
      return new StudentFacts(given);
    case 'Contact':
      return new ContactFacts(given);
    case 'StudentContact':
      return new LinkFacts(given);
    default:
      return undefined;
  }
}
