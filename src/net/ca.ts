// Trust store handling shared by the HTTP client and the direct TLS inspection.
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';

/**
 * The CA list to pass to TLS, or undefined for Node's defaults. Passing `ca` replaces Node's roots,
 * so they are added back, with NODE_EXTRA_CA_CERTS, which Node would otherwise have added itself.
 */
export function trustedCa(extra: string[] | undefined): string[] | undefined {
  if (!extra?.length) return undefined;
  const envFile = process.env.NODE_EXTRA_CA_CERTS;
  let envPems: string[] = [];
  if (envFile) {
    try {
      envPems = [readFileSync(envFile, 'utf8')];
    } catch {
      envPems = [];
    }
  }
  return [...rootCertificates, ...envPems, ...extra];
}
