// Step "tls": TCP + TLS handshake with the certificate described (directly or through the proxy the
// requests use), then what the Base URL answers without a signature, redirects followed hop by hop.
import { finding } from '../findings.js';
import { trustSources } from '../net/ca.js';
import type { Exchange } from '../net/client.js';
import { proxyFor } from '../net/proxy.js';
import { inspectTls, type TlsResult } from '../net/tls.js';
import type { Session } from '../session.js';
import type { Finding } from '../types.js';
import { result, type Check } from './check.js';
import { certSummary, netFinding, pageSummary } from './net-findings.js';

export const EXPIRY_WARN_DAYS = 30;
const MAX_HOPS = 5;
const SIGN_IN = /\/(homeaccess|eschoolplus|eschoolplusweb|tac|taclogin)(\/|$)|logon|login|signin|sign-in|\/adfs\/|\/oauth2?\/authorize|saml/i;

export function tlsOf(s: Session): Promise<TlsResult | null> {
  return s.once('tls', async () => {
    const eff = s.url.effective;
    if (!eff) return null;
    const u = new URL(eff);
    return inspectTls({ host: u.hostname, port: Number(u.port || 443), extraCa: s.client.extraCa(), timeoutMs: s.opts.timeoutMs, proxy: proxyFor(eff) });
  });
}

const INSECURE_NOTE = ' --insecure was given: the requests below go ahead WITHOUT checking the certificate, only so the later steps can be learned; this stays a failure until the certificate is fixed.';

export const tlsHandshake: Check = {
  id: 'tls.handshake',
  title: 'HTTPS connection and certificate',
  async run(s) {
    const t = await tlsOf(s);
    if (!t) return result(this.id, this.title, 'skip', 'No usable URL.');
    const u = new URL(s.url.effective!);
    const where = `${u.hostname}:${u.port || 443}`;
    const proxy = proxyFor(s.url.effective!);
    const evidence: Record<string, unknown> = {
      ms: t.ms,
      timings: t.timings,
      ...(t.address ? { connectedTo: t.address } : {}),
      ...(proxy ? { proxy: proxy.display, proxySource: proxy.source } : {}),
      ...(t.attempts.length ? { attempts: t.attempts } : {}),
      ...(t.cert ? { certificate: t.cert } : {}),
      ...(t.serverProtocol ? { serverProtocol: t.serverProtocol } : {}),
      trust: trustSources(s.client.extraCa()),
    };
    const path = proxy ? ` through the proxy ${proxy.display} (${proxy.source})` : t.address ? ` to ${t.address}:${t.port}` : '';
    if (!t.ok) {
      const f = netFinding(t.error!, where, t.cert, s.opts.timeoutMs);
      const note = s.client.insecure && t.error!.kind.startsWith('TLS_') ? INSECURE_NOTE : '';
      return result(this.id, this.title, 'fail', f.message + note, { fix: f.fix, owner: f.owner, findings: [f], evidence: { ...evidence, code: t.error!.code, phase: t.error!.phase } });
    }
    const c = t.cert;
    const ms = [t.timings.dnsMs !== undefined && `DNS ${t.timings.dnsMs} ms`, t.timings.connectMs !== undefined && `TCP ${t.timings.connectMs} ms`, t.timings.proxyConnectMs !== undefined && `proxy CONNECT ${t.timings.proxyConnectMs} ms`, `TLS ${t.timings.tlsMs} ms`].filter(Boolean).join(', ');
    const detail = `${c ? `${c.protocol ?? 'TLS'}, ${certSummary(c)}` : 'TLS handshake succeeded'}. Connected${path} (${ms}).`;
    if (c && c.daysLeft <= EXPIRY_WARN_DAYS) {
      const f = finding('TLS_EXPIRING_SOON', 'warn', 'district', `The HAC server certificate expires in ${c.daysLeft} days (${c.validTo.slice(0, 10)}); the overnight import fails from then on.`,
        'District IT: renew the certificate and bind the new one in IIS (Site > Bindings > https) before it expires.');
      return result(this.id, this.title, 'warn', detail + ' ' + f.message, { fix: f.fix, owner: 'district', findings: [f], evidence });
    }
    return result(this.id, this.title, 'pass', detail, { evidence });
  },
};

