// Finds the date-of-birth field in Student records whatever the district calls it, and counts how
// many records carry a value. Only counts and field names leave this module, never values.
import type { DobSummary } from '../types.js';

const EXCLUDE = /place|country|city|state|county|cert|verif|nation|order|weight|location|town/;

/** 2 = certainly a date of birth, 1 = probably, 0 = not. */
export function dobScore(key: string): number {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (!k || EXCLUDE.test(k)) return 0;
  if (/^(dob|birthdate|dateofbirth|birthday|birthdt|dtbirth|bdate|studentdob|studentbirthdate)$/.test(k)) return 2;
  if (/birth/.test(k) && /date|day|dt/.test(k)) return 2;
  const tokens = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/);
  if (tokens.includes('dob')) return 2;
  if (/birth/.test(k)) return 1;
  return 0;
}

function hasValue(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  // Empty, masked ("**/**/****") or a platform's "no date" sentinel (0001-01-01, 1900-01-01) is not a date of birth.
  // "/Date(-62135596800000)/" is the same 0001-01-01 in ASP.NET's older JSON date format.
  if (typeof v === 'string') return /\d/.test(v) && !/^(0{4}-0{2}-0{2}|0001-01-01|1900-01-01|\/Date\(-6213\d{9}|\/Date\(-2208\d{9})/.test(v.trim());
  if (typeof v === 'number') return Number.isFinite(v);
  // e.g. {"BirthDate": {"Value": "2012-03-04"}}: a date of birth if anything inside is one.
  if (typeof v === 'object') return Object.values(v as object).some((x) => typeof x !== 'object' && hasValue(x));
  return v !== false;
}

interface FieldCount {
  score: number;
  present: number;
  withValue: number;
}

/** Accumulates over records; `add` looks one level into nested objects (e.g. Demographics.BirthDate). */
export class DobCounter {
  checked = 0;
  private fields = new Map<string, FieldCount>();
  private samples: string[] = [];

  add(rec: unknown): void {
    if (!rec || typeof rec !== 'object' || Array.isArray(rec)) return;
    this.checked++;
    this.visit(rec as Record<string, unknown>, '', 0);
  }

  private visit(obj: Record<string, unknown>, prefix: string, depth: number): void {
    for (const [k, v] of Object.entries(obj)) {
      const name = prefix + k;
      const score = dobScore(k);
      if (!score && v && typeof v === 'object' && !Array.isArray(v) && depth < 2) {
        this.visit(v as Record<string, unknown>, name + '.', depth + 1);
        continue;
      }
      if (!score) continue;
      const f = this.fields.get(name) ?? { score, present: 0, withValue: 0 };
      f.present++;
      if (hasValue(v)) {
        f.withValue++;
        if (this.samples.length < 3 && typeof v === 'string') this.samples.push(v);
      }
      this.fields.set(name, f);
    }
  }

  /** The chosen field: the most certain label, then the most often present. */
  field(): string | null {
    let best: [string, FieldCount] | null = null;
    for (const e of this.fields) {
      if (!best || e[1].score > best[1].score || (e[1].score === best[1].score && e[1].present > best[1].present)) best = e;
    }
    return best ? best[0] : null;
  }

  /** Up to three masked samples (year kept, month and day hidden), only for --show-pii. */
  maskedSamples(): string[] {
    return this.samples.map((s) => s.replace(/^(\d{4})[-/.]\d{1,2}[-/.]\d{1,2}/, '$1-**-**').replace(/\d{1,2}[-/.]\d{1,2}[-/.](\d{4})/, '**/**/$1'));
  }

  summary(): DobSummary {
    const field = this.field();
    if (this.checked === 0) return { status: 'unknown', field: null, checked: 0, withValue: 0, reason: 'the Student endpoint returned no records' };
    if (!field) return { status: 'missing', field: null, checked: this.checked, withValue: 0 };
    const f = this.fields.get(field)!;
    const withValue = f.withValue;
    const status = withValue === 0 ? 'missing' : withValue < this.checked ? 'partial' : 'ok';
    return { status, field, checked: this.checked, withValue };
  }
}
