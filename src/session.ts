// Everything one run learns from the server, computed once and shared by every check (so the
// wizard, diagnose and the single-step commands send the same requests, and none twice).
import { ENDPOINTS, PATH_TEMPLATES, cheapest, endpointUrl, findEndpoint, type Endpoint } from './catalog.js';
import { analyseUrl, type UrlAnalysis } from './checks/url-rules.js';
import { DobCounter } from './data/dob.js';
import { factsFor, type Facts, type Fields } from './data/facts.js';
import { detectPaging, type PagingResult } from './data/paging.js';
import type { Credentials, Exchange, HttpClient } from './net/client.js';
import { DEFAULT_MAX_RETRY_AFTER_MS, Retrier } from './net/retry.js';
import type { HygieneIssue } from './inputs.js';
import type { SignatureMethod } from './types.js';

export interface RunOptions {
  timeoutMs: number;
  signatureMethod: SignatureMethod;
  pathTemplate?: string;
  sampleSize: number;
  readAll: boolean;
  bodyTimeoutMs: number;
  concurrency: number;
  showPii: boolean;
  /** Field labels named by the user for the data step (--field role=Label). */
  fields?: Fields;
}

export interface Inputs {
  baseUrl: string;
  consumerKey: string;
  consumerSecret: string;
  hygiene: HygieneIssue[];
}

export type Answer = 'data' | 'rejected' | 'not_found' | 'other' | 'network';

export interface Probe {
  endpoint: Endpoint;
  template: string;
  url: string;
  exchange: Exchange;
  answer: Answer;
  dob?: DobCounter;
  /** What the data step needs from these records, gathered while they streamed past. */
  facts?: Facts;
}

export interface Discovery {
  template: string;
  /** How the template was chosen, for the report. */
  how: string;
  tried: Probe[];
}

export function answerOf(ex: Exchange): Answer {
  if (ex.error || ex.status === null) return 'network';
  const s = ex.status;
  if (s >= 200 && s < 300) return ex.body && ex.body.kind.startsWith('json') ? 'data' : 'other';
  if (s === 401 || s === 403) return 'rejected';
  if (s === 404 || s === 410) return 'not_found';
  return 'other';
}

class Limiter {
  private active = 0;
  private queue: Array<() => void> = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

export class Session {
  readonly url: UrlAnalysis;
  private memo = new Map<string, Promise<unknown>>();
  private limiter: Limiter;
  private retrier: Retrier;

  constructor(
    readonly inputs: Inputs,
    readonly opts: RunOptions,
    readonly client: HttpClient,
  ) {
    this.url = analyseUrl(inputs.baseUrl, inputs.consumerKey || undefined);
    this.limiter = new Limiter(Math.max(1, opts.concurrency));
    this.retrier = new Retrier({ timeoutMs: opts.timeoutMs, maxRetryAfterMs: DEFAULT_MAX_RETRY_AFTER_MS, backoffMs: 400 });
  }