export interface Hop {
  url: string;
  status: number | null;
  ms: number;
  headersMs?: number;
  location?: string;
  answer?: string;
  error?: string;
  via?: string;
}

export interface RedirectChain {
  hops: Hop[];
  final: Exchange;
  loop: boolean;
  /** Stopped with a redirect still pending after MAX_HOPS. */
  tooMany: boolean;
}

function hopOf(ex: Exchange): Hop {
  return {
    url: ex.url,
    status: ex.status,
    ms: ex.ms,
    ...(ex.headersMs !== undefined ? { headersMs: ex.headersMs } : {}),
    ...(ex.headers.location ? { location: ex.headers.location } : {}),
    ...(ex.body && ex.status !== null && (ex.status < 300 || ex.status >= 400) ? { answer: ex.body.kind === 'html' ? pageSummary(ex.body) : ex.body.kind } : {}),
    ...(ex.error ? { error: ex.error.kind } : {}),
    ...(ex.via ? { via: ex.via } : {}),
  };
}

const isRedirect = (ex: Exchange) => ex.status !== null && ex.status >= 300 && ex.status < 400 && !!ex.headers.location;

/** The unsigned request to the Base URL and, if it redirects, each hop after it (unsigned only: a signature covers one exact URL). */
export function redirectChain(s: Session): Promise<RedirectChain> {
  return s.once('redirect-chain', async () => {
    let ex = await s.unsignedBase();
    const hops = [hopOf(ex)];
    const seen = new Set([ex.url]);
    let loop = false;
    for (let i = 1; i <= MAX_HOPS && isRedirect(ex); i++) {
      let next: URL;
      try {
        next = new URL(ex.headers.location!, ex.url);
      } catch {
        break;
      }
      if (next.protocol !== 'https:' && next.protocol !== 'http:') break;
      next.hash = '';
      if (seen.has(next.href)) {
        loop = true;
        break;
      }
      seen.add(next.href);
      ex = await s.send({ url: next.href, purpose: `unsigned redirect hop ${i}` });
      hops.push(hopOf(ex));
    }
    return { hops, final: ex, loop, tooMany: !loop && isRedirect(ex) };
  });
}

function hopsText(chain: RedirectChain): string {
  const parts = chain.hops.map((h, i) => (i === 0 ? `${h.status}` : `${h.url.slice(0, 120)} ${h.status ?? h.error ?? '-'}`));
  const tail = chain.loop ? ' → (loop: back to an address already visited)' : chain.tooMany ? ` → (stopped after ${MAX_HOPS} hops)` : '';
  return parts.join(' → ') + tail;
}

