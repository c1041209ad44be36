// Step "url": the Base URL as typed, then whether its host name resolves.
import { finding } from '../findings.js';
import { resolveHost } from '../net/tls.js';
import { proxyFor } from '../net/proxy.js';
import { fromFindings, result, type Check } from './check.js';

export const urlStatic: Check = {
  id: 'url.shape',
  title: 'Base URL shape',
  async run(s) {
    const u = s.url;
    const evidence: Record<string, unknown> = { effective: u.effective };
    if (u.code) evidence.code = u.code;
    const r = fromFindings(this.id, this.title, u.findings, `https, /plus360api/v${u.version ?? '1'}/${u.code ?? ''}/ shape, ends with a slash.`, evidence);
    if (u.notes.length) r.detail += ' ' + u.notes.join(' ');
    if (u.effective && u.findings.some((f) => f.severity === 'fail') && !u.apiBlocked) {
      r.detail += ` esp-doctor continues with ${u.effective}.`;
    }
    return r;
  },
};

export const urlDns: Check = {
  id: 'url.dns',
  title: 'Host name resolves',
  async run(s) {
    const host = s.url.host;
    if (!host || !s.url.effective) return result(this.id, this.title, 'skip', 'No usable host name.');
    const proxy = proxyFor(s.url.effective);
    if (proxy) return result(this.id, this.title, 'skip', `Requests go through the proxy ${proxy.display}, which resolves the name itself.`, { evidence: { proxy: proxy.display } });
    const d = await resolveHost(host, s.opts.timeoutMs);
    const evidence = { host, addresses: d.addresses, ms: d.ms };
    if (d.error) {
      const timeout = d.error.kind === 'TIMEOUT';
      const f = finding(
        timeout ? 'TIMEOUT' : 'DNS_FAILED',
        'fail',
        'district',
        timeout ? `Looking up ${host} timed out.` : `${host} does not resolve (${d.error.code}).`,
        `Check the spelling of the host in the Base URL. If the name only exists inside the district network, the vendor needs a public DNS name (district IT: public DNS record and firewall for the HAC server).`,
      );
      return result(this.id, this.title, 'fail', f.message, { fix: f.fix, owner: 'district', findings: [f], evidence });
    }
    let detail = `${host} → ${d.addresses.join(', ')} (${d.ms} ms).`;
    if (d.privateOnly) {
      detail += ' Every address is private: it resolves only inside a private network, so the vendor\'s servers on the internet cannot reach it.';
      return result(this.id, this.title, 'warn', detail, {
        owner: 'district',
        fix: 'Publish the HAC server under a public address (district IT: DNS and firewall), unless this check runs inside the district on purpose.',
        evidence,
      });
    }
    return result(this.id, this.title, 'pass', detail, { evidence });
  },
};