  once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = fn();
      this.memo.set(key, p);
    }
    return p;
  }

  has(key: string): boolean {
    return this.memo.has(key);
  }

  credentials(over: Partial<Credentials> = {}): Credentials {
    return {
      consumerKey: this.inputs.consumerKey,
      consumerSecret: this.inputs.consumerSecret,
      signatureMethod: this.opts.signatureMethod,
      ...over,
    };
  }

  get base(): string {
    return this.url.effective ?? '';
  }

  templates(): string[] {
    return this.opts.pathTemplate ? [this.opts.pathTemplate] : [...PATH_TEMPLATES];
  }

  /** Every request of a run goes through here: limited concurrency, and at most one retry (src/net/retry.ts). */
  send(o: Parameters<HttpClient['get']>[0]): Promise<Exchange> {
    // The wait before a retry happens outside the limiter so it does not hold a slot.
    return this.retrier.send(o, (attempt) => this.limiter.run(() => this.client.get(attempt)));
  }

  unsignedBase(): Promise<Exchange> {
    return this.once('unsigned-base', () => this.send({ url: this.base, purpose: 'unsigned request to the Base URL' }));
  }

  /** Memoised per (template, endpoint), so discovery, speculative probes and probe() share requests. */
  private probeAt(endpoint: Endpoint, template: string): Promise<Probe> {
    return this.once(`at:${template}:${endpoint.resource}`, async () => {
      const url = endpointUrl(template, this.base, endpoint.resource);
      // With --all the Student probe itself reads every record: one request, not a sample then a re-read.
      const all = this.opts.readAll && endpoint.resource === 'Student';
      const { exchange, dob, facts } = await this.readRecords(endpoint.resource, url, all, `signed GET ${endpoint.resource}${all ? ' (every record)' : ''}`);
      return { endpoint, template, url, exchange, answer: answerOf(exchange), dob, facts };
    });
  }

  private async readRecords(resource: string, url: string, all: boolean, purpose: string) {
    const dob = resource === 'Student' ? new DobCounter() : undefined;
    const facts = factsFor(resource, this.opts.fields);
    const onRecord = dob || facts ? (r: unknown) => {
      dob?.add(r);
      facts?.add(r);
    } : undefined;
    const exchange = await this.send({
      url,
      credentials: this.credentials(),
      maxRecords: all ? Infinity : this.opts.sampleSize,
      ...(all ? { maxBytes: Number.MAX_SAFE_INTEGER, bodyTimeoutMs: this.opts.bodyTimeoutMs } : {}),
      onRecord,
      purpose,
    });
    return { exchange, dob, facts };
  }

  /**
   * Starts the requests the given steps will need, at once, instead of step after step: the
   * unsigned request, discovery and (speculatively, on the first path template) the other probes.
   * Only for an https Base URL that is a plausible API address; TLS is still verified by the
   * client, so nothing is sent to a server whose certificate fails.
   */
  warm(steps: readonly string[]): void {
    const eff = this.url.effective;
    if (!eff || !/^https:/i.test(eff) || this.url.apiBlocked) return;
    const quiet = (p: Promise<unknown>) => void p.catch(() => undefined);
    if (steps.includes('tls')) quiet(this.unsignedBase());
    if (!steps.includes('auth')) return;
    quiet(this.discover());
    const wanted = ENDPOINTS.filter((e) =>
      steps.includes('subscriptions') || steps.includes('data') || (steps.includes('dob') && e.resource === 'Student'));
    const first = this.templates()[0]!;
    // Student first: it is the biggest read, and the paging test waits for it.
    for (const e of [...wanted].sort((a, b) => (b.resource === 'Student' ? 1 : 0) - (a.resource === 'Student' ? 1 : 0))) {
      quiet(this.probeAt(e, first));
    }
    if (steps.includes('data')) quiet(this.paging());
  }

  /** limit/offset support, tested on Student (else School) once its probe shows data. */
  paging(): Promise<PagingResult | null> {
    return this.once('paging', async () => {
      const probes = await Promise.all(['Student', 'School'].map((r) => this.probe(findEndpoint(r)!)));
      const p = probes.find((x) => x.answer === 'data');
      if (!p) return null;
      const b = p.exchange.body!;
      return detectPaging((o) => this.send({ ...o, credentials: this.credentials() }), p.url, p.endpoint.resource, b.complete ? b.records : null);
    });
  }

  /**
   * Which path shape does this server answer? Every candidate is tried on the cheapest endpoint at
   * once; when that does not settle it (e.g. that endpoint is not subscribed and unknown paths also
   * answer 401, or unknown paths answer an empty 200), every endpoint is tried on every candidate.
   */
  discover(): Promise<Discovery> {
    return this.once('discover', async () => {
      const ep = cheapest();
      const templates = this.templates();
      let tried = await Promise.all(templates.map((t) => this.probeAt(ep, t)));
      const hasRecords = (p: Probe) => p.answer === 'data' && (p.exchange.body?.records ?? 0) > 0;
      let widened = false;
      if (templates.length > 1 && !tried.some(hasRecords)) {
        widened = true;
        tried = await Promise.all(templates.flatMap((t) => ENDPOINTS.map((e) => this.probeAt(e, t))));
      }
      // Records beat an empty answer, which beats a rejection; a 404 counts for nothing.
      const weight = (p: Probe) => (hasRecords(p) ? 100 : p.answer === 'data' ? 10 : p.answer === 'rejected' ? 1 : 0);
      const score = (t: string) => tried.filter((p) => p.template === t).reduce((n, p) => n + weight(p), 0);
      const best = templates.reduce((a, b) => (score(b) > score(a) ? b : a));
      const bestScore = score(best);
      let how: string;
      if (templates.length === 1) how = this.opts.pathTemplate ? 'given with --path-template' : 'the only candidate';
      else if (bestScore === 0) how = 'no candidate path was recognised; using the first';
      else if (templates.filter((t) => score(t) === bestScore).length > 1) how = 'the candidate paths could not be told apart; using the first';
      else if (widened) how = 'compared every endpoint on each candidate path; this one answered best';
      else how = `the server answered ${ep.resource} with data at this path`;
      return { template: best, how, tried };
    });
  }

  probe(endpoint: Endpoint): Promise<Probe> {
    return this.once(`probe:${endpoint.resource}`, async () => {
      const d = await this.discover();
      const found = d.tried.find((p) => p.template === d.template && p.endpoint.resource === endpoint.resource);
      return found ?? this.probeAt(endpoint, d.template);
    });
  }

  /** The seven probes once probeAll() has finished (for renderers that cannot wait). */
  settledProbes: Probe[] | null = null;

  probeAll(): Promise<Probe[]> {
    return this.once('probe-all', async () => {
      const all = await Promise.all(ENDPOINTS.map((e) => this.probe(e)));
      this.settledProbes = all;
      return all;
    });
  }

  /** Student records for the Date of Birth check: the probe's sample, or every record with --all. */
  studentRead(): Promise<Probe> {
    return this.once('student-read', async () => {
      const student = findEndpoint('Student')!;
      const sample = await this.probe(student);
      if (!this.opts.readAll || sample.answer !== 'data' || sample.exchange.body?.complete || sample.exchange.body?.cappedBy !== 'records') return sample;
      const { exchange, dob, facts } = await this.readRecords('Student', sample.url, true, 'signed GET Student (every record)');
      return { ...sample, exchange, answer: answerOf(exchange), dob, facts };
    });
  }
}
