// DNS, TCP and TLS seen directly (not through the HTTP client), so each failure class can be told
// apart, each phase timed, and the certificate described even when it is rejected.
import { lookup, Resolver } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext, type PeerCertificate, type SecureContext, type TLSSocket } from 'node:tls';
import { classifyError, type NetError } from './errors.js';
import { trustedCa } from './ca.js';
import type { ProxyChoice } from './proxy.js';

export type DnsReason = 'nxdomain' | 'nodata' | 'timeout' | 'servfail' | 'unknown';

export interface DnsResult {
  addresses: string[];
  ms: number;
  error?: NetError;
  /** Why the name gave no address, when it did not. */
  reason?: DnsReason;
  privateOnly: boolean;
}

export interface DnsOptions {
  /** Ask these DNS servers instead of the system resolver (tests use a stand-in on 127.0.0.1). */
  servers?: string[];
}

export interface CertInfo {
  subject: string;
  issuer: string;
  names: string[];
  validFrom: string;
  validTo: string;
  daysLeft: number;
  selfSigned: boolean;
  chainLength: number;
  /** The chain ends in a self-issued root (false: an issuer is missing). */
  chainComplete: boolean;
  /** SHA-1 thumbprint as IIS and the Windows certificate store show it. */
  thumbprint: string;
  protocol: string | null;
}

export interface TlsTimings {
  dnsMs?: number;
  /** TCP connect to the server, or to the proxy. */
  connectMs?: number;
  /** From sending CONNECT to the proxy's answer. */
  proxyConnectMs?: number;
  tlsMs?: number;
}

export interface TlsResult {
  ok: boolean;
  ms: number;
  timings: TlsTimings;
  /** The address (or proxy) and port that were connected to. */
  address?: string;
  port: number;
  proxy?: string;
  /** Every address tried before one answered, with what went wrong. */
  attempts: Array<{ address: string; error: string }>;
  error?: NetError;
  /** Described from a second, unverified handshake when the first one failed. */
  cert?: CertInfo;
  authorizationError?: string;
  /** The TLS version the server settled on when old versions were allowed (report-only handshake). */
  serverProtocol?: string;
}

export function isLoopback(a: string): boolean {
  const x = a.replace(/^::ffff:/i, '');
  return /^127\./.test(x) || x === '::1';
}

/** RFC 1918, link-local, carrier-grade NAT and IPv6 unique-local: unreachable from the internet. Loopback is not counted. */
export function isPrivateAddress(a: string): boolean {
  const x = a.replace(/^::ffff:/i, '');
  if (isIP(x) === 4) {
    if (/^(10\.|192\.168\.|169\.254\.)/.test(x)) return true;
    const [, b1, b2] = /^(\d+)\.(\d+)\./.exec(x) ?? [];
    if (b1 === '172' && +b2! >= 16 && +b2! <= 31) return true;
    return b1 === '100' && +b2! >= 64 && +b2! <= 127;
  }
  return isIP(x) === 6 && /^(f[cd][0-9a-f]{2}|fe[89ab][0-9a-f]):/i.test(x);
}

function timeoutError(what: string): Error {
  return Object.assign(new Error(`${what} timed out`), { code: 'ETIMEDOUT' });
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(timeoutError(what)), ms)))]).finally(() => clearTimeout(timer));
}

function reasonOf(codes: string[]): DnsReason {
  if (codes.includes('ENOTFOUND')) return 'nxdomain';
  if (codes.length && codes.every((c) => c === 'ENODATA')) return 'nodata';
  if (codes.includes('ESERVFAIL')) return 'servfail';
  if (codes.some((c) => c === 'ETIMEOUT' || c === 'ETIMEDOUT' || c === 'ECONNREFUSED' || c === 'EAI_AGAIN')) return 'timeout';
  return 'unknown';
}

