// Step "url": the Base URL as typed, then whether its host name resolves.
import { resolveHost } from '../net/tls.js';
import { proxyFor } from '../net/proxy.js';
import { hygieneFindings } from './auth.js';
import { fromFindings, result, type Check } from './check.js';
import { dnsFinding } from './net-findings.js';

export const urlStatic: Check = {
  id: 'url.shape',
  title: 'Base URL shape',
  async run(s) {
    const u = s.url;
    const evidence: Record<string, unknown> = { effective: u.effective };
    if (u.code) evidence.code = u.code;
    // Site-specific notes (e.g. the Arkansas June 30 cut-off) belong in --json too, not only in the sentence.
    if (u.notes.length) evidence.notes = u.notes;
    const pasted = hygieneFindings(s.inputs.hygiene.filter((i) => i.field === 'baseUrl'));
    const r = fromFindings(this.id, this.title, [...pasted, ...u.findings], `https, /plus360api/v${u.version ?? '1'}/${u.code ?? ''}/ shape, ends with a slash.`, evidence);
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
    if (proxy) {
      return result(this.id, this.title, 'skip', `Requests go through the proxy ${proxy.display} (from ${proxy.source}), which resolves ${host} itself.`, {
        evidence: { host, proxy: proxy.display, proxySource: proxy.source },
      });
    }
    const d = await resolveHost(host, s.opts.timeoutMs);
    const evidence: Record<string, unknown> = { host, addresses: d.addresses, ms: d.ms };
    if (d.error) {
      evidence.reason = d.reason;
      evidence.code = d.error.code;
      const f = dnsFinding(host, d);
      return result(this.id, this.title, 'fail', f.message, { fix: f.fix, owner: f.owner, findings: [f], evidence });
    }
    let detail = `${host} → ${d.addresses.join(', ')} (${d.ms} ms).`;
    if (d.privateOnly) {
      evidence.privateOnly = true;
      detail += ' Every address is private (10.x, 172.16–31.x, 192.168.x, 100.64–127.x or fc00::/7): the name resolves only to an inside address, so the vendor\'s servers on the internet cannot reach it.';
      return result(this.id, this.title, 'warn', detail, {
        owner: 'district',
        fix: 'District IT: publish the HAC server under a public address (public DNS record and firewall/NAT), unless this check runs inside the district network on purpose.',
        evidence,
      });
    }
    return result(this.id, this.title, 'pass', detail, { evidence });
  },
};
