// When every endpoint rejects the credentials: which cause is it? The server's own reason is used
// when it gives one; otherwise controlled experiments (re-sign at the server's time, the other HMAC
// method, a made-up key) decide, and when nothing separates the causes, the candidates are listed.
import { API_PROFILE_PATH } from '../catalog.js';
import { finding } from '../findings.js';
import type { Exchange } from '../net/client.js';
import type { Finding, SignatureMethod } from '../types.js';

export interface Experiments {
  /** Same request, re-signed with the timestamp at the server's clock. */
  serverTime?: Exchange;
  /** Same request, signed with the other HMAC method. */
  otherMethod?: Exchange;
  /** A made-up key and secret: how does the server answer a key it cannot know? */
  fakeKey?: Exchange;
  /** No signature at all. */
  unsigned?: Exchange;
}

export interface AuthEvidence {
  /** Our rejected signed request on the reference endpoint. */
  ours: Exchange;
  skewSec: number | null;
  method: SignatureMethod;
  experiments: Experiments;
}

export interface AuthVerdict {
  findings: Finding[];
  /** What the evidence ruled out or in, for the report. */
  reasoning: string[];
}

export const SKEW_RETRY_SEC = 60;

function accepted(ex: Exchange | undefined): boolean {
  return !!ex && ex.status !== null && ex.status >= 200 && ex.status < 300;
}