function redirectFinding(s: Session, chain: RedirectChain): Finding {
  const base = new URL(s.base);
  const finalUrl = new URL(chain.final.url);
  const urls = chain.hops.map((h) => new URL(h.url));
  const downgrade = urls.some((u) => u.protocol === 'http:');
  const otherHost = urls.find((u) => u.hostname.toLowerCase() !== base.hostname.toLowerCase());
  const body = chain.final.body;
  const signIn = SIGN_IN.test(finalUrl.pathname) || (body?.kind === 'html' && /type=["']?password|sign ?in|log ?on|login/i.test(`${body.htmlTitle ?? ''} ${body.excerpt}`));
  const answer = chain.final.error ? `the last hop failed (${chain.final.error.kind})` : `it ends with ${chain.final.status}${chain.hops.at(-1)?.answer ? ` and ${chain.hops.at(-1)!.answer}` : ''}`;
  const intro = `The Base URL redirects: ${hopsText(chain)}; ${answer}. Signed API calls never follow a redirect (the signature covers the exact URL), so every endpoint would see the redirect instead of data.`;
  let what: string;
  let fix: string;
  if (signIn) {
    what = ' It leads to a sign-in page: this address is the web application, not the PLUS 360 API.';
    fix = 'District IT: check the Base URL against the PowerSchool case, and that the PLUS 360 API application is installed under /plus360api/ in IIS and is not caught by the Home Access Center sign-in redirect.';
  } else if (downgrade) {
    what = ' One hop uses plain http:// — the API must be served over https only.';
    fix = 'District IT: remove the redirect to http:// (IIS URL Rewrite / HTTP Redirect) so /plus360api/ answers over https directly.';
  } else if (otherHost) {
    what = ` It sends requests to another host, ${otherHost.host}.`;
    fix = `If the API really lives on ${otherHost.host}, use https://${otherHost.host}${base.pathname} as the Base URL; otherwise district IT should remove the redirect for /plus360api/.`;
  } else {
    what = '';
    fix = `Use the final address (${finalUrl.origin}${finalUrl.pathname}) as the Base URL if it is the API base, or have district IT remove the redirect for /plus360api/.`;
  }
  return finding('REDIRECTED', 'warn', 'district', intro + what, fix);
}

export const unsignedBase: Check = {
  id: 'tls.base-answer',
  title: 'What the Base URL answers without credentials',
  async run(s) {
    const t = await tlsOf(s);
    if (t && !t.ok && !(s.client.insecure && t.error?.kind.startsWith('TLS_'))) return result(this.id, this.title, 'skip', 'The secure connection failed (above).');
    const chain = await redirectChain(s);
    const ex = chain.hops.length > 1 ? chain.final : await s.unsignedBase();
    const evidence: Record<string, unknown> = {
      status: ex.status,
      ms: ex.ms,
      ...(ex.headersMs !== undefined ? { headersMs: ex.headersMs } : {}),
      ...(ex.via ? { proxy: ex.via } : {}),
      ...(chain.hops.length > 1 ? { hops: chain.hops } : {}),
    };
    if (chain.hops.length > 1 || isRedirect(ex)) {
      const f = redirectFinding(s, chain);
      return result(this.id, this.title, 'warn', f.message, { fix: f.fix, owner: 'district', findings: [f], evidence });
    }
    if (ex.error) {
      const f = netFinding(ex.error, 'Unsigned request to the Base URL', undefined, s.opts.timeoutMs);
      return result(this.id, this.title, 'fail', f.message, { fix: f.fix, owner: f.owner, findings: [f], evidence: { ...evidence, code: ex.error.code } });
    }
    const status = ex.status!;
    const kind = ex.body?.kind ?? 'empty';
    evidence.body = kind;
    const via = ex.via ? ` (through the proxy ${ex.via})` : '';
    if ((status === 401 || status === 403) && (ex.headers['www-authenticate'] || kind.startsWith('json'))) {
      return result(this.id, this.title, 'pass', `${status} asking for credentials${ex.headers['www-authenticate'] ? ` (WWW-Authenticate: ${ex.headers['www-authenticate'].split(/[ ,]/)[0]})` : ''}${via}: this looks like the API.`, { evidence });
    }
    if (status >= 200 && status < 300 && kind.startsWith('json')) {
      return result(this.id, this.title, 'pass', `${status} with JSON${via}: this looks like the API.`, { evidence });
    }
    if (kind === 'html') {
      const page = pageSummary(ex.body);
      evidence.page = page;
      if (status >= 200 && status < 300) {
        const f = finding('BAD_RESPONSE', 'warn', 'district', `The Base URL answers ${status} with ${page}, where the API answers JSON or asks for credentials.`,
          'District IT: check that the Base URL is the PLUS 360 API base from the PowerSchool case, not a web site address, and that /plus360api/ is not served by another IIS application or a default page. The signed requests below tell more.');
        return result(this.id, this.title, 'warn', f.message, { fix: f.fix, owner: 'district', findings: [f], evidence });
      }
      // A bare folder answering 404 is normal on IIS even where the endpoints below it work.
      return result(this.id, this.title, status === 404 ? 'pass' : 'warn', `${status} with ${page}${via}, not an API answer. The signed requests below tell whether the API is behind it.`, { evidence });
    }
    return result(this.id, this.title, status >= 500 ? 'warn' : 'pass', `${status} (${kind})${via}. The signed requests below decide.`, { evidence });
  },
};
