// Where the Base URL, key and secret come from (flag, environment, stdin, prompt) and what is
// wrong with them as pasted. Values are never echoed: problems are told by position.
import { createHash } from 'node:crypto';

export type Field = 'baseUrl' | 'consumerKey' | 'consumerSecret';

export interface HygieneIssue {
  field: Field;
  problem: string;
  /** true when the pasted value would break the import as typed (not only this run's copy). */
  serious: boolean;
}

export const FIELD_NAMES: Record<Field, string> = {
  baseUrl: 'Base URL',
  consumerKey: 'consumer key',
  consumerSecret: 'consumer secret',
};

export const FIELD_SOURCES: Record<Field, string> = {
  baseUrl: '--base-url or ESP_BASE_URL',
  consumerKey: '--consumer-key or ESP_CONSUMER_KEY',
  consumerSecret: 'ESP_CONSUMER_SECRET or --secret-stdin (or run on a terminal to be asked)',
};

/** Nothing, or only white space, counts as not given (exit 2), not as a value to diagnose. */
export function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u00AD]/;
const QUOTES = /^(["'\u2018\u2019\u201C\u201D`])([\s\S]*)\1$|^[\u201C\u2018]([\s\S]*)[\u201D\u2019]$/;

function describeChar(c: string): string {
  const code = c.codePointAt(0)!;
  if (c === '\n' || c === '\r') return 'a line break';
  if (c === '\t') return 'a tab';
  if (c === ' ') return 'a space';
  if (ZERO_WIDTH.test(c)) return `an invisible character (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
  if (code < 32 || code === 127) return `a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
  return `a non-ASCII character (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** Returns the value to try (trimmed, unquoted, invisibles removed) and what was wrong. */
export function cleanValue(field: Field, raw: string): { value: string; issues: HygieneIssue[] } {
  const issues: HygieneIssue[] = [];
  const name = FIELD_NAMES[field];
  let v = raw;
  const lead = /^\s+/.exec(v)?.[0] ?? '';
  const trail = /\s+$/.exec(v)?.[0] ?? '';
  if (lead || trail) {
    const where = [lead && 'start', trail && 'end'].filter(Boolean).join(' and ');
    const breaks = /[\r\n]/.test(lead + trail);
    issues.push({
      field,
      problem: `The ${name} has ${breaks ? 'a line break' : 'white space'} at its ${where}; esp-doctor tried it trimmed.`,
      serious: false,
    });
    v = v.trim();
  }
  const q = QUOTES.exec(v);
  if (q) {
    issues.push({ field, problem: `The ${name} is wrapped in quotation marks; esp-doctor tried it without them.`, serious: true });
    v = (q[2] ?? q[3] ?? '').trim();
  }
  const chars = [...v];
  const bad: string[] = [];
  chars.forEach((c, i) => {
    const code = c.codePointAt(0)!;
    if (ZERO_WIDTH.test(c) || /\s/.test(c) || code < 32 || code === 127 || (code > 126 && field !== 'baseUrl')) {
      bad.push(`${describeChar(c)} at character ${i + 1}`);
    }
  });
  if (bad.length) {
    issues.push({
      field,
      problem: `The ${name} contains ${bad.slice(0, 3).join(', ')}${bad.length > 3 ? ` and ${bad.length - 3} more` : ''}.`,
      serious: true,
    });
    v = chars.filter((c) => !ZERO_WIDTH.test(c)).join('');
  }
  return { value: v, issues };
}

/** Cross-field plausibility: swapped or duplicated values, implausibly short secrets. */
export function crossChecks(key: string, secret: string): HygieneIssue[] {
  const out: HygieneIssue[] = [];
  if (key && secret && key === secret) {
    out.push({ field: 'consumerSecret', problem: 'The consumer secret is identical to the consumer key: the key was probably pasted twice.', serious: true });
  } else if (/^[A-Za-z]+_[A-Za-z0-9]+_\d+$/.test(secret) && !/^[A-Za-z]+_[A-Za-z0-9]+_\d+$/.test(key)) {
    out.push({ field: 'consumerSecret', problem: 'The consumer secret is shaped like a consumer key (e.g. OneRoster_ABC_123): key and secret may be swapped.', serious: false });
  }
  // Plausibility only: a short secret may still be the right one, so this never fails a run on its own.
  if (secret && secret.length < 12) {
    out.push({ field: 'consumerSecret', problem: `The consumer secret is only ${secret.length} characters long; generated secrets are usually much longer (was it cut off?).`, serious: false });
  }
  if (/^https?:\/\//i.test(key)) out.push({ field: 'consumerKey', problem: 'The consumer key looks like a URL: fields may be mixed up.', serious: true });
  return out;
}

/** A short, stable fingerprint two people can compare without revealing the secret. */
export function fingerprint(secret: string): string {
  return 'sha256:' + createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 8);
}

/** Masks all but a recognisable prefix and suffix of the key. */
export function maskKey(key: string): string {
  if (!key) return '';
  if (key.length <= 6) return key[0] + '…';
  const keep = key.length >= 14 ? 4 : 2;
  return `${key.slice(0, keep)}…${key.slice(-keep)}`;
}
