// Request handling for the simulated PLUS 360 host. The order of the checks is the contract
// (see index.ts): page vs API, installed, route, signature steps, subscription, data.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { RESOURCES, type Resource, type SimConfig } from './config.js';
import { count, record } from './data.js';
import { DENIED_MESSAGE, HAC_LOGON_HTML, IIS_404_HTML, jsonMessage, problemBody, type Problem } from './pages.js';
import { computeSignature, parseAuthorization, parseForm, signatureBaseString, signaturesMatch } from './verify.js';

export interface SimRequestLog {
  at: string;
  method: string;
  path: string;
  query: string;
  status: number;
  consumerKey?: string;
  nonce?: string;
  verdict: string;
}

export interface SimState {
  config: SimConfig;
  requests: SimRequestLog[];
  /** consumer key + nonce → real time (ms) after which it may be forgotten. */
  nonces: Map<string, number>;
  timers: Set<NodeJS.Timeout>;
}

interface Reply {
  status: number;
  verdict: string;
  type?: string;
  headers?: Record<string, string>;
  body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html';
const MAX_LOG = 5000;
const CHUNK = 64 * 1024;
const REQUIRED = ['oauth_consumer_key', 'oauth_signature_method', 'oauth_signature', 'oauth_timestamp', 'oauth_nonce'];

export function createHandler(state: SimState) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(state, req, res).catch(() => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': JSON_TYPE });
        res.end(jsonMessage('An error has occurred.'));
      } else {
        res.destroy();
      }
    });
  };
}

function wait(state: SimState, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      state.timers.delete(t);
      resolve();
    }, ms);
    state.timers.add(t);
  });
}

function remember(state: SimState, entry: SimRequestLog): void {
  state.requests.push(entry);
  if (state.requests.length > MAX_LOG) state.requests.splice(0, state.requests.length - MAX_LOG);
}

async function handle(state: SimState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (state.config.latencyMs > 0) await wait(state, state.config.latencyMs);
  // A snapshot, so a setConfig() during a long streamed answer does not change it halfway.
  const config = structuredClone(state.config);
  const now = Date.now() + config.clockOffsetSec * 1000;
  res.setHeader('Date', new Date(now).toUTCString());
  res.setHeader('Server', 'Microsoft-IIS/10.0');
  res.setHeader('X-Powered-By', 'ASP.NET');

  const target = (req.url ?? '/').replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?]*/i, '');
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q + 1);
  const method = req.method ?? 'GET';
  const entry: SimRequestLog = { at: new Date(now).toISOString(), method, path, query, status: 0, verdict: '' };

  const reply = route(state, config, req, path, query, entry, now);
  if (typeof reply === 'string') {
    entry.status = 200;
    entry.verdict = 'ok';
    remember(state, entry);
    await sendRecords(res, method === 'HEAD', reply, query, config);
    return;
  }
  entry.status = reply.status;
  entry.verdict = reply.verdict;
  remember(state, entry);
  res.writeHead(reply.status, { 'Content-Type': reply.type ?? JSON_TYPE, ...reply.headers });
  res.end(reply.body);
}

/** The part of the path after the base URL, or null when the path is not under the base URL. */
function apiRest(config: SimConfig, path: string): string | null {
  const base = `/plus360api/v1/${config.code}`.toLowerCase();
  const lower = path.toLowerCase();
  if (lower === base) return '';
  return lower.startsWith(base + '/') ? path.slice(base.length + 1) : null;
}

function matchResource(rest: string, config: SimConfig): Resource | undefined {
  const parts = rest.replace(/\/$/, '').split('/');
  let name: string | undefined;
  if (config.pathStyle === 'flat' && parts.length === 1) name = parts[0];
  if (config.pathStyle === 'eschoolplus' && parts.length === 2 && parts[0]!.toLowerCase() === 'eschoolplus') name = parts[1];
  return RESOURCES.find((r) => r.toLowerCase() === name?.toLowerCase());
}

