// Step "tls": TCP + TLS handshake with the certificate described, then what the Base URL answers
// without a signature (an API asking for credentials, a web page, a redirect, a 404).
import { finding } from '../findings.js';
import { proxyFor } from '../net/proxy.js';
import { inspectTls, type TlsResult } from '../net/tls.js';
import type { Session } from '../session.js';
import { result, type Check } from './check.js';
import { certSummary, netFinding } from './net-findings.js';

export function tlsOf(s: Session): Promise<TlsResult | null> {
  return s.once('tls', async () => {
    const eff = s.url.effective;
    if (!eff || proxyFor(eff)) return null;
    const u = new URL(eff);
    return inspectTls(u.hostname, Number(u.port || 443), s.client.extraCa(), s.opts.timeoutMs);
  });
}

export const tlsHandshake: Check = {
  id: 'tls.handshake',
  title: 'HTTPS connection and certificate',
  async run(s) {
    const proxy = s.url.effective ? proxyFor(s.url.effective) : null;
    const t = await tlsOf(s);
    if (!t) {
      return result(this.id, this.title, 'skip', proxy ? `Through the proxy ${proxy.display}: judged by the request below.` : 'No usable URL.', {
        evidence: proxy ? { proxy: proxy.display } : undefined,
      });
    }
    const u = new URL(s.url.effective!);
    const where = `${u.hostname}:${u.port || 443}`;
    const evidence: Record<string, unknown> = { ms: t.ms, ...(t.cert ? { certificate: t.cert } : {}) };
    if (!t.ok) {
      const f = netFinding(t.error!, where, t.cert);
      return result(this.id, this.title, 'fail', f.message, { fix: f.fix, owner: f.owner, findings: [f], evidence: { ...evidence, code: t.error!.code } });
    }
    const c = t.cert;
    const detail = c ? `${c.protocol ?? 'TLS'}, ${certSummary(c)}.` : 'TLS handshake succeeded.';
    if (c && c.daysLeft <= 30) {
      const f = finding('TLS_EXPIRING_SOON', 'warn', 'district', `The HAC server certificate expires in ${c.daysLeft} days (${c.validTo.slice(0, 10)}); the overnight import will fail from then on.`,
        'District IT: renew the certificate and bind it in IIS before it expires.');
      return result(this.id, this.title, 'warn', detail + ' ' + f.message, { fix: f.fix, owner: 'district', findings: [f], evidence });
    }
    return result(this.id, this.title, 'pass', detail, { evidence });
  },
};

export const unsignedBase: Check = {
  id: 'tls.base-answer',
  title: 'What the Base URL answers without credentials',
  async run(s) {
    const t = await tlsOf(s);
    if (t && !t.ok) return result(this.id, this.title, 'skip', 'The secure connection failed (above).');
    const ex = await s.unsignedBase();
    const evidence: Record<string, unknown> = { status: ex.status, ms: ex.ms };
    if (ex.error) {
      const f = netFinding(ex.error, 'Unsigned request to the Base URL');
      return result(this.id, this.title, 'fail', f.message, { fix: f.fix, owner: f.owner, findings: [f], evidence });
    }
    const status = ex.status!;
    const kind = ex.body?.kind ?? 'empty';
    evidence.body = kind;
    const title = ex.body?.htmlTitle ? ` ("${ex.body.htmlTitle.slice(0, 80)}")` : '';
    if (status >= 300 && status < 400) {
      const loc = ex.headers.location ?? '(no Location header)';
      evidence.location = loc;
      const f = finding('REDIRECTED', 'warn', 'district', `The Base URL redirects (${status}) to ${loc.slice(0, 200)}. Signed API calls are not followed through redirects, because the signature covers the exact URL.`,
        'Use the final https address as the Base URL, or have district IT remove the redirect for /plus360api/.');
      return result(this.id, this.title, 'warn', f.message, { fix: f.fix, owner: 'district', findings: [f], evidence });
    }
    if ((status === 401 || status === 403) && (ex.headers['www-authenticate'] || kind.startsWith('json'))) {
      return result(this.id, this.title, 'pass', `${status} asking for credentials${ex.headers['www-authenticate'] ? ` (WWW-Authenticate: ${ex.headers['www-authenticate'].split(/[ ,]/)[0]})` : ''}: this looks like the API.`, { evidence });
    }
    if (status >= 200 && status < 300 && kind.startsWith('json')) {
      return result(this.id, this.title, 'pass', `${status} with JSON: this looks like the API.`, { evidence });
    }
    if (kind === 'html') {
      return result(this.id, this.title, 'warn', `${status} with a web page${title}, not an API answer. The signed requests below tell whether the API is behind it.`, { evidence });
    }
    return result(this.id, this.title, status >= 500 ? 'warn' : 'pass', `${status} (${kind}). The signed requests below decide.`, { evidence });
  },
};
