// DNS, TCP and TLS seen directly (not through the HTTP client), so each failure class can be told
// apart and the certificate can be described even when it is rejected.
import { lookup } from 'node:dns/promises';
import { connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import { classifyError, type NetError } from './errors.js';
import { trustedCa } from './ca.js';

export interface DnsResult {
  addresses: string[];
  ms: number;
  error?: NetError;
  privateOnly: boolean;
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
  protocol: string | null;
}

export interface TlsResult {
  ok: boolean;
  ms: number;
  error?: NetError;
  /** Described from a second, unverified handshake when the first one failed. */
  cert?: CertInfo;
  authorizationError?: string;
}

export function isPrivateAddress(a: string): boolean {
  if (/^(10\.|192\.168\.|169\.254\.)/.test(a)) return true;
  const m = /^172\.(\d+)\./.exec(a);
  if (m && +m[1]! >= 16 && +m[1]! <= 31) return true;
  return /^(fc|fd|fe80)/i.test(a);
}

export async function resolveHost(host: string, timeoutMs: number): Promise<DnsResult> {
  const started = Date.now();
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) return { addresses: [bare], ms: 0, privateOnly: isPrivateAddress(bare) };
  let timer: NodeJS.Timeout | undefined;
  try {
    const res = await Promise.race([
      lookup(bare, { all: true }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error('DNS lookup timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
      }),
    ]);
    const addresses = res.map((r) => r.address);
    return { addresses, ms: Date.now() - started, privateOnly: addresses.length > 0 && addresses.every(isPrivateAddress) };
  } catch (err) {
    const e = classifyError(err);
    return { addresses: [], ms: Date.now() - started, privateOnly: false, error: e.kind === 'TIMEOUT' ? e : { ...e, kind: 'DNS_FAILED' } };
  } finally {
    clearTimeout(timer);
  }
}

function name(o: Record<string, unknown> | undefined): string {
  if (!o) return '';
  const cn = o.CN ?? o.O;
  return Array.isArray(cn) ? cn.join(', ') : String(cn ?? '');
}

function describe(sock: TLSSocket, now: number): CertInfo | undefined {
  const cert = sock.getPeerCertificate(true) as PeerCertificate & { issuerCertificate?: PeerCertificate };
  if (!cert || !cert.subject) return undefined;
  let chainLength = 1;
  let cur: PeerCertificate & { issuerCertificate?: PeerCertificate } = cert;
  while (cur.issuerCertificate && cur.issuerCertificate !== cur && chainLength < 10) {
    chainLength++;
    cur = cur.issuerCertificate as typeof cur;
  }
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
    selfSigned: cert.fingerprint256 === cert.issuerCertificate?.fingerprint256 || name(cert.subject as never) === name(cert.issuer as never) && chainLength === 1,
    chainLength,
    protocol: sock.getProtocol(),
  };
}

function handshake(host: string, port: number, servername: string | undefined, verify: boolean, ca: string[] | undefined, timeoutMs: number) {
  return new Promise<{ sock?: TLSSocket; error?: unknown }>((resolve) => {
    const sock = tlsConnect({ host, port, servername, rejectUnauthorized: verify, ca, ALPNProtocols: ['http/1.1'] });
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ error: Object.assign(new Error('TLS handshake timed out'), { code: 'ETIMEDOUT' }) });
    }, timeoutMs);
    sock.once('secureConnect', () => {
      clearTimeout(timer);
      resolve({ sock });
    });
    sock.once('error', (error) => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ error });
    });
  });
}

export async function inspectTls(host: string, port: number, extraCa: string[] | undefined, timeoutMs: number, now = Date.now()): Promise<TlsResult> {
  const started = Date.now();
  const bare = host.replace(/^\[|\]$/g, '');
  const servername = isIP(bare) ? undefined : bare;
  const ca = trustedCa(extraCa);
  const first = await handshake(bare, port, servername, true, ca, timeoutMs);
  if (first.sock) {
    const cert = describe(first.sock, now);
    first.sock.destroy();
    return { ok: true, ms: Date.now() - started, cert };
  }
  const error = classifyError(first.error);
  const out: TlsResult = { ok: false, ms: Date.now() - started, error };
  if (error.kind.startsWith('TLS_')) {
    // Only to describe the certificate; never used to send a request.
    const second = await handshake(bare, port, servername, false, ca, timeoutMs);
    if (second.sock) {
      out.cert = describe(second.sock, now);
      out.authorizationError = String(second.sock.authorizationError ?? '');
      second.sock.destroy();
    }
  }
  return out;
}