/** The answer to send, or the resource whose records to send. */
function route(
  state: SimState,
  config: SimConfig,
  req: IncomingMessage,
  path: string,
  query: string,
  entry: SimRequestLog,
  now: number,
): Reply | Resource {
  const lower = path.toLowerCase();
  if (!(lower === '/plus360api' || lower.startsWith('/plus360api/'))) {
    if (lower === '/' || lower === '/homeaccess/account/logon') {
      return { status: 200, verdict: 'hac_page', type: 'text/html; charset=utf-8', body: HAC_LOGON_HTML };
    }
    return { status: 404, verdict: 'not_found', type: HTML_TYPE, body: IIS_404_HTML };
  }
  if (!config.installed) return { status: 404, verdict: 'not_installed', type: HTML_TYPE, body: IIS_404_HTML };

  const notFound: Reply = {
    status: 404,
    verdict: 'not_found',
    body: jsonMessage(`No HTTP resource was found that matches the request URI 'https://${req.headers.host ?? ''}${path}${query ? '?' + query : ''}'.`),
  };
  const rest = apiRest(config, path);
  if (rest === null) return notFound;
  if (rest === '' || rest === '/') {
    return req.headers.authorization ? notFound : authFailure(config, 'parameter_absent', 'No Authorization header was sent.');
  }
  const resource = matchResource(rest, config);
  if (!resource) return notFound;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return {
      status: 405,
      verdict: 'method_not_allowed',
      headers: { Allow: 'GET' },
      body: jsonMessage(`The requested resource does not support http method '${req.method}'.`),
    };
  }

  const denied = authenticate(state, config, req, path, query, entry, now);
  if (denied) return denied;
  if (!config.subscribed.includes(resource)) {
    return authFailure(
      config,
      'permission_denied',
      `The API Profile has no subscription for Get eSchoolPLUS/${resource} (v1).`,
      [],
      config.unsubscribedStatus,
    );
  }
  return resource;
}

function authenticate(
  state: SimState,
  config: SimConfig,
  req: IncomingMessage,
  path: string,
  query: string,
  entry: SimRequestLog,
  now: number,
): Reply | undefined {
  const pairs = parseAuthorization(req.headers.authorization);
  if (!pairs) return authFailure(config, 'parameter_absent', 'Send an "Authorization: OAuth ..." header.');
  const p = new Map(pairs);
  if (p.size !== pairs.length) return authFailure(config, 'parameter_absent', 'A parameter appears twice in the Authorization header.');
  entry.consumerKey = p.get('oauth_consumer_key');
  entry.nonce = p.get('oauth_nonce');
  const missing = REQUIRED.filter((n) => !p.get(n));
  if (missing.length > 0) {
    return authFailure(config, 'parameter_absent', 'Required OAuth parameters are missing.', [
      ['oauth_parameters_absent', missing.join('&')],
    ]);
  }
  const version = p.get('oauth_version');
  if (version !== undefined && version !== '1.0') {
    return authFailure(config, 'version_rejected', 'Only oauth_version 1.0 is supported.', [
      ['oauth_acceptable_versions', '1.0-1.0'],
    ]);
  }
  const sigMethod = p.get('oauth_signature_method')!;
  if (!(config.signatureMethods as string[]).includes(sigMethod)) {
    return authFailure(
      config,
      'signature_method_rejected',
      `This API Profile accepts ${config.signatureMethods.join(' or ')} only.`,
    );
  }
  const key = p.get('oauth_consumer_key')!;
  if (key !== config.consumerKey) {
    return authFailure(config, 'consumer_key_unknown', 'No API Profile has this consumer key.');
  }
  const nowSec = Math.floor(now / 1000);
  const ts = p.get('oauth_timestamp')!;
  const window = config.timestampWindowSec;
  if (!/^\d{1,12}$/.test(ts) || Math.abs(Number(ts) - nowSec) > window) {
    return authFailure(config, 'timestamp_refused', `oauth_timestamp must be within ${window} seconds of the server clock.`, [
      ['oauth_acceptable_timestamps', `${nowSec - window}-${nowSec + window}`],
    ]);
  }
  const realNow = Date.now();
  // Insertion order is expiry order, so pruning stops at the first nonce still alive.
  for (const [k, expiry] of state.nonces) {
    if (expiry >= realNow) break;
    state.nonces.delete(k);
  }
  const nonceKey = `${key}\n${p.get('oauth_nonce')}`;
  if (state.nonces.has(nonceKey)) {
    return authFailure(config, 'nonce_used', 'This oauth_nonce was already used; send a fresh nonce with every request.');
  }
  const base = signatureBaseString({
    method: req.method ?? 'GET',
    scheme: 'https',
    host: req.headers.host ?? `127.0.0.1:${req.socket.localPort ?? 443}`,
    path,
    query,
    authParams: pairs,
  });
  const expected = computeSignature(sigMethod as 'HMAC-SHA1' | 'HMAC-SHA256', base, config.consumerSecret);
  if (!signaturesMatch(expected, p.get('oauth_signature')!)) {
    return authFailure(config, 'signature_invalid', 'The signature does not match: check the consumer secret and how the base string is built.');
  }
  // Only a verified request burns its nonce, so forged requests cannot block a real client.
  state.nonces.set(nonceKey, realNow + 2 * window * 1000);
  if (!config.active) {
    return authFailure(config, 'consumer_key_rejected', 'The API Profile for this consumer key is not active.');
  }
  return undefined;
}

