// One wording per network failure class, shared by every check that sends something.
import { finding } from '../findings.js';
import type { BodySummary } from '../net/body.js';
import type { NetError } from '../net/errors.js';
import type { CertInfo, DnsResult } from '../net/tls.js';
import type { Finding } from '../types.js';

export function certSummary(c: CertInfo): string {
  const names = c.names.length ? c.names.slice(0, 6).join(', ') + (c.names.length > 6 ? ', …' : '') : c.subject;
  const left = c.daysLeft < 0 ? `expired ${-c.daysLeft} days ago` : `${c.daysLeft} days left`;
  return `certificate "${c.subject}" for ${names}, issued by "${c.issuer || 'unknown'}", valid ${c.validFrom.slice(0, 10)} to ${c.validTo.slice(0, 10)} (${left})`;
}

/** An HTML page (IIS error, sign-in page…) in one line: its title and first heading. */
export function pageSummary(b: BodySummary | undefined): string {
  if (!b || b.kind !== 'html') return b?.kind ?? 'empty';
  const text = (re: RegExp) => (re.exec(b.excerpt)?.[1] ?? '').replace(/<[^>]*>/g, ' ').replace(/&nbsp;|&#160;/g, ' ').replace(/\s+/g, ' ').trim();
  const title = b.htmlTitle?.trim() || text(/<title[^>]*>([\s\S]*?)<\/title>/i);
  const heading = text(/<h[12][^>]*>([\s\S]*?)<\/h[12]>/i);
  const parts = [title, heading && heading !== title ? heading : ''].filter(Boolean);
  const page = /IIS|Microsoft-HTTPAPI|Internet Information Services/i.test(b.excerpt) ? 'an IIS web page' : 'a web page';
  return parts.length ? `${page} "${parts.join(' — ').slice(0, 160)}"` : `${page} without a title`;
}

function secs(ms: number | undefined): string {
  return ms ? ` within ${Math.round(ms / 100) / 10} s` : '';
}

export function dnsFinding(host: string, d: DnsResult): Finding {
  const code = d.error?.code ?? 'UNKNOWN';
  switch (d.reason) {
    case 'nxdomain':
      return finding('DNS_FAILED', 'fail', 'district', `${host} does not exist in DNS (NXDOMAIN).`,
        'Check the spelling of the host in the Base URL against the PowerSchool case. If it is right, district IT must publish a public DNS record for the HAC server (a name that only exists on the district\'s internal DNS cannot be reached by the vendor).');
    case 'nodata':
      return finding('DNS_FAILED', 'fail', 'district', `${host} exists in DNS but has no address (no A or AAAA record).`,
        'District IT: add the A (or AAAA) record for the HAC server in the public DNS zone; a CNAME pointing at a name without addresses looks like this too.');
    case 'timeout':
      return finding('DNS_FAILED', 'fail', 'district', `No DNS answer for ${host} (${code}): the DNS server did not respond in time.`,
        'If other web sites open from this machine, the district\'s DNS servers for this zone are not answering (district IT). Otherwise fix this machine\'s DNS settings and re-run.');
    case 'servfail':
      return finding('DNS_FAILED', 'fail', 'district', `DNS failed for ${host} (SERVFAIL): the district's DNS zone is broken or its servers are unreachable.`,
        'District IT: check the public DNS zone and its name servers (delegation, DNSSEC).');
    default:
      return finding('DNS_FAILED', 'fail', 'district', `${host} does not resolve (${code}).`,
        'Check the host in the Base URL; the HAC server needs a public DNS name the vendor can reach (district IT).');
  }
}

function at(e: NetError, where: string): string {
  const addr = e.address && !where.includes(e.address) ? ` (${e.address}${e.port ? `:${e.port}` : ''})` : '';
  return `${where}${addr}`;
}

function viaProxy(e: NetError): string {
  return e.proxy ? ` through the proxy ${e.proxy}` : '';
}

export function netFinding(e: NetError, where: string, cert?: CertInfo, timeoutMs?: number): Finding {
  const certText = cert ? ` The server presents a ${certSummary(cert)}.` : '';
  const w = at(e, where);
  switch (e.kind) {
    case 'DNS_FAILED':
      return finding('DNS_FAILED', 'fail', 'district', `${w}: the host name does not resolve (${e.code}).`,
        'Check the host name in the Base URL; the HAC server needs a public DNS name the vendor can reach (district IT).');
    case 'CONNECT_REFUSED':
      return finding('CONNECT_FAILED', 'fail', 'district', `${w}: the TCP connection was refused (nothing listens on that port, or a firewall actively rejects it).`,
        'District IT: make sure the HAC server accepts HTTPS on this port from the vendor\'s addresses (IIS binding, firewall, load balancer). Check the port in the Base URL.');
    case 'CONNECT_FAILED':
      return finding('CONNECT_FAILED', 'fail', 'district', `${w}: the server could not be reached (${e.code}: no route to it).`,
        'District IT: check routing and firewall rules for the HAC server.');
    case 'CONNECTION_RESET':
      return finding('CONNECT_FAILED', 'fail', 'district', `${w}: the connection was reset${e.phase === 'tls' ? ' during the TLS handshake' : ''}${viaProxy(e)} by the server or a device in between (${e.code}).`,
        'District IT: a firewall, IPS or load balancer may be dropping the vendor\'s connections (or the IIS binding has no certificate); check its logs for this time.');
    case 'TIMEOUT':
      if (e.phase === 'connect') {
        return finding('TIMEOUT', 'fail', 'district', `${w}: no answer to the TCP connection${secs(timeoutMs)} (packets silently dropped).`,
          'District IT: the firewall drops connections to this port from this network; allow HTTPS (443) to the HAC server from the vendor\'s addresses. Re-run with a larger --timeout if the link is just slow.');
      }
      if (e.phase === 'tls') {
        return finding('TIMEOUT', 'fail', 'district', `${w}: the TCP connection opened${viaProxy(e)} but the TLS handshake got no answer${secs(timeoutMs)}.`,
          'District IT: check that this port serves HTTPS (not plain HTTP or another service) and that no device in between holds the connection.');
      }
      if (e.phase === 'proxy') {
        return finding('TIMEOUT', 'fail', 'vendor', `${w}: the proxy ${e.proxy ?? ''} did not answer CONNECT${secs(timeoutMs)} (it may itself be waiting on the server).`,
          'Check that the proxy in HTTPS_PROXY is the right one; ask your network team whether it can reach the HAC server.');
      }
      return finding('TIMEOUT', 'fail', 'district', `${w}: no answer${viaProxy(e)}${secs(timeoutMs) || ' within the time limit'}.`,
        'If the connection check above passed, the server is reachable but slow or stuck: re-run with a larger --timeout, and district IT should check the HAC server (IIS application pool, eSchoolPLUS services). If the connection itself failed, a firewall may be dropping the vendor\'s traffic silently.');
    case 'TLS_UNTRUSTED': {
      const self = cert?.selfSigned || e.code === 'DEPTH_ZERO_SELF_SIGNED_CERT';
      const what = self ? 'the certificate is self-signed' : `the certificate is issued by "${cert?.issuer ?? '?'}", whose chain does not end at a trusted certificate authority`;
      const intercept = e.proxy ? ' If your proxy inspects HTTPS, this is the proxy\'s own certificate: ask your network team for its root certificate and pass it with --ca (or NODE_EXTRA_CA_CERTS).' : ' If your own network intercepts HTTPS, run esp-doctor with --ca <your-root.pem>.';
      return finding('TLS_UNTRUSTED', 'fail', 'district', `${w}: ${what} (${e.code})${viaProxy(e)}.${certText}`,
        `District IT: install a certificate from a public certificate authority on the HAC server (IIS > Site > Bindings > https).${intercept}`);
    }
    case 'TLS_CHAIN_INCOMPLETE':
      return finding('TLS_CHAIN_INCOMPLETE', 'fail', 'district', `${w}: the certificate chain is incomplete: the server sends only its own certificate, not the intermediate certificate that links it to "${cert?.issuer ?? 'its issuer'}" (${e.code}).${certText}`,
        'District IT: install the intermediate certificate(s) from your certificate provider on the HAC server (Windows: import into "Intermediate Certification Authorities" of the computer account, then re-bind the site in IIS). Browsers hide this mistake by fetching the intermediate themselves; the vendor\'s import does not. If the issuer is your own private CA, run esp-doctor with --ca <that-root.pem> instead.');
    case 'TLS_EXPIRED':
      return finding('TLS_EXPIRED', 'fail', 'district', `${w}: the server's certificate has expired${cert ? ` on ${cert.validTo.slice(0, 10)}` : ''}.${certText}`,
        'District IT: renew the HAC server certificate and bind the new one in IIS (Site > Bindings > https).');
    case 'TLS_NOT_YET_VALID':
      return finding('TLS_NOT_YET_VALID', 'fail', 'district', `${w}: the server's certificate is not valid yet${cert ? ` (valid from ${cert.validFrom.slice(0, 16).replace('T', ' ')} UTC)` : ''}. Check this machine's clock too.${certText}`,
        'District IT: the certificate was installed before its start date, or a clock is wrong: check the server clock and this machine\'s clock; re-issue the certificate if its dates are wrong.');
    case 'TLS_HOSTNAME':
      return finding('TLS_HOSTNAME', 'fail', 'district', `${w}: the certificate does not cover this host name; it covers ${cert?.names.length ? cert.names.join(', ') : cert?.subject ?? 'other names'}.${certText}`,
        'Use a Base URL host that the certificate names, or have district IT install a certificate that covers this name.');
    case 'TLS_PROTOCOL':
      return finding('TLS_PROTOCOL', 'fail', 'district',
        cert?.protocol
          ? `${w}: the server only offers ${cert.protocol}, which is switched off here (TLS 1.2 or newer is required) (${e.code}).`
          : `${w}: no common TLS version, or the port does not speak TLS (${e.code}).`,
        'District IT: enable TLS 1.2 (and 1.3) on the HAC server (Windows: SCHANNEL protocol settings, e.g. with IIS Crypto) and check that the Base URL port serves HTTPS.');
    case 'PROXY_AUTH_REQUIRED':
      return finding('PROXY_AUTH_REQUIRED', 'fail', 'vendor', `${w}: the proxy ${e.proxy ?? ''} asks for a login (407 Proxy Authentication Required).`,
        'Put the proxy user and password into HTTPS_PROXY (http://user:password@proxy:port), or ask your network team to allow this machine through without a login.');
    case 'PROXY_FAILED':
      return finding('PROXY_FAILED', 'fail', 'vendor',
        e.proxyStatus
          ? `${w}: the proxy ${e.proxy ?? ''} refused to connect to the server (CONNECT answered ${e.proxyStatus}).`
          : `${w}: the proxy ${e.proxy ?? ''} cannot be reached (${e.code}).`,
        e.proxyStatus
          ? 'Ask your network team whether the proxy allows HTTPS (CONNECT) to this host and port; or list the host in NO_PROXY if it is reachable directly.'
          : 'Check HTTPS_PROXY / HTTP_PROXY (and NO_PROXY) on this machine: the proxy address or port is wrong or the proxy is down.');
    case 'BAD_HTTP':
      return finding('BAD_RESPONSE', 'fail', 'district', `${w}: the server's answer is not valid HTTP${viaProxy(e)} (${e.code}: ${e.message.slice(0, 100)}).`,
        'District IT: a load balancer, firewall or web server in front of the HAC server sends oversized or malformed headers; check its configuration and logs for this time.');
    case 'BAD_URL':
      return finding('URL_BAD_SHAPE', 'fail', 'vendor', `${w}: the URL cannot be requested (${e.message.slice(0, 120)}).`,
        'Re-copy the Base URL from the PowerSchool case.');
    default:
      return finding('CONNECT_FAILED', 'fail', 'district', `${w}: the request failed${viaProxy(e)} (${e.code}: ${e.message.slice(0, 120)}).`,
        'Re-run with --verbose; if it persists, district IT should check the HAC server and network path.');
  }
}
