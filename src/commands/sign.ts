// `sign <url>`: show exactly what would be signed and sent, so a support engineer can compare
// with another implementation. The secret itself is never printed.
import { UsageError } from '../errors.js';
import { fingerprint } from '../inputs.js';
import { makeNonce, sign, unixTime } from '../oauth/sign.js';
import { parseMethod, resolveInputs, type CommonFlags } from './common.js';
import type { Io } from './diagnose.js';

export interface SignFlags extends CommonFlags {
  nonce?: string;
  timestamp?: string;
}

export async function runSign(url: string, flags: SignFlags, io: Io): Promise<number> {
  if (!/^https?:\/\/[^/?#\s]+/i.test(url.trim())) throw new UsageError(`sign needs an absolute http(s) URL, not "${url.slice(0, 80)}".`);
  if (flags.timestamp !== undefined && !/^\d{1,12}$/.test(flags.timestamp)) throw new UsageError('--timestamp takes whole seconds since 1970 (e.g. 1717171717).');
  const { inputs, notes } = await resolveInputs(flags, { url: false, key: true, secret: true });
  for (const n of notes) io.err(`warning: ${n}`);
  for (const h of inputs.hygiene) io.err(`warning: ${h.problem}`);
  const s = sign({
    method: 'GET',
    url: url.trim(),
    consumerKey: inputs.consumerKey,
    consumerSecret: inputs.consumerSecret,
    signatureMethod: parseMethod(flags.signatureMethod),
    nonce: flags.nonce ?? makeNonce(),
    timestamp: flags.timestamp ?? unixTime(Date.now()),
  });
  const out = { baseString: s.baseString, signature: s.signature, authorizationHeader: s.authorizationHeader };
  if (flags.json) {
    io.out(JSON.stringify(out, null, 2));
  } else {
    io.out(`Signature base string:\n  ${s.baseString}\n`);
    io.out(`Signature:\n  ${s.signature}\n`);
    io.out(`Authorization header:\n  ${s.authorizationHeader}\n`);
    io.out(`Request URL as sent:\n  ${s.requestUrl}\n`);
    io.out(`Secret fingerprint: ${fingerprint(inputs.consumerSecret)} (the secret itself is never shown)`);
  }
  return 0;
}
