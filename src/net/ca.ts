// Trust store handling shared by the HTTP client and the direct TLS inspection.
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';

function extraEnvPem(): { file?: string; pem?: string; error?: string } {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return {};
  try {
    return { file, pem: readFileSync(file, 'utf8') };
  } catch (err) {
    return { file, error: (err as NodeJS.ErrnoException).code ?? 'unreadable' };
  }
}

/**
 * The CA list to pass to TLS, or undefined for Node's defaults. Passing `ca` replaces Node's roots,
 * so they are added back, with NODE_EXTRA_CA_CERTS, which Node would otherwise have added itself.
 */
export function trustedCa(extra: string[] | undefined): string[] | undefined {
  if (!extra?.length) return undefined;
  const env = extraEnvPem();
  return [...rootCertificates, ...(env.pem ? [env.pem] : []), ...extra];
}

const count = (pem: string): number => (pem.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length;

/** What the TLS checks trust, in words, for the evidence (so "why is it untrusted?" can be answered). */
export function trustSources(extra: string[] | undefined): string[] {
  const out = [`Node's built-in root list (${rootCertificates.length} roots; not the operating system's store)`];
  const env = extraEnvPem();
  if (env.file) {
    out.push(env.pem ? `NODE_EXTRA_CA_CERTS=${env.file} (${count(env.pem)} certificates)` : `NODE_EXTRA_CA_CERTS=${env.file} could not be read (${env.error}), so it adds nothing`);
  }
  const n = (extra ?? []).reduce((a, p) => a + count(p), 0);
  if (n) out.push(`--ca: ${n} certificate${n === 1 ? '' : 's'}`);
  return out;
}
