// Before/after on the phone: the district ticks a box, support re-checks, and every earlier
// finding is marked fixed or still there, with anything that appeared since marked new.
import type { Finding } from '../types.js';

export type ChangeState = 'fixed' | 'still' | 'new';

export interface Change {
  state: ChangeState;
  finding: Finding;
}

/** Identity of a finding across runs: its code and resource, not its wording (timings change). */
function keys(list: Finding[]): string[] {
  const seen = new Map<string, number>();
  return list.map((f) => {
    const k = `${f.code}|${f.resource ?? ''}`;
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    return `${k}|${n}`;
  });
}

export function compareFindings(before: Finding[], after: Finding[]): Change[] {
  const bk = keys(before);
  const ak = keys(after);
  const out: Change[] = [];
  before.forEach((f, i) => {
    const j = ak.indexOf(bk[i]!);
    out.push(j >= 0 ? { state: 'still', finding: after[j]! } : { state: 'fixed', finding: f });
  });
  after.forEach((f, j) => {
    if (!bk.includes(ak[j]!)) out.push({ state: 'new', finding: f });
  });
  return out;
}
