// An ephemeral certificate made at start: nothing is written to disk and nothing is committed,
// so there is no key in the repository for anyone to mistake for a real one.

import { generate } from 'selfsigned';

const DAY_MS = 86_400_000;

export async function makeCertificate(): Promise<{ key: string; cert: string }> {
  // Backdated a day so a client whose clock is a little behind still accepts it.
  const notBeforeDate = new Date(Date.now() - DAY_MS);
  const notAfterDate = new Date(notBeforeDate.getTime() + 398 * DAY_MS);
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