/** Asks DNS directly for A and AAAA: tells "no such name" from "name without addresses" from "no answer". */
async function askDns(name: string, timeoutMs: number, servers?: string[]): Promise<{ addresses: string[]; codes: string[] }> {
  const r = new Resolver({ timeout: Math.max(100, Math.min(timeoutMs, 5000)), tries: 1 });
  if (servers?.length) r.setServers(servers);
  const settled = await withDeadline(Promise.allSettled([r.resolve4(name), r.resolve6(name)]), timeoutMs + 500, 'DNS query').catch(() => {
    r.cancel();
    return [{ status: 'rejected', reason: { code: 'ETIMEOUT' } }] as PromiseSettledResult<string[]>[];
  });
  const addresses: string[] = [];
  const codes: string[] = [];
  for (const s of settled) {
    if (s.status === 'fulfilled') addresses.push(...s.value);
    else codes.push(String((s.reason as { code?: unknown })?.code ?? 'UNKNOWN'));
  }
  return { addresses, codes };
}

export async function resolveHost(host: string, timeoutMs: number, opts: DnsOptions = {}): Promise<DnsResult> {
  const started = Date.now();
  const bare = host.replace(/^\[|\]$/g, '');
  const done = (addresses: string[]): DnsResult => ({
    addresses,
    ms: Date.now() - started,
    privateOnly: addresses.length > 0 && addresses.every(isPrivateAddress),
  });
  if (isIP(bare)) return { ...done([bare]), ms: 0 };
  let firstError: unknown;
  if (!opts.servers?.length) {
    // The system resolver first: it is what the HTTP client uses (hosts file, search domains…).
    try {
      const res = await withDeadline(lookup(bare, { all: true }), timeoutMs, 'DNS lookup');
      return done(res.map((r) => r.address));
    } catch (err) {
      firstError = err;
    }
  }
  // Then DNS itself, to say precisely why there is no address.
  const asked = await askDns(bare, Math.min(timeoutMs, 5000), opts.servers);
  if (asked.addresses.length && !firstError) return done(asked.addresses);
  const firstCode = String((firstError as { code?: unknown })?.code ?? '');
  let reason = reasonOf(asked.codes);
  // getaddrinfo's ENOTFOUND is definite but does not say which; DNS silence must not turn it into a timeout.
  if (firstCode === 'ENOTFOUND' && (reason === 'timeout' || reason === 'unknown')) reason = 'unknown';
  if ((firstCode === 'EAI_AGAIN' && reason === 'unknown') || firstCode === 'ETIMEDOUT') reason = 'timeout';
  if (asked.addresses.length) reason = 'unknown';
  const code = firstCode || asked.codes[0] || 'UNKNOWN';
  const message = firstError instanceof Error ? firstError.message : `DNS answered ${asked.codes.join(', ')}`;
  return { addresses: [], ms: Date.now() - started, privateOnly: false, reason, error: { kind: 'DNS_FAILED', code, message, phase: 'dns' } };
}

function name(o: Record<string, unknown> | undefined): string {
  if (!o) return '';
  const cn = o.CN ?? o.O;
  return Array.isArray(cn) ? cn.join(', ') : String(cn ?? '');
}

type Peer = PeerCertificate & { issuerCertificate?: Peer };

function describe(sock: TLSSocket, now: number): CertInfo | undefined {
  const cert = sock.getPeerCertificate(true) as Peer;
  if (!cert || !cert.subject) return undefined;
  let chainLength = 1;
  let cur: Peer = cert;
  while (cur.issuerCertificate && cur.issuerCertificate !== cur && cur.issuerCertificate.fingerprint256 !== cur.fingerprint256 && chainLength < 10) {
    chainLength++;
    cur = cur.issuerCertificate;
  }
  const selfIssued = (c: Peer) => c.issuerCertificate?.fingerprint256 === c.fingerprint256 || JSON.stringify(c.subject) === JSON.stringify(c.issuer);
  const names = (cert.subjectaltname ?? '')
    .split(/,\s*/)
    .filter(Boolean)
    .map((n) => n.replace(/^(DNS|IP Address):/, ''));
  const validTo = new Date(cert.valid_to);
  return {
    subject: name(cert.subject as unknown as Record<string, unknown>),
    issuer: name(cert.issuer as unknown as Record<string, unknown>),
    names,
    validFrom: new Date(cert.valid_from).toISOString(),
    validTo: validTo.toISOString(),
    daysLeft: Math.floor((validTo.getTime() - now) / 86_400_000),
    selfSigned: chainLength === 1 && selfIssued(cert),
    chainLength,
    chainComplete: selfIssued(cur),
    thumbprint: (cert.fingerprint ?? '').replace(/:/g, ''),
    protocol: sock.getProtocol(),
  };
}

