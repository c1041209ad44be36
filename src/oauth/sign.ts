// OAuth 1.0a signing on node:crypto (RFC 5849 §3.4). The oauth-1.0a package gets default ports,
// upper-case hosts, '+' in queries, repeated names and encoded names wrong (design.md §4), so the
// base string is built here from decoded pairs, and the URL that is sent is rebuilt from those pairs.
import { createHmac, randomBytes } from 'node:crypto';
import type { SignatureMethod } from '../types.js';

export type Pair = [string, string];

export interface SignInput {
  method: string;
  url: string;
  consumerKey: string;
  consumerSecret: string;
  signatureMethod: SignatureMethod;
  nonce: string;
  timestamp: string;
  token?: string | null;
  tokenSecret?: string | null;
  realm?: string | null;
  callback?: string | null;
  /** Decoded form-body pairs (POST application/x-www-form-urlencoded). */
  bodyPairs?: Pair[];
}

export interface Signed {
  baseString: string;
  signature: string;
  authorizationHeader: string;
  /** The URL to send: normalised origin + path, query rebuilt from the signed pairs. */
  requestUrl: string;
  queryPairs: Pair[];
}

/** RFC 3986 percent-encoding: everything but unreserved characters, UTF-8 bytes. */
export function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function decodeComponent(s: string): string {
  const spaced = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // Stray '%' that is not an escape: keep it literally rather than fail the whole URL.
    return spaced.replace(/%(?![0-9a-fA-F]{2})/g, '%25').replace(/%([0-9a-fA-F]{2})/g, (m) => {
      try {
        return decodeURIComponent(m);
      } catch {
        return m;
      }
    });
  }
}

/** Parse a query string into decoded pairs; `+` is a space, empty segments are dropped. */
export function parseQuery(query: string): Pair[] {
  const q = query.startsWith('?') ? query.slice(1) : query;
  if (!q) return [];
  const out: Pair[] = [];
  for (const part of q.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    out.push([decodeComponent(name), decodeComponent(value)]);
  }
  return out;
}

export interface SplitUrl {
  /** scheme://host[:port]/path, lower-case scheme and host, default port dropped, path verbatim. */
  baseUri: string;
  query: string;
}

/** Split a URL without letting WHATWG URL re-encode the path (the signature covers it as sent). */
export function splitUrl(raw: string): SplitUrl {
  const noFragment = raw.split('#')[0]!;
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?]*)([^?]*)(\?.*)?$/.exec(noFragment);
  if (!m) throw new Error('not an absolute URL');
  const scheme = m[1]!.toLowerCase();
  let authority = m[2]!.toLowerCase();
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  const portMatch = /^(.*):(\d+)$/.exec(authority);
  if (portMatch) {
    const port = portMatch[2]!;
    if ((scheme === 'https' && port === '443') || (scheme === 'http' && port === '80')) authority = portMatch[1]!;
  }
  const path = m[3] || '/';
  return { baseUri: `${scheme}://${authority}${path}`, query: m[4] ?? '' };
}

function normaliseParams(pairs: Pair[]): string {
  return pairs
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as Pair)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

export function hmac(method: SignatureMethod, key: string, text: string): string {
  const algo = method === 'HMAC-SHA256' ? 'sha256' : 'sha1';
  return createHmac(algo, key).update(text, 'utf8').digest('base64');
}

export function sign(input: SignInput): Signed {
  const { baseUri, query } = splitUrl(input.url);
  const queryPairs = parseQuery(query);
  const oauth: Pair[] = [
    ['oauth_nonce', input.nonce],
    ['oauth_timestamp', input.timestamp],
    ['oauth_version', '1.0'],
    ['oauth_signature_method', input.signatureMethod],
    ['oauth_consumer_key', input.consumerKey],
  ];
  if (input.token) oauth.push(['oauth_token', input.token]);
  if (input.callback) oauth.push(['oauth_callback', input.callback]);
  const all = [...queryPairs, ...(input.bodyPairs ?? []), ...oauth];
  const baseString = [input.method.toUpperCase(), percentEncode(baseUri), percentEncode(normaliseParams(all))].join('&');
  const key = `${percentEncode(input.consumerSecret)}&${percentEncode(input.tokenSecret ?? '')}`;
  const signature = hmac(input.signatureMethod, key, baseString);
  const headerParts = [...oauth, ['oauth_signature', signature] as Pair].map(
    ([k, v]) => `${percentEncode(k)}="${percentEncode(v)}"`,
  );
  if (input.realm) headerParts.unshift(`realm="${input.realm.replace(/["\\]/g, '')}"`);
  const rebuiltQuery = queryPairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
  return {
    baseString,
    signature,
    authorizationHeader: `OAuth ${headerParts.join(', ')}`,
    requestUrl: rebuiltQuery ? `${baseUri}?${rebuiltQuery}` : baseUri,
    queryPairs,
  };
}

/** 16 bytes of randomness, URL-safe; a fresh one for every request (a replayed nonce is refused). */
export function makeNonce(): string {
  return randomBytes(16).toString('hex');
}

export function unixTime(nowMs: number): string {
  return String(Math.floor(nowMs / 1000));
}
