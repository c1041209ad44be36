// Which proxy (if any) a request to this URL goes through. The HTTP client hands the values of
// proxyEnv() to undici's EnvHttpProxyAgent, and proxyFor() repeats that agent's choice rule for
// rule (undici 7 lib/dispatcher/env-http-proxy-agent.js), so what esp-doctor reports as "the proxy
// used" is the proxy the requests really took.
import type { ProxyContext } from './errors.js';

export interface ProxyEnv {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy: string;
}

/** Lower case first, as undici reads them; an empty lower-case value hides the upper-case one. */
export function proxyEnv(env: NodeJS.ProcessEnv = process.env): ProxyEnv {
  return {
    httpProxy: env.http_proxy ?? env.HTTP_PROXY,
    httpsProxy: env.https_proxy ?? env.HTTPS_PROXY,
    noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
  };
}

export function anyProxy(e: ProxyEnv = proxyEnv()): boolean {
  return !!(e.httpProxy || e.httpsProxy);
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

function bypassed(url: URL, noProxy: string): boolean {
  const entries = noProxy
    .split(/[,\s]/)
    .filter(Boolean)
    .map((entry) => {
      const m = /^(.+):(\d+)$/.exec(entry);
      return { hostname: (m ? m[1]! : entry).replace(/^\*?\./, '').toLowerCase(), port: m ? Number(m[2]) : 0 };
    });
  if (entries.length === 0) return false;
  if (noProxy === '*') return true;
  // url.host keeps IPv6 brackets, as undici compares them.
  const hostname = url.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number.parseInt(url.port, 10) || DEFAULT_PORTS[url.protocol] || 0;
  return entries.some((e) => (!e.port || e.port === port) && (hostname === e.hostname || hostname.endsWith(`.${e.hostname}`)));
}

export interface ProxyChoice extends ProxyContext {
  /** As configured, with any user:password (for Proxy-Authorization). */
  url: string;
  /** Which variable it came from, for the evidence. */
  source: string;
}

function sourceOf(value: string, names: string[], env: NodeJS.ProcessEnv): string {
  return names.find((n) => env[n] === value) ?? names[0]!;
}

/** The proxy for this target, or null for a direct connection. */
export function proxyFor(target: string, env: NodeJS.ProcessEnv = process.env): ProxyChoice | null {
  let u: URL;
  try {
    u = new URL(target);
  } catch {
    return null;
  }
  const e = proxyEnv(env);
  const https = u.protocol === 'https:';
  const proxy = https ? e.httpsProxy || e.httpProxy : e.httpProxy;
  if (!proxy) return null;
  if (bypassed(u, e.noProxy)) return null;
  const source = e.httpsProxy && https && proxy === e.httpsProxy
    ? sourceOf(proxy, ['https_proxy', 'HTTPS_PROXY'], env)
    : sourceOf(proxy, ['http_proxy', 'HTTP_PROXY'], env);
  let p: URL;
  try {
    p = new URL(proxy);
  } catch {
    return { url: proxy, display: proxy, host: proxy, port: 0, source };
  }
  const host = p.hostname.replace(/^\[|\]$/g, '');
  const port = Number(p.port) || (p.protocol === 'https:' ? 443 : 80);
  const shown = new URL(p.href);
  shown.username = p.username ? '***' : '';
  shown.password = '';
  return { url: proxy, display: shown.toString().replace(/\/$/, ''), host, port, source };
}