interface Opened {
  sock?: Socket;
  error?: NetError;
}

/** A CONNECT tunnel through the proxy, the way undici opens it, so the certificate seen is the one the requests see. */
function tunnel(proxy: ProxyChoice, host: string, port: number, ca: string[] | undefined, timeoutMs: number): Promise<Opened> {
  return new Promise((resolve) => {
    let p: URL;
    try {
      p = new URL(proxy.url);
    } catch {
      resolve({ error: { kind: 'PROXY_FAILED', code: 'BAD_PROXY_URL', message: `the proxy setting "${proxy.display}" is not a URL`, phase: 'proxy', proxy: proxy.display } });
      return;
    }
    const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const headers: Record<string, string> = { host: authority };
    if (p.username) headers['proxy-authorization'] = 'Basic ' + Buffer.from(`${decodeURIComponent(p.username)}:${decodeURIComponent(p.password)}`).toString('base64');
    const request = p.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request({ host: proxy.host, port: proxy.port, method: 'CONNECT', path: authority, headers, agent: false, ...(p.protocol === 'https:' ? { ca } : {}) });
    const timer = setTimeout(() => {
      req.destroy();
      resolve({ error: { kind: 'TIMEOUT', code: 'ETIMEDOUT', message: `no answer from the proxy to CONNECT ${authority}`, phase: 'proxy', proxy: proxy.display } });
    }, timeoutMs);
    req.once('connect', (res, sock) => {
      clearTimeout(timer);
      const status = res.statusCode ?? 0;
      if (status === 200) return resolve({ sock });
      sock.destroy();
      resolve({
        error: {
          kind: status === 407 ? 'PROXY_AUTH_REQUIRED' : 'PROXY_FAILED',
          code: `PROXY_${status}`,
          message: `the proxy answered ${status} ${res.statusMessage ?? ''} to CONNECT ${authority}`.trim(),
          phase: 'proxy',
          proxyStatus: status,
          proxy: proxy.display,
        },
      });
    });
    req.once('error', (err) => {
      clearTimeout(timer);
      resolve({ error: classifyError(err, proxy) });
    });
    req.end();
  });
}

function tcp(address: string, port: number, timeoutMs: number): Promise<Opened> {
  return new Promise((resolve) => {
    const sock = netConnect({ host: address, port });
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ error: { kind: 'TIMEOUT', code: 'ETIMEDOUT', message: `TCP connect to ${address}:${port} timed out`, phase: 'connect', address, port } });
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      resolve({ sock });
    });
    sock.once('error', (err) => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ error: { ...classifyError(err), phase: 'connect', address, port } });
    });
  });
}

interface HandshakeOptions {
  host: string;
  servername: string | undefined;
  verify: boolean;
  /** Built once per inspection: parsing ~150 root certificates per handshake costs tens of ms. */
  context: SecureContext | undefined;
  timeoutMs: number;
}

