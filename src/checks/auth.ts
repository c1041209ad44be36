// Step "auth": are the inputs clean, do signed requests get through, and how far apart are the clocks.
import { decideAuth, skewText, SKEW_RETRY_SEC, type AuthVerdict, type Experiments } from '../diagnosis/credentials.js';
import { endpointFindings, overallOf } from '../diagnosis/endpoints.js';
import { finding } from '../findings.js';
import { FIELD_NAMES, type HygieneIssue } from '../inputs.js';
import type { Exchange } from '../net/client.js';
import type { Probe, Session } from '../session.js';
import type { Finding, SignatureMethod } from '../types.js';
import { fromFindings, result, type Check } from './check.js';
import { netFinding } from './net-findings.js';

/** CREDENTIAL_HYGIENE findings for the pasted values (the Base URL's are told in the URL step). */
export function hygieneFindings(issues: HygieneIssue[]): Finding[] {
  return issues.map((i) =>
    finding('CREDENTIAL_HYGIENE', i.serious ? 'fail' : 'warn', 'vendor', i.problem,
      i.field === 'baseUrl'
        ? 'Re-copy the Base URL from the PowerSchool case into the vendor settings with nothing before or after it.'
        : `Re-copy the ${FIELD_NAMES[i.field]} from the API Profile and paste it into the vendor settings with nothing before or after it.`),
  );
}

export const hygiene: Check = {
  id: 'auth.inputs',
  title: 'Key and secret as pasted',
  async run(s) {
    const findings = hygieneFindings(s.inputs.hygiene.filter((i) => i.field !== 'baseUrl'));
    return fromFindings(this.id, this.title, findings, 'No stray spaces, line breaks, quotes or invisible characters.');
  },
};

export interface AuthOutcome {
  state: 'accepted' | 'rejected' | 'not_found' | 'network' | 'unclear';
  reference: Probe;
  probes?: Probe[];
  verdict?: AuthVerdict;
  experiments?: Experiments;
}

function skewOf(s: Session): number | null {
  // A server that states its accepted timestamps (RFC 5849 problem reporting) is believed over its Date header.
  const stated = s.client.exchanges.find((e) => e.problem?.acceptableTimestamps);
  if (stated) {
    const [from, to] = stated.problem!.acceptableTimestamps!;
    const sentAt = Number(stated.signing?.timestamp ?? Date.parse(stated.at) / 1000);
    if (sentAt < from || sentAt > to) return Math.round((from + to) / 2 - sentAt);
  }
  const withDate = s.client.exchanges.find((e) => e.clockSkewSec !== null);
  return withDate ? withDate.clockSkewSec : null;
}

async function runExperiments(s: Session, ref: Probe, skewSec: number | null): Promise<Experiments> {
  const method = s.opts.signatureMethod;
  const other: SignatureMethod = method === 'HMAC-SHA1' ? 'HMAC-SHA256' : 'HMAC-SHA1';
  const base = { url: ref.url, maxRecords: 1 };
  const tasks: Array<Promise<[keyof Experiments, Exchange]>> = [];
  if (skewSec !== null && Math.abs(skewSec) >= SKEW_RETRY_SEC) {
    tasks.push(s.send({ ...base, credentials: s.credentials({ clockShiftSec: skewSec }), purpose: "re-signed at the server's time" }).then((x) => ['serverTime', x]));
  }
  tasks.push(s.send({ ...base, credentials: s.credentials({ signatureMethod: other }), purpose: `signed with ${other}` }).then((x) => ['otherMethod', x]));
  tasks.push(
    s.send({ ...base, credentials: { consumerKey: `esp-doctor-made-up-${Date.now().toString(36)}`, consumerSecret: 'made-up', signatureMethod: method }, purpose: 'made-up key (comparison)' })
      .then((x) => ['fakeKey', x]),
  );
  tasks.push(s.send({ ...base, purpose: 'unsigned (comparison)' }).then((x) => ['unsigned', x]));
  const out: Experiments = {};
  for (const [k, v] of await Promise.all(tasks)) out[k] = v;
  return out;
}

/** Shared by the auth check and the later steps' gates. */
export function authOutcome(s: Session): Promise<AuthOutcome> {
  return s.once('auth', async () => {
    const d = await s.discover();
    const ref = d.tried.find((p) => p.template === d.template)!;
    if (ref.answer === 'data') return { state: 'accepted', reference: ref };
    const probes = await s.probeAll();
    const overall = overallOf(probes);
    if (overall === 'some_data') return { state: 'accepted', reference: ref, probes };
    if (overall === 'all_not_found') return { state: 'not_found', reference: ref, probes };
    if (overall === 'all_network') return { state: 'network', reference: ref, probes };
    if (overall === 'nothing_usable') return { state: 'unclear', reference: ref, probes };
    const rejected = probes.find((p) => p.answer === 'rejected')!;
    const skew = skewOf(s);
    const experiments = await runExperiments(s, rejected, skew);
    const verdict = decideAuth({ ours: rejected.exchange, skewSec: skew, method: s.opts.signatureMethod, experiments });
    return { state: 'rejected', reference: rejected, probes, verdict, experiments };
  });
}

