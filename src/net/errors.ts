// Turns the many shapes of Node/undici network errors into one small vocabulary.
// The proxy cases are matched on what undici 7 actually throws (see test/proxy.test.ts):
//   CONNECT answered with a non-200 → RequestAbortedError (UND_ERR_ABORTED)
//                                      "Proxy response (407) !== 200 when HTTP Tunneling"
//   plain-http forwarding answered 407 → InvalidArgumentError "Proxy Authentication Required (407)"
//   TLS to an https:// proxy failed    → SecureProxyConnectionError (UND_ERR_PRX_TLS)
//   proxy not reachable                → the ordinary socket error (ECONNREFUSED, ENOTFOUND,
//                                        UND_ERR_CONNECT_TIMEOUT…) carrying the proxy's address,
//                                        which only the caller can recognise: pass `proxy`.

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

/** Where in the exchange it went wrong, when known (the direct inspection always knows). */
export type NetPhase = 'dns' | 'connect' | 'proxy' | 'tls' | 'http';

export interface NetError {
  kind: NetErrorKind;
  /** The low-level code (ENOTFOUND, CERT_HAS_EXPIRED, …) for evidence. */
  code: string;
  message: string;
  phase?: NetPhase;
  /** The address and port that were tried, when the error names them. */
  address?: string;
  port?: number;
  /** The proxy's answer to CONNECT (407, 403, 502…). */
  proxyStatus?: number;
  /** The proxy the request went through (credentials removed). */
  proxy?: string;
}

export interface ProxyContext {
  /** host name or address of the proxy, without brackets */
  host: string;
  port: number;
  display: string;
}

const TLS_CODES: Record<string, NetErrorKind> = {
  CERT_HAS_EXPIRED: 'TLS_EXPIRED',
  CERT_NOT_YET_VALID: 'TLS_NOT_YET_VALID',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS_UNTRUSTED',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS_UNTRUSTED',
  UNABLE_TO_GET_ISSUER_CERT: 'TLS_UNTRUSTED',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS_UNTRUSTED',
  // OpenSSL says this when the server sent ONLY its own certificate and its issuer is not a
  // trusted root: almost always a missing intermediate (Node never fetches intermediates).
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS_CHAIN_INCOMPLETE',
  CERT_UNTRUSTED: 'TLS_UNTRUSTED',
  CERT_SIGNATURE_FAILURE: 'TLS_UNTRUSTED',
  CERT_REVOKED: 'TLS_UNTRUSTED',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS_HOSTNAME',
  ERR_SSL_UNSUPPORTED_PROTOCOL: 'TLS_PROTOCOL',
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: 'TLS_PROTOCOL',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS_PROTOCOL',
  ERR_SSL_NO_PROTOCOLS_AVAILABLE: 'TLS_PROTOCOL',
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 'TLS_PROTOCOL',
  EPROTO: 'TLS_PROTOCOL',
};

const NET_CODES: Record<string, NetErrorKind> = {
  ENOTFOUND: 'DNS_FAILED',
  EAI_AGAIN: 'DNS_FAILED',
  EAI_FAIL: 'DNS_FAILED',
  EAI_NODATA: 'DNS_FAILED',
  ENODATA: 'DNS_FAILED',
  ESERVFAIL: 'DNS_FAILED',
  ECONNREFUSED: 'CONNECT_REFUSED',
  EHOSTUNREACH: 'CONNECT_FAILED',
  ENETUNREACH: 'CONNECT_FAILED',
  EADDRNOTAVAIL: 'CONNECT_FAILED',
  ECONNRESET: 'CONNECTION_RESET',
  EPIPE: 'CONNECTION_RESET',
  UND_ERR_SOCKET: 'CONNECTION_RESET',
  ETIMEDOUT: 'TIMEOUT',
  ETIMEOUT: 'TIMEOUT',
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

const PROXY_TUNNEL = /^Proxy response \((\d{3})\) !== 200 when HTTP Tunneling/;
const PROXY_AUTH_FORWARD = /^Proxy Authentication Required \(407\)/;

type Link = { code?: unknown; name?: unknown; message?: unknown; address?: unknown; port?: unknown; hostname?: unknown; host?: unknown };

function chain(err: unknown): Link[] {
  const out: Link[] = [];
  let cur: unknown = err;
  for (let i = 0; cur && typeof cur === 'object' && i < 6; i++) {
    out.push(cur as Link);
    const c = cur as { cause?: unknown; errors?: unknown[] };
    cur = c.cause ?? (Array.isArray(c.errors) ? c.errors[0] : undefined);
  }
  return out;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The address and port an error names (socket errors carry them; undici's connect timeout only says them). */
function target(e: Link): { address?: string; port?: number } {
  const address = str(e.address) || str(e.hostname) || undefined;
  const port = typeof e.port === 'number' ? e.port : undefined;
  if (address) return { address, port };
  const m = /attempted addresses?: ([^,)]+?):(\d+)/.exec(str(e.message));
  return m ? { address: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) } : {};
}

function isProxyTarget(t: { address?: string; port?: number }, proxy: ProxyContext | undefined): boolean {
  if (!proxy || !t.address) return false;
  const a = t.address.replace(/^\[|\]$/g, '').toLowerCase();
  return a === proxy.host.toLowerCase() && (t.port === undefined || t.port === proxy.port);
}

export function classifyError(err: unknown, proxy?: ProxyContext): NetError {
  const links = chain(err);
  const via = proxy ? { proxy: proxy.display } : {};
  for (const e of links) {
    const code = str(e.code);
    const name = str(e.name);
    const message = str(e.message);
    const tunnel = PROXY_TUNNEL.exec(message);
    if (tunnel && code === 'UND_ERR_ABORTED') {
      const status = Number(tunnel[1]);
      return { kind: status === 407 ? 'PROXY_AUTH_REQUIRED' : 'PROXY_FAILED', code: `PROXY_${status}`, message, phase: 'proxy', proxyStatus: status, ...via };
    }
    if (PROXY_AUTH_FORWARD.test(message)) return { kind: 'PROXY_AUTH_REQUIRED', code: 'PROXY_407', message, phase: 'proxy', proxyStatus: 407, ...via };
    if (code === 'UND_ERR_PRX_TLS') return { kind: 'PROXY_FAILED', code, message, phase: 'proxy', ...via };
    if (TLS_CODES[code]) return { kind: TLS_CODES[code]!, code, message, phase: 'tls', ...via };
    if (NET_CODES[code]) {
      const t = target(e);
      if (isProxyTarget(t, proxy)) return { kind: 'PROXY_FAILED', code, message, phase: 'proxy', ...t, ...via };
      const kind = NET_CODES[code]!;
      const phase = kind === 'DNS_FAILED' ? 'dns' : kind === 'CONNECT_REFUSED' || kind === 'CONNECT_FAILED' ? 'connect' : undefined;
      return { kind, code, message, ...(phase ? { phase } : {}), ...t, ...via };
    }
    if (name === 'TimeoutError' || name === 'AbortError') return { kind: 'TIMEOUT', code: name, message, ...via };
    if (name === 'HTTPParserError') return { kind: 'BAD_HTTP', code: code || name, message, phase: 'http', ...via };
  }
  const first = links[0];
  const message = first ? str(first.message) || String(err) : String(err);
  const code = (first && str(first.code)) || 'UNKNOWN';
  if (/wrong version number|unsupported protocol|protocol version/i.test(message)) return { kind: 'TLS_PROTOCOL', code, message, phase: 'tls', ...via };
  return { kind: 'OTHER', code, message, ...via };
}
