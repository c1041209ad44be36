// Does the server honour limit/offset? Two small signed reads (first page and second page of two
// records) answer it; only a hash of each page's first record is kept, to tell the pages apart.
import { createHash } from 'node:crypto';
import type { Exchange, SendOptions } from '../net/client.js';

export type PagingStatus = 'honoured' | 'ignored' | 'limit-only' | 'refused' | 'unknown';

export interface PagingResult {
  status: PagingStatus;
  resource: string;
  /** Why this status, in a sentence. */
  reason: string;
  firstPage: number | null;
  secondPage: number | null;
}

export const PAGE = 2;

export function pageUrl(url: string, limit: number, offset: number): string {
  const u = new URL(url);
  u.searchParams.set('limit', String(limit));
  u.searchParams.set('offset', String(offset));
  return u.toString();
}

interface Page {
  ex: Exchange;
  firstHash?: string;
}

async function readPage(send: (o: SendOptions) => Promise<Exchange>, url: string, offset: number, resource: string): Promise<Page> {
  const page: Page = { ex: undefined as unknown as Exchange };
  page.ex = await send({
    url: pageUrl(url, PAGE, offset),
    // One more than a page: a server that ignores limit shows itself without sending everything.
    maxRecords: PAGE + 1,
    onRecord: (rec, i) => {
      if (i === 0) page.firstHash = createHash('sha256').update(JSON.stringify(rec)).digest('hex');
    },
    purpose: `paging test: ${resource} limit=${PAGE}&offset=${offset}`,
  });
  return page;
}

const isData = (ex: Exchange): boolean => ex.status !== null && ex.status >= 200 && ex.status < 300 && !!ex.body?.kind.startsWith('json');

/**
 * `knownTotal` is the record count when the full list was read, else null (more than the sample).
 */
export async function detectPaging(
  send: (o: SendOptions) => Promise<Exchange>,
  url: string,
  resource: string,
  knownTotal: number | null,
): Promise<PagingResult> {
  const out = (status: PagingStatus, reason: string, a?: Page, b?: Page): PagingResult => ({
    status,
    resource,
    reason,
    firstPage: a && isData(a.ex) ? a.ex.body!.records : null,
    secondPage: b && isData(b.ex) ? b.ex.body!.records : null,
  });
  if (knownTotal !== null && knownTotal <= PAGE) {
    return out('unknown', `${resource} has only ${knownTotal} record(s), too few to tell whether limit/offset are honoured`);
  }
  const [a, b] = await Promise.all([readPage(send, url, 0, resource), readPage(send, url, PAGE, resource)]);
  if (!isData(a.ex) || !isData(b.ex)) {
    const bad = isData(a.ex) ? b.ex : a.ex;
    return out('refused', `${resource} with limit/offset in the query answered ${bad.status === null ? bad.error?.kind ?? 'no answer' : `HTTP ${bad.status}`} instead of records`, a, b);
  }
  const first = a.ex.body!.records;
  if (first > PAGE) return out('ignored', `limit=${PAGE} returned more than ${PAGE} ${resource} records, so the whole list comes in one response`, a, b);
  if (b.ex.body!.records === 0) return out('unknown', `the second page (offset=${PAGE}) was empty although ${resource} has more records`, a, b);
  if (a.firstHash && b.firstHash && a.firstHash !== b.firstHash) {
    return out('honoured', `limit=${PAGE}&offset=0 and limit=${PAGE}&offset=${PAGE} returned different ${resource} records`, a, b);
  }
  return out('limit-only', `limit is honoured but offset=${PAGE} returned the same first ${resource} record as offset=0`, a, b);
}