function authFailure(
  config: SimConfig,
  problem: Problem,
  advice: string,
  extra: Array<[string, string]> = [],
  status = 401,
): Reply {
  if (config.errorStyle === 'oauth_problem') {
    return {
      status,
      verdict: problem,
      type: 'application/x-www-form-urlencoded',
      headers: { 'WWW-Authenticate': `OAuth realm="PLUS360", oauth_problem="${problem}"` },
      body: problemBody(problem, advice, extra),
    };
  }
  if (status === 403) return { status, verdict: problem, body: jsonMessage('Access denied.') };
  // Deliberately the same answer for every cause: the real server may well be this unhelpful.
  return { status, verdict: problem, headers: { 'WWW-Authenticate': 'OAuth realm="PLUS360"' }, body: jsonMessage(DENIED_MESSAGE) };
}

const toCount = (v: string | undefined): number | undefined => (v !== undefined && /^\d{1,9}$/.test(v) ? Number(v) : undefined);

/** Writes records one by one and waits for 'drain', so a huge list never sits in memory whole. */
async function sendRecords(res: ServerResponse, head: boolean, resource: Resource, query: string, config: SimConfig): Promise<void> {
  const total = count(resource, config);
  let start = 0;
  let end = total;
  if (config.paging) {
    const params = new Map(parseForm(query).map(([n, v]) => [n.toLowerCase(), v]));
    const offset = toCount(params.get('offset'));
    const limit = toCount(params.get('limit'));
    if (offset !== undefined) start = Math.min(total, offset);
    if (limit !== undefined) end = Math.min(total, start + limit);
  }
  res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Cache-Control': 'no-cache' });
  if (head) {
    res.end();
    return;
  }
  const wrapper = config.shape === 'wrapper';
  let buf = wrapper ? `{"totalCount":${total},"data":[` : '[';
  for (let i = start; i < end; i++) {
    buf += (i > start ? ',' : '') + JSON.stringify(record(resource, i, config));
    if (buf.length >= CHUNK) {
      const ok = res.write(buf);
      buf = '';
      if (!ok) await drained(res);
      if (res.destroyed) return;
    }
  }
  res.end(buf + (wrapper ? ']}' : ']'));
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
