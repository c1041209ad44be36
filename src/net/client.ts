// The one place that talks HTTP. Checks ask it for exchanges; it signs, sends, times, reads the
// body streaming and classifies failures. Clock, nonce and transport are injectable for tests.
import { createSecureContext } from 'node:tls';
import { trustedCa } from './ca.js';
import { analyseBody, type BodySummary } from './body.js';
import { classifyError, type NetError } from './errors.js';
import { anyProxy, proxyEnv, proxyFor } from './proxy.js';
import { makeNonce, sign, unixTime } from '../oauth/sign.js';
import { parseOAuthProblem, type OAuthProblem } from '../oauth/problem.js';
import type { RequestRecord, SignatureMethod } from '../types.js';

export interface TransportResponse {
  status: number;
  headers: Record<string, string>;
  body: AsyncIterable<Uint8Array>;
  /** Release the connection without reading the rest. */
  abort(): void;
}
export type Transport = (
  url: string,
  init: { method: string; headers: Record<string, string>; signal: AbortSignal },
) => Promise<TransportResponse>;

export interface ClientOptions {
  timeoutMs: number;
  /** Extra trusted CA certificates (PEM text), added to the default roots. */
  extraCaPems?: string[];
  insecure?: boolean;
  clock?: () => number;
  nonce?: () => string;
  transport?: Transport;
  userAgent?: string;
  /** Called once per finished exchange (for --trace). */
  onExchange?: (ex: Exchange) => void;
}

export interface Credentials {
  consumerKey: string;
  consumerSecret: string;
  signatureMethod: SignatureMethod;
  /** Sign with the clock shifted by this many seconds (re-sign at the server's time). */
  clockShiftSec?: number;
}

export interface SendOptions {
  url: string;
  credentials?: Credentials;
  maxRecords?: number;
  maxBytes?: number;
  bodyTimeoutMs?: number;
  onRecord?: (rec: unknown, index: number) => void;
  /** Why this request was made, for the evidence table. */
  purpose?: string;
  /** Set by src/net/retry.ts on a second attempt: why it was retried (kept in the request log). */
  retryNote?: string;
}

export interface Exchange {
  url: string;
  method: 'GET';
  signed: boolean;
  purpose?: string;
  at: string;
  ms: number;
  status: number | null;
  headers: Record<string, string>;
  /** Server clock minus this machine's clock, in seconds, from the Date header. */
  clockSkewSec: number | null;
  serverDate: string | null;
  body?: BodySummary;
  /** The proxy this request went through (credentials removed), as chosen from HTTPS_PROXY/NO_PROXY. */
  via?: string;
  /** Request sent → response headers received (includes DNS, TCP and TLS when a new connection was opened). */
  headersMs?: number;
  error?: NetError;
  problem?: OAuthProblem;
  signing?: { baseString: string; authorizationHeader: string; nonce: string; timestamp: string; signatureMethod: SignatureMethod };
  /** Present on a retried request: why, and what the first attempt got. */
  retryNote?: string;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

async function undiciTransport(opts: ClientOptions): Promise<Transport> {
  const undici = await import('undici');
  const ca = trustedCa(opts.extraCaPems);
  // One TLS context for every connection: with --ca, building it parses ~150 root certificates
  // (about 40 ms of blocked event loop), which per connection serialised the parallel probes.
  const secureContext = ca ? createSecureContext({ ca }) : undefined;
  const connect = { ca, secureContext, rejectUnauthorized: !opts.insecure, timeout: opts.timeoutMs };
  const common = {
    connect,
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
    keepAliveTimeout: 10_000,
    connections: 8,
  };
  const env = proxyEnv();
  const dispatcher = anyProxy(env)
    ? new undici.EnvHttpProxyAgent({ ...common, ...env, requestTls: connect, proxyTls: connect } as ConstructorParameters<typeof undici.EnvHttpProxyAgent>[0])
    : new undici.Agent(common);
  return async (url, init) => {
    const res = await undici.request(url, {
      method: init.method as 'GET',
      headers: init.headers,
      signal: init.signal,
      dispatcher,
    });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) {
      if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
    }
    return {
      status: res.statusCode,
      headers,
      body: res.body,
      abort: () => res.body.destroy(),
    };
  };
}

export class HttpClient {
  readonly log: RequestRecord[] = [];
  readonly exchanges: Exchange[] = [];
  private transportPromise: Promise<Transport> | undefined;
  private readonly clock: () => number;
  private readonly nonce: () => string;

  constructor(private readonly opts: ClientOptions) {
    this.clock = opts.clock ?? Date.now;
    this.nonce = opts.nonce ?? makeNonce;
    if (opts.transport) this.transportPromise = Promise.resolve(opts.transport);
  }