/** The report-only context also accepts TLS 1.0/1.1 and weak ciphers, to name what an old server speaks. */
function contextFor(ca: string[] | undefined, lax: boolean): SecureContext | undefined {
  if (!lax) return ca ? createSecureContext({ ca }) : undefined;
  return createSecureContext({ ca, minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
}

function handshake(socket: Socket, o: HandshakeOptions): Promise<{ sock?: TLSSocket; error?: unknown }> {
  return new Promise((resolve) => {
    const sock = tlsConnect({ socket, host: o.host, servername: o.servername, rejectUnauthorized: o.verify, secureContext: o.context, ALPNProtocols: ['http/1.1'] });
    const timer = setTimeout(() => {
      sock.destroy();
      socket.destroy();
      resolve({ error: timeoutError('TLS handshake') });
    }, o.timeoutMs);
    sock.once('secureConnect', () => {
      clearTimeout(timer);
      resolve({ sock });
    });
    sock.once('error', (error) => {
      clearTimeout(timer);
      sock.destroy();
      socket.destroy();
      resolve({ error });
    });
  });
}

export interface InspectOptions {
  host: string;
  port: number;
  extraCa?: string[];
  timeoutMs: number;
  proxy?: ProxyChoice | null;
  dns?: DnsOptions;
  now?: number;
}

export async function inspectTls(o: InspectOptions): Promise<TlsResult> {
  const started = Date.now();
  const bare = o.host.replace(/^\[|\]$/g, '');
  const servername = isIP(bare) ? undefined : bare;
  const ca = trustedCa(o.extraCa);
  const out: TlsResult = { ok: false, ms: 0, timings: {}, port: o.port, attempts: [] };
  const finish = () => ({ ...out, ms: Date.now() - started });

  // Opens the path to the server: straight to an address, or a tunnel through the proxy.
  let addresses: string[] = [];
  const open = async (record: boolean): Promise<Opened> => {
    if (o.proxy) {
      const t0 = Date.now();
      const r = await tunnel(o.proxy, bare, o.port, ca, o.timeoutMs);
      if (record) {
        out.timings.proxyConnectMs = Date.now() - t0;
        out.address = `${o.proxy.host}:${o.proxy.port}`;
      }
      return r;
    }
    let last: Opened = {};
    for (const address of addresses.slice(0, 4)) {
      const t0 = Date.now();
      last = await tcp(address, o.port, o.timeoutMs);
      if (record) out.timings.connectMs = Date.now() - t0;
      if (last.sock) {
        if (record) out.address = address;
        addresses = [address];
        return last;
      }
      if (record) out.attempts.push({ address, error: last.error!.code });
    }
    return last;
  };

  if (o.proxy) {
    out.proxy = o.proxy.display;
  } else {
    const d = await resolveHost(bare, o.timeoutMs, o.dns);
    out.timings.dnsMs = d.ms;
    if (d.error) {
      out.error = d.error;
      return finish();
    }
    addresses = d.addresses;
  }
  const path = await open(true);
  if (!path.sock) {
    out.error = path.error;
    return finish();
  }
  const t0 = Date.now();
  const first = await handshake(path.sock, { host: bare, servername, verify: true, context: contextFor(ca, false), timeoutMs: o.timeoutMs });
  out.timings.tlsMs = Date.now() - t0;
  if (first.sock) {
    out.ok = true;
    out.cert = describe(first.sock, o.now ?? Date.now());
    first.sock.destroy();
    return finish();
  }
  const e = classifyError(first.error, o.proxy ?? undefined);
  // A reset or silence after TCP connected happened during the handshake: say so.
  out.error = { ...e, phase: e.phase === 'proxy' ? 'proxy' : 'tls', ...(out.address && !o.proxy ? { address: out.address, port: o.port } : {}), ...(o.proxy ? { proxy: o.proxy.display } : {}) };
  if (e.kind.startsWith('TLS_')) {
    // Only to describe the certificate (and the old protocol); never used to send a request.
    const again = await open(false);
    if (again.sock) {
      const second = await handshake(again.sock, { host: bare, servername, verify: false, context: contextFor(ca, true), timeoutMs: o.timeoutMs });
      if (second.sock) {
        out.cert = describe(second.sock, o.now ?? Date.now());
        out.authorizationError = String(second.sock.authorizationError ?? '');
        if (e.kind === 'TLS_PROTOCOL') out.serverProtocol = second.sock.getProtocol() ?? undefined;
        second.sock.destroy();
      }
    }
  }
  return finish();
}
