// Turns the many shapes of Node/undici network errors into one small vocabulary.

export type NetErrorKind =
  | 'DNS_FAILED'
  | 'CONNECT_REFUSED'
  | 'CONNECT_FAILED'
  | 'CONNECTION_RESET'
  | 'TIMEOUT'
  | 'TLS_UNTRUSTED'
  | 'TLS_CHAIN_INCOMPLETE'
  | 'TLS_EXPIRED'
  | 'TLS_NOT_YET_VALID'
  | 'TLS_HOSTNAME'
  | 'TLS_PROTOCOL'
  | 'PROXY_FAILED'
  | 'PROXY_AUTH_REQUIRED'
  | 'BAD_URL'
  /** The server (or a device in between) broke HTTP itself: oversized or malformed headers. */
  | 'BAD_HTTP'
  | 'OTHER';

export interface NetError {
  kind: NetErrorKind;
  /** The low-level code (ENOTFOUND, CERT_HAS_EXPIRED, …) for evidence. */
  code: string;
  message: string;
}

const TLS_CODES: Record<string, NetErrorKind> = {
  CERT_HAS_EXPIRED: 'TLS_EXPIRED',
  CERT_NOT_YET_VALID: 'TLS_NOT_YET_VALID',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS_UNTRUSTED',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS_UNTRUSTED',
  UNABLE_TO_GET_ISSUER_CERT: 'TLS_UNTRUSTED',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS_UNTRUSTED',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS_CHAIN_INCOMPLETE',
  CERT_UNTRUSTED: 'TLS_UNTRUSTED',
  CERT_SIGNATURE_FAILURE: 'TLS_UNTRUSTED',
  CERT_REVOKED: 'TLS_UNTRUSTED',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS_HOSTNAME',
  ERR_SSL_UNSUPPORTED_PROTOCOL: 'TLS_PROTOCOL',
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: 'TLS_PROTOCOL',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS_PROTOCOL',
  EPROTO: 'TLS_PROTOCOL',
};

const NET_CODES: Record<string, NetErrorKind> = {
  ENOTFOUND: 'DNS_FAILED',
  EAI_AGAIN: 'DNS_FAILED',
  EAI_FAIL: 'DNS_FAILED',
  EAI_NODATA: 'DNS_FAILED',
  ECONNREFUSED: 'CONNECT_REFUSED',
  EHOSTUNREACH: 'CONNECT_FAILED',
  ENETUNREACH: 'CONNECT_FAILED',
  EADDRNOTAVAIL: 'CONNECT_FAILED',
  ECONNRESET: 'CONNECTION_RESET',
  EPIPE: 'CONNECTION_RESET',
  UND_ERR_SOCKET: 'CONNECTION_RESET',
  ETIMEDOUT: 'TIMEOUT',
  UND_ERR_CONNECT_TIMEOUT: 'TIMEOUT',
  UND_ERR_HEADERS_TIMEOUT: 'TIMEOUT',
  UND_ERR_BODY_TIMEOUT: 'TIMEOUT',
  ABORT_ERR: 'TIMEOUT',
  ERR_INVALID_URL: 'BAD_URL',
  UND_ERR_INVALID_ARG: 'BAD_URL',
  UND_ERR_HEADERS_OVERFLOW: 'BAD_HTTP',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'BAD_HTTP',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'BAD_HTTP',
};

function chain(err: unknown): Array<{ code?: unknown; name?: unknown; message?: unknown; statusCode?: unknown }> {
  const out = [];
  let cur: unknown = err;
  for (let i = 0; cur && typeof cur === 'object' && i < 6; i++) {
    out.push(cur as { code?: unknown; name?: unknown; message?: unknown });
    const c = cur as { cause?: unknown; errors?: unknown[] };
    cur = c.cause ?? (Array.isArray(c.errors) ? c.errors[0] : undefined);
  }
  return out;
}

export function classifyError(err: unknown): NetError {
  const links = chain(err);
  for (const e of links) {
    const code = typeof e.code === 'string' ? e.code : '';
    const name = typeof e.name === 'string' ? e.name : '';
    const message = typeof e.message === 'string' ? e.message : '';
    if (TLS_CODES[code]) return { kind: TLS_CODES[code]!, code, message };
    if (/proxy/i.test(message) && /407/.test(message)) return { kind: 'PROXY_AUTH_REQUIRED', code: code || '407', message };
    if (/proxy/i.test(message) && code !== 'ENOTFOUND') return { kind: 'PROXY_FAILED', code: code || 'PROXY', message };
    if (NET_CODES[code]) return { kind: NET_CODES[code]!, code, message };
    if (name === 'TimeoutError' || name === 'AbortError') return { kind: 'TIMEOUT', code: name, message };
    if (name === 'HTTPParserError') return { kind: 'BAD_HTTP', code: code || name, message };
  }
  const first = links[0];
  const message = first && typeof first.message === 'string' ? first.message : String(err);
  const code = first && typeof first.code === 'string' ? first.code : 'UNKNOWN';
  if (/wrong version number|unsupported protocol|protocol version/i.test(message)) return { kind: 'TLS_PROTOCOL', code, message };
  return { kind: 'OTHER', code, message };
}
