// --trace: every exchange as it finishes, on stderr, for matching against the eSchoolPLUS API Log.
// Shows the signature and base string, never the secret; bodies are summarised or have their
// values masked so student and contact data cannot appear.
import type { Exchange } from '../net/client.js';

const KEEP_VALUE = /message|error|problem|advice|detail|title|status|code|reason/i;
const HEADER_SKIP = /^(set-cookie|cookie)$/i;

/** Masks every JSON string value except under keys that carry error text. */
export function maskJsonValues(text: string): string {
  return text.replace(/("([^"\\]|\\.)*")(\s*:\s*)("([^"\\]|\\.)*")/g, (_m, key: string, _k, sep: string, value: string) =>
    KEEP_VALUE.test(key) ? `${key}${sep}${value}` : `${key}${sep}"…"`,
  ).replace(/(\[|,)\s*"([^"\\]|\\.)*"/g, '$1"…"');
}

export function bodySummary(ex: Exchange): string {
  const b = ex.body;
  if (!b) return '(no body read)';
  const ok = ex.status !== null && ex.status >= 200 && ex.status < 300;
  if (ok && b.kind.startsWith('json')) {
    return `${b.kind}, ${b.records}${b.complete ? '' : '+'} records${b.wrapperKey ? ` under "${b.wrapperKey}"` : ''}; fields: ${b.fields.slice(0, 20).join(', ') || '-'} (values not shown)`;
  }
  if (b.kind === 'html') return `HTML page${b.htmlTitle ? `: "${b.htmlTitle}"` : ''}`;
  if (b.kind === 'empty') return '(empty)';
  const excerpt = b.excerpt.slice(0, 400).replace(/\s+/g, ' ');
  return `${b.kind}: ${b.kind.startsWith('json') || b.kind === 'invalid-json' ? maskJsonValues(excerpt) : excerpt}`;
}

export function traceLines(ex: Exchange): string {
  const out = [`── ${ex.at}  ${ex.method} ${ex.url}${ex.purpose ? `  (${ex.purpose})` : ''}`];
  if (ex.signing) {
    out.push(`   signature method: ${ex.signing.signatureMethod}, nonce ${ex.signing.nonce}, timestamp ${ex.signing.timestamp}`);
    out.push(`   base string: ${ex.signing.baseString}`);
    out.push(`   Authorization: ${ex.signing.authorizationHeader}`);
  } else {
    out.push('   unsigned');
  }
  if (ex.error) {
    out.push(`   failed after ${ex.ms} ms: ${ex.error.kind} (${ex.error.code})`);
  } else {
    out.push(`   → HTTP ${ex.status} in ${ex.ms} ms`);
    for (const [k, v] of Object.entries(ex.headers)) if (!HEADER_SKIP.test(k)) out.push(`     ${k}: ${v.slice(0, 200)}`);
    out.push(`   body: ${bodySummary(ex)}`);
  }
  out.push(`   look for this call in the eSchoolPLUS API Log at ${ex.at.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}` +
    (ex.status === 401 || ex.status === 404 || ex.error ? ' (calls rejected before authentication or to an unknown path may not appear there at all)' : ''));
  return out.join('\n');
}