export const signedRequest: Check = {
  id: 'auth.signed',
  title: 'Signed requests accepted (OAuth 1.0a)',
  async run(s) {
    const o = await authOutcome(s);
    const d = await s.discover();
    const ref = o.reference;
    const evidence: Record<string, unknown> = {
      endpoint: ref.endpoint.resource,
      url: ref.url,
      status: ref.exchange.status,
      signatureMethod: s.opts.signatureMethod,
      pathTemplate: d.template,
      pathChosenBecause: d.how,
    };
    if (ref.exchange.problem) evidence.oauthProblem = ref.exchange.problem.problem;
    switch (o.state) {
      case 'accepted': {
        const ok = (o.probes ?? [ref]).filter((p) => p.answer === 'data').map((p) => p.endpoint.resource);
        const how = ref.answer === 'data'
          ? `${ref.endpoint.resource} answered ${ref.exchange.status} with data.`
          : `${ok.join(', ')} accepted them (${ref.endpoint.resource} did not: see subscriptions).`;
        return result(this.id, this.title, 'pass', `The key and secret work: ${how} Endpoints found at ${d.template.replace('{base}', s.base)}.`, { evidence });
      }
      case 'not_found': {
        const tried = s.templates().map((t) => t.replace('{base}', s.base)).join(' and ');
        const f = s.opts.pathTemplate
          ? finding('API_NOT_FOUND', 'fail', 'vendor',
            `Every endpoint answered 404 with the --path-template given (${tried}).`,
            'Run again without --path-template: esp-doctor then tries the known path shapes and reports which one the server answers.')
          : finding('API_NOT_FOUND', 'fail', s.url.findings.length ? 'district' : 'powerschool',
            `Every endpoint answered 404 (tried ${tried}): the PLUS 360 API is not set up at this Base URL.`,
            `Check the Base URL with the one from the PowerSchool case; if it is right, PowerSchool must configure the PLUS 360 API for the vendor on this server (support case). Calls that hit an unknown path do not appear in the eSchoolPLUS API Log.`);
        return result(this.id, this.title, 'fail', f.message, { fix: f.fix, owner: f.owner, findings: [f], evidence });
      }
      case 'network': {
        const f = netFinding(ref.exchange.error!, 'Signed requests');
        return result(this.id, this.title, 'fail', f.message, { fix: f.fix, owner: f.owner, findings: [f], evidence });
      }
      case 'unclear': {
        // Say what kind of unusable answer it was (server error, rate limit, redirect, web page).
        const specific = endpointFindings([ref])[0];
        const f = specific
          ? { ...specific, resource: undefined, message: `No endpoint gave a usable answer; the first: ${specific.message}` }
          : finding('BAD_RESPONSE', 'fail', 'powerschool',
            `No endpoint gave a usable answer (first: HTTP ${ref.exchange.status}, ${ref.exchange.body?.kind ?? 'no body'}).`,
            'District IT: look these calls up in the eSchoolPLUS API Log and IIS logs; open a PowerSchool case with what they show.');
        delete f.resource;
        return result(this.id, this.title, 'fail', f.message, { fix: f.fix, owner: f.owner, findings: [f], evidence });
      }
      default: {
        const v = o.verdict!;
        evidence.reasoning = v.reasoning;
        const r = fromFindings(this.id, this.title, v.findings, '', evidence);
        r.detail += ' ' + v.reasoning.join(' ') + ' Calls rejected before authentication may not appear in the eSchoolPLUS API Log at all.';
        return r;
      }
    }
  },
};

export const clock: Check = {
  id: 'auth.clock',
  title: "Clock difference with the server",
  async run(s) {
    await s.discover();
    const skew = skewOf(s);
    if (skew === null) return result(this.id, this.title, 'skip', 'The server sent no Date header, so its clock cannot be compared.');
    const evidence = { skewSec: skew, serverDate: s.client.exchanges.find((e) => e.serverDate)?.serverDate };
    const o = await authOutcome(s);
    if (Math.abs(skew) < SKEW_RETRY_SEC) {
      return result(this.id, this.title, 'pass', `Server clock minus this machine's: ${skew >= 0 ? '+' : ''}${skew} s (within a minute; OAuth allows a few minutes).`, { evidence });
    }
    if (o.verdict?.findings.some((f) => f.code === 'AUTH_CLOCK_SKEW')) {
      return result(this.id, this.title, 'fail', `${skewText(skew)}; this is why requests are refused (see above).`, { owner: 'district', evidence });
    }
    return result(this.id, this.title, 'warn', `${skewText(skew)}. Not the cause of a failure in this run, but OAuth requests fail once clocks drift more than a few minutes apart.`, {
      owner: 'district',
      fix: 'Synchronise the HAC server clock (district IT: Windows Time / NTP) and this machine\'s clock.',
      evidence,
    });
  },
};