  /** --insecure: certificates are not verified for requests (the TLS check still reports them). */
  get insecure(): boolean {
    return !!this.opts.insecure;
  }

  extraCa(): string[] | undefined {
    return this.opts.extraCaPems;
  }

  private transport(): Promise<Transport> {
    this.transportPromise ??= undiciTransport(this.opts);
    return this.transportPromise;
  }

  async get(o: SendOptions): Promise<Exchange> {
    const started = this.clock();
    const ex: Exchange = {
      url: o.url,
      method: 'GET',
      signed: !!o.credentials,
      purpose: o.purpose,
      ...(o.retryNote ? { retryNote: o.retryNote } : {}),
      at: new Date(started).toISOString(),
      ms: 0,
      status: null,
      headers: {},
      clockSkewSec: null,
      serverDate: null,
    };
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.opts.userAgent ?? 'esp-doctor',
    };
    let url = o.url;
    if (o.credentials) {
      const c = o.credentials;
      const nonce = this.nonce();
      const timestamp = unixTime(started + (c.clockShiftSec ?? 0) * 1000);
      try {
        const s = sign({
          method: 'GET',
          url,
          consumerKey: c.consumerKey,
          consumerSecret: c.consumerSecret,
          signatureMethod: c.signatureMethod,
          nonce,
          timestamp,
        });
        url = s.requestUrl;
        headers.authorization = s.authorizationHeader;
        ex.signing = { baseString: s.baseString, authorizationHeader: s.authorizationHeader, nonce, timestamp, signatureMethod: c.signatureMethod };
      } catch (err) {
        ex.error = { kind: 'BAD_URL', code: 'BAD_URL', message: err instanceof Error ? err.message : String(err) };
        return this.finish(ex, started);
      }
    }
    const proxy = this.opts.transport ? null : proxyFor(url);
    if (proxy) ex.via = proxy.display;
    const controller = new AbortController();
    let timer = setTimeout(() => controller.abort(new DOMException('request timed out', 'TimeoutError')), this.opts.timeoutMs);
    let res: TransportResponse | undefined;
    try {
      res = await (await this.transport())(url, { method: 'GET', headers, signal: controller.signal });
      ex.status = res.status;
      ex.headers = res.headers;
      const received = this.clock();
      ex.headersMs = Math.max(0, Math.round(received - started));
      const date = res.headers['date'] ? Date.parse(res.headers['date']) : NaN;
      if (Number.isFinite(date)) {
        ex.serverDate = new Date(date).toISOString();
        // The Date header has one-second resolution; compare with the middle of the exchange.
        ex.clockSkewSec = Math.round((date + 500 - (started + received) / 2) / 1000);
      }
      const ok = res.status >= 200 && res.status < 300;
      const bodyTimeout = o.bodyTimeoutMs ?? this.opts.timeoutMs;
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(new DOMException('body timed out', 'TimeoutError')), bodyTimeout + 1000);
      ex.body = await analyseBody(
        res.body,
        res.headers['content-type'] ?? '',
        {
          maxRecords: ok ? (o.maxRecords ?? 500) : 0,
          maxBytes: ok ? (o.maxBytes ?? DEFAULT_MAX_BYTES) : 65536,
          deadline: this.clock() + bodyTimeout,
          now: this.clock,
        },
        ok ? o.onRecord : undefined,
      );
      if (!ex.body.complete) res.abort();
      if (!ok) ex.problem = parseOAuthProblem(res.headers['www-authenticate'], ex.body.excerpt, res.headers['content-type']);
    } catch (err) {
      res?.abort();
      const e = classifyError(controller.signal.aborted ? controller.signal.reason ?? err : err, proxy ?? undefined);
      ex.error = controller.signal.aborted ? { ...e, kind: 'TIMEOUT', ...(proxy ? { proxy: proxy.display } : {}) } : e;
    } finally {
      clearTimeout(timer);
    }
    return this.finish(ex, started);
  }

  private finish(ex: Exchange, started: number): Exchange {
    ex.ms = Math.max(0, Math.round(this.clock() - started));
    this.exchanges.push(ex);
    this.opts.onExchange?.(ex);
    const record: RequestRecord & { headersMs?: number; via?: string } = {
      at: ex.at,
      method: ex.method,
      url: ex.url,
      signed: ex.signed,
      status: ex.status,
      ms: ex.ms,
      ...(ex.error ? { error: ex.error.kind } : {}),
      ...(ex.retryNote ? { note: ex.retryNote } : {}),
      ...(ex.headersMs !== undefined ? { headersMs: ex.headersMs } : {}),
      ...(ex.via ? { via: ex.via } : {}),
    };
    this.log.push(record);
    return ex;
  }
}
