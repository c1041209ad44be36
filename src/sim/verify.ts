// Server-side OAuth 1.0a signature check written from RFC 5849 §3.4, on purpose sharing no code
// with the client signer: if both used one implementation, a bug in it would go unnoticed.

import { createHmac, timingSafeEqual } from 'node:crypto';

export type Pair = [string, string];

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** RFC 3986 percent-encoding of the UTF-8 bytes, as §3.6 requires (upper-case hex). */
export function percentEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(ch) ? ch : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/**
 * Percent-decoding that never throws: a stray '%' stays as it is, because a server must still
 * answer (and reject) a malformed request rather than crash on it.
 */
export function percentDecode(value: string, plusIsSpace: boolean): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '%' && /^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (ch === '+' && plusIsSpace) {
      bytes.push(0x20);
    } else {
      const cp = value.codePointAt(i)!;
      if (cp > 0xffff) i++;
      bytes.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** application/x-www-form-urlencoded pairs (query string or form body); empty pieces are skipped. */
export function parseForm(raw: string): Pair[] {
  const pairs: Pair[] = [];
  for (const piece of raw.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const name = eq < 0 ? piece : piece.slice(0, eq);
    const value = eq < 0 ? '' : piece.slice(eq + 1);
    pairs.push([percentDecode(name, true), percentDecode(value, true)]);
  }
  return pairs;
}

/**
 * Parameters of an `Authorization: OAuth ...` header (§3.5.1), decoded.
 * Returns null when the header is missing, another scheme, or not parseable.
 */
export function parseAuthorization(header: string | undefined): Pair[] | null {
  if (!header) return null;
  const m = /^\s*OAuth(?:\s+|$)/i.exec(header);
  if (!m) return null;
  const rest = header.slice(m[0].length);
  const pairs: Pair[] = [];
  const item = /\s*([^\s=,"]+)\s*=\s*"([^"]*)"\s*(,|$)/y;
  let pos = 0;
  while (pos < rest.length) {
    if (/^\s*$/.test(rest.slice(pos))) break;
    item.lastIndex = pos;
    const hit = item.exec(rest);
    if (!hit) return null;
    pairs.push([percentDecode(hit[1]!, false), percentDecode(hit[2]!, false)]);
    pos = item.lastIndex;
    if (hit[3] === '') break;
  }
  return pairs;
}

/** §3.4.1.2: scheme and host lower-case, default port dropped, path exactly as sent. */
export function baseStringUri(scheme: string, host: string, path: string): string {
  const s = scheme.toLowerCase();
  let h = host.toLowerCase();
  const portAt = h.startsWith('[') ? h.indexOf(']:') + 1 : h.lastIndexOf(':');
  if (portAt > 0 && h[portAt] === ':') {
    const port = h.slice(portAt + 1);
    if ((s === 'https' && port === '443') || (s === 'http' && port === '80')) h = h.slice(0, portAt);
  }
  return `${s}://${h}${path === '' ? '/' : path}`;
}

/** §3.4.1.3.2: encode every name and value, sort by name then value, join with '&'. */
export function normalizeParameters(pairs: Pair[]): string {
  const encoded = pairs.map(([n, v]) => [percentEncode(n), percentEncode(v)] as Pair);
  encoded.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return encoded.map(([n, v]) => `${n}=${v}`).join('&');
}

export interface BaseStringInput {
  method: string;
  scheme: string;
  /** Host header value, possibly with a port. */
  host: string;
  /** Path as received, without the query. */
  path: string;
  /** Raw query string, without '?'. */
  query: string;
  /** Parameters from the Authorization header (realm and oauth_signature are dropped here). */
  authParams: Pair[];
  /** Raw form body, only when the request is application/x-www-form-urlencoded. */
  formBody?: string;
}

/** §3.4.1: the signature base string rebuilt from the request as received. */
export function signatureBaseString(input: BaseStringInput): string {
  const params: Pair[] = [
    ...parseForm(input.query),
    ...input.authParams.filter(([n]) => n !== 'realm' && n !== 'oauth_signature'),
    ...(input.formBody ? parseForm(input.formBody) : []),
  ];
  return [
    input.method.toUpperCase(),
    percentEncode(baseStringUri(input.scheme, input.host, input.path)),
    percentEncode(normalizeParameters(params)),
  ].join('&');
}

/** §3.4.2 HMAC signature, base64. Two-legged OAuth has an empty token secret. */
export function computeSignature(
  method: 'HMAC-SHA1' | 'HMAC-SHA256',
  baseString: string,
  consumerSecret: string,
  tokenSecret = '',
): string {
  const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
  return createHmac(method === 'HMAC-SHA1' ? 'sha1' : 'sha256', key).update(baseString).digest('base64');
}

/** Constant-time comparison, so the simulator does not teach bad habits. */
export function signaturesMatch(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
