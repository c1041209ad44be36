// When one more attempt is worth it, and how long to wait. Kept small and explicit because a retry
// can double a run's wall time and a blind retry of a rejected signature only adds noise to the
// district's API Log.
//
// - Connection reset or refused, when the first attempt failed fast: once, after a short backoff.
//   client.get() signs every attempt afresh, so the retry carries a new nonce and timestamp.
// - Timeouts: never (a second wait of --timeout would double the run).
// - 429 (and 503 with Retry-After): once, after Retry-After, only when that is within the cap; after
//   one retry is refused again, no further 429 is retried in this run (the server keeps limiting).
// - 401/403 and every other status: never.
import type { Exchange, SendOptions } from './client.js';

export interface RetryPolicy {
  /** The per-request timeout: a network failure slower than half of it is not retried. */
  timeoutMs: number;
  /** Longest Retry-After honoured. */
  maxRetryAfterMs: number;
  /** Wait before retrying a failed connection. */
  backoffMs: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export const DEFAULT_MAX_RETRY_AFTER_MS = 10_000;

export interface Plan {
  waitMs: number;
  reason: string;
}

/** Seconds or an HTTP date, as RFC 9110 allows; null when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: number): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d{1,9}$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

export class Retrier {
  private rateLimitPersisted = false;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly policy: RetryPolicy) {
    this.sleep = policy.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = policy.now ?? Date.now;
  }

  /** What to do after this first attempt, or null to keep its answer. */
  plan(ex: Exchange): Plan | null {
    if (ex.error) {
      const k = ex.error.kind;
      if (k !== 'CONNECTION_RESET' && k !== 'CONNECT_REFUSED') return null;
      if (ex.ms > this.policy.timeoutMs / 2) return null;
      return { waitMs: this.policy.backoffMs, reason: k === 'CONNECT_REFUSED' ? 'connection refused' : 'connection reset' };
    }
    const s = ex.status;
    if (s !== 429 && s !== 503) return null;
    if (s === 429 && this.rateLimitPersisted) return null;
    const after = retryAfterMs(ex.headers['retry-after'], this.now());
    if (after === null && s === 503) return null;
    const cap = Math.min(this.policy.maxRetryAfterMs, this.policy.timeoutMs);
    const wait = after ?? 1000;
    if (wait > cap) return null;
    return { waitMs: wait, reason: `HTTP ${s}${after !== null ? ` with Retry-After ${ex.headers['retry-after']!.trim().slice(0, 40)}` : ''}` };
  }

  async send(o: SendOptions, attempt: (o: SendOptions) => Promise<Exchange>): Promise<Exchange> {
    const first = await attempt(o);
    const p = this.plan(first);
    if (!p) return first;
    await this.sleep(p.waitMs);
    const firstGot = first.error ? first.error.kind : `HTTP ${first.status}`;
    const second = await attempt({ ...o, retryNote: `retry after ${p.reason} (first attempt: ${firstGot}, waited ${p.waitMs} ms)` });
    if (second.status === 429) this.rateLimitPersisted = true;
    return second;
  }
}
