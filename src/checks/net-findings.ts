// One wording per network failure class, shared by every check that sends something.
import { finding } from '../findings.js';
import type { NetError } from '../net/errors.js';
import type { CertInfo } from '../net/tls.js';
import type { Finding } from '../types.js';

export function certSummary(c: CertInfo): string {
  const names = c.names.length ? c.names.slice(0, 6).join(', ') + (c.names.length > 6 ? ', …' : '') : c.subject;
  return `certificate for ${names}, issued by ${c.issuer || 'unknown'}, valid until ${c.validTo.slice(0, 10)} (${c.daysLeft} days left)`;
}

export function netFinding(e: NetError, where: string, cert?: CertInfo): Finding {
  const certText = cert ? ` The server presents a ${certSummary(cert)}.` : '';
  switch (e.kind) {
    case 'DNS_FAILED':
      return finding('DNS_FAILED', 'fail', 'district', `${where}: the host name does not resolve (${e.code}).`,
        'Check the host name in the Base URL; the HAC server needs a public DNS name the vendor can reach (district IT).');
    case 'CONNECT_REFUSED':
      return finding('CONNECT_FAILED', 'fail', 'district', `${where}: the connection was refused (nothing listens on that port, or a firewall rejects it).`,
        'District IT: make sure the HAC server accepts HTTPS (port 443) from the vendor\'s addresses (firewall / load balancer).');
    case 'CONNECT_FAILED':
      return finding('CONNECT_FAILED', 'fail', 'district', `${where}: the server could not be reached (${e.code}).`,
        'District IT: check routing and firewall rules for the HAC server.');
    case 'CONNECTION_RESET':
      return finding('CONNECT_FAILED', 'fail', 'district', `${where}: the connection was reset by the server or a device in between (${e.code}).`,
        'District IT: a firewall, IPS or load balancer may be dropping the vendor\'s connections; check its logs for this time.');
    case 'TIMEOUT':
      return finding('TIMEOUT', 'fail', 'district', `${where}: no answer within the time limit.`,
        'District IT: check that the HAC server is up and that the firewall lets the vendor\'s addresses through (a silent drop looks like this). Re-run with a larger --timeout if the server is just slow.');
    case 'TLS_UNTRUSTED':
      return finding('TLS_UNTRUSTED', 'fail', 'district', `${where}: the server's certificate is not trusted (${e.code}).${certText}`,
        'District IT: install a certificate from a public certificate authority on the HAC server (IIS bindings). If your own network intercepts HTTPS, run esp-doctor with --ca <your-root.pem>.');
    case 'TLS_CHAIN_INCOMPLETE':
      return finding('TLS_CHAIN_INCOMPLETE', 'fail', 'district', `${where}: the certificate chain is incomplete: the server does not send its intermediate certificate (${e.code}).${certText}`,
        'District IT: install the intermediate certificate(s) from your certificate provider on the HAC server (IIS: import into "Intermediate Certification Authorities" and re-bind). Browsers hide this mistake; the vendor\'s import does not.');
    case 'TLS_EXPIRED':
      return finding('TLS_EXPIRED', 'fail', 'district', `${where}: the server's certificate has expired.${certText}`,
        'District IT: renew the HAC server certificate and bind the new one in IIS.');
    case 'TLS_NOT_YET_VALID':
      return finding('TLS_NOT_YET_VALID', 'fail', 'district', `${where}: the server's certificate is not valid yet (check this machine's clock too).${certText}`,
        'District IT: check the certificate dates and the server clock.');
    case 'TLS_HOSTNAME':
      return finding('TLS_HOSTNAME', 'fail', 'district', `${where}: the certificate does not cover this host name.${certText}`,
        'Use a Base URL host that the certificate names, or have district IT install a certificate that covers this name.');
    case 'TLS_PROTOCOL':
      return finding('TLS_PROTOCOL', 'fail', 'district', `${where}: no common TLS version or the port does not speak TLS (${e.code}).`,
        'District IT: enable TLS 1.2 or 1.3 on the HAC server, and check that the Base URL port serves HTTPS.');
    case 'PROXY_AUTH_REQUIRED':
      return finding('PROXY_AUTH_REQUIRED', 'fail', 'vendor', `${where}: the proxy asks for a login (407).`,
        'Put the proxy user and password into HTTPS_PROXY (http://user:password@proxy:port) or use a proxy that allows this machine.');
    case 'PROXY_FAILED':
      return finding('PROXY_FAILED', 'fail', 'vendor', `${where}: the proxy could not be used (${e.code}).`,
        'Check HTTPS_PROXY / NO_PROXY on this machine, or ask your network team whether the proxy allows CONNECT to this host.');
    case 'BAD_HTTP':
      return finding('BAD_RESPONSE', 'fail', 'district', `${where}: the server's answer is not valid HTTP (${e.code}: ${e.message.slice(0, 100)}).`,
        'District IT: a load balancer, firewall or web server in front of the HAC server sends oversized or malformed headers; check its configuration and logs for this time.');
    case 'BAD_URL':
      return finding('URL_BAD_SHAPE', 'fail', 'vendor', `${where}: the URL cannot be requested (${e.message.slice(0, 120)}).`,
        'Re-copy the Base URL from the PowerSchool case.');
    default:
      return finding('CONNECT_FAILED', 'fail', 'district', `${where}: the request failed (${e.code}: ${e.message.slice(0, 120)}).`,
        'Re-run with --verbose; if it persists, district IT should check the HAC server and network path.');
  }
}