/** Two rejections look the same when status, reason and a normalised body agree. */
export function sameAnswer(a: Exchange, b: Exchange): boolean {
  const norm = (e: Exchange) =>
    [e.status, e.problem?.problem ?? '', (e.headers['www-authenticate'] ?? '').replace(/oauth_[a-z_]+="[^"]*"/g, ''), volatileFree(e.body?.excerpt ?? '')].join('|');
  return norm(a) === norm(b);
}

/**
 * A body without what changes from one response to the next (trace and request ids, GUIDs, times,
 * nonces), so that two answers to the same failure compare equal.
 */
export function volatileFree(body: string): string {
  return body
    .replace(/("[^"]*(?:id|trace|correlation|request|activity|time|date|nonce|timestamp)[^"]*"\s*:\s*)("[^"]*"|-?\d+(?:\.\d+)?)/gi, '$1#')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '#')
    .replace(/\b[0-9A-Z]{8,}:[0-9A-F]{4,}\b/g, '#')
    .replace(/\d{2}:\d{2}:\d{2}(\.\d+)?|[0-9a-f]{16,}|\d{6,}/gi, '#')
    .slice(0, 1000);
}

function human(sec: number): string {
  const a = Math.abs(sec);
  if (a < 120) return `${a} s`;
  if (a < 7200) return `${Math.round(a / 60)} min`;
  return `${(a / 3600).toFixed(1)} h`;
}

export function skewText(sec: number): string {
  return sec === 0 ? 'the clocks agree' : `the server's clock is ${human(sec)} ${sec > 0 ? 'ahead of' : 'behind'} this machine's`;
}

const ACTIVE_FIX = `${API_PROFILE_PATH}: tick "Active", then Save.`;
const SECRET_FIX = `${API_PROFILE_PATH}: copy the Consumer Secret again (or generate a new one) and paste it into the vendor settings with nothing around it.`;
const KEY_FIX = `Compare the Consumer Key in ${API_PROFILE_PATH} with the one in the vendor settings, character by character.`;

/**
 * The vendor's import signs with HMAC-SHA1 (the setup guide's choice). When this run was told to sign
 * with HMAC-SHA256 and the profile wants SHA-1, the profile is right and the run (vendor side) is not.
 */
function methodFinding(used: SignatureMethod, accepted: SignatureMethod | null): Finding {
  if (used === 'HMAC-SHA256') {
    return finding('AUTH_SIGNATURE_METHOD', 'fail', 'vendor',
      `This run signed with HMAC-SHA256 (--signature-method) and the server refuses it${accepted ? ` but accepts ${accepted}` : ''}: the API Profile uses HMAC-SHA-1, as the setup guide asks.`,
      'Run again without --signature-method; the vendor\'s import must sign with HMAC-SHA1.');
  }
  return finding('AUTH_SIGNATURE_METHOD', 'fail', 'district',
    `The server refuses ${used} signatures${accepted ? ` but accepts ${accepted}` : ''}: the API Profile's Signature Method is not the HMAC-SHA-1 the vendor uses.`,
    `${API_PROFILE_PATH}: set Signature Method to "HMAC-SHA-1", then Save.`);
}

export function decideAuth(e: AuthEvidence): AuthVerdict {
  const reasoning: string[] = [];
  const other: SignatureMethod = e.method === 'HMAC-SHA1' ? 'HMAC-SHA256' : 'HMAC-SHA1';
  const x = e.experiments;
  const skewed = e.skewSec !== null && Math.abs(e.skewSec) >= SKEW_RETRY_SEC;
  if (accepted(x.serverTime) && e.skewSec !== null) {
    return {
      reasoning: [`Re-signed at the server's time (${skewText(e.skewSec)}): accepted.`],
      findings: [
        finding('AUTH_CLOCK_SKEW', 'fail', 'district',
          `Signed requests are refused because ${skewText(e.skewSec)}; the same request signed at the server's time was accepted. OAuth timestamps may only be a few minutes off.`,
          'Synchronise the clock of whichever machine is wrong: the HAC server (district IT: Windows Time service / NTP) or the machine running the import (vendor). Compare both with an internet time source.'),
      ],
    };
  }
  if (accepted(x.otherMethod)) {
    return { reasoning: [`Signed with ${other} instead of ${e.method}: accepted.`], findings: [methodFinding(e.method, other)] };
  }
  if (x.serverTime) reasoning.push(`Re-signed at the server's time: still rejected, so the clock is not the cause.`);
  if (x.otherMethod) reasoning.push(`Signed with ${other}: also rejected, so the signature method is not the cause.`);

  const p = e.ours.problem?.problem;
  if (p) {
    reasoning.push(`The server says oauth_problem=${p}${e.ours.problem?.advice ? ` ("${e.ours.problem.advice.slice(0, 120)}")` : ''}.`);
    switch (p) {
      case 'signature_invalid':
        return { reasoning, findings: [finding('AUTH_SIGNATURE_INVALID', 'fail', 'district',
          'The server knows the consumer key but the signature does not match: the consumer secret in the vendor settings is not the one in the API Profile.', SECRET_FIX)] };
      case 'consumer_key_unknown':
        return { reasoning, findings: [finding('AUTH_CONSUMER_KEY_UNKNOWN', 'fail', 'district',
          'The server does not know this consumer key.', `${KEY_FIX} If no API Profile exists for the vendor yet, PowerSchool must set up the PLUS 360 API (support case).`)] };
      case 'consumer_key_rejected':
      case 'consumer_key_refused':
      case 'key_revoked':
      case 'permission_denied':
      case 'permission_unknown':
        return { reasoning, findings: [finding('AUTH_PROFILE_INACTIVE', 'fail', 'district',
          `The server recognises the key and signature but refuses it on every endpoint (${p}): the API Profile is inactive${p.startsWith('permission') ? ' or has no subscription ticked at all' : ''}.`,
          `${ACTIVE_FIX} Also check that the seven subscriptions are ticked.`)] };
      case 'timestamp_refused':
      case 'timestamp_expired':
        return { reasoning, findings: [finding('AUTH_CLOCK_SKEW', 'fail', 'district',
          `The server refuses the request's timestamp${e.skewSec !== null ? `; ${skewText(e.skewSec)}` : ''}.`,
          'Synchronise the clock of the HAC server (district IT) and of the machine running the import (vendor) with an internet time source.')] };
      case 'signature_method_rejected':
        return { reasoning, findings: [methodFinding(e.method, null)] };
      default:
        break;
    }
  }

  const candidates: string[] = [];
  let keyKnown = false;
  if (x.fakeKey && x.fakeKey.status !== null) {
    if (sameAnswer(e.ours, x.fakeKey)) {
      reasoning.push('A made-up key gets exactly the same answer, so the answer does not tell whether the key is known.');
    } else {
      keyKnown = true;
      reasoning.push('A made-up key gets a different answer, so the server does know this consumer key.');
    }
  }
  if (x.unsigned && x.unsigned.status !== null && sameAnswer(e.ours, x.unsigned)) {
    reasoning.push('An unsigned request gets the same answer too: the server gives one answer to every failure.');
  }
  if (!keyKnown) candidates.push(`the consumer key is not the one in the API Profile (${KEY_FIX})`);
  candidates.push(`the consumer secret is wrong (${SECRET_FIX})`);
  candidates.push(`the API Profile is not active (${ACTIVE_FIX})`);
  if (skewed && !x.serverTime) candidates.push(`the clocks differ (${skewText(e.skewSec!)})`);
  else if (e.skewSec === null) candidates.push('the clocks differ (the server sent no Date header, so this could not be ruled out)');
  const detail = p ? ` The server's reason "${p}" is not specific.` : '';
  return {
    reasoning,
    findings: [
      finding('AUTH_REJECTED', 'fail', 'district',
        `Every endpoint rejected the credentials (HTTP ${e.ours.status}).${detail} The evidence cannot tell which of these it is: ${candidates.map((c, i) => `(${i + 1}) ${c.replace(/ \(.*\)$/, '')}`).join('; ')}.`,
        `District IT, in this order: ${candidates.map((c, i) => `(${i + 1}) ${/\((.*)\)$/.exec(c)?.[1] ?? c}`).join(' ')} Then re-run esp-doctor.`),
    ],
  };
}
