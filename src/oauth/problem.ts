// Reads an RFC 5849-style problem report (oauth_problem / oauth_problem_advice) from a
// WWW-Authenticate header or a form-encoded, JSON or plain-text body, when the server gives one.

export interface OAuthProblem {
  problem: string;
  advice?: string;
  /** RFC 5849 problem reporting: the server's accepted timestamp range, in Unix seconds. */
  acceptableTimestamps?: [number, number];
  source: 'header' | 'body';
}

const PROBLEM_RE = /oauth_problem\s*["']?\s*[=:]\s*["']?([A-Za-z_]+)/;
const RANGE_RE = /oauth_acceptable_timestamps\s*["']?\s*[=:]\s*["']?(\d{9,12})(?:-|%2D)(\d{9,12})/i;
const ADVICE_RE = /oauth_problem_advice\s*["']?\s*[=:]\s*["']?([^"'&\r\n}]{1,300})/;

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

export function parseOAuthProblem(wwwAuthenticate: string | undefined, bodyExcerpt: string | undefined, _contentType?: string): OAuthProblem | undefined {
  for (const [text, source] of [
    [wwwAuthenticate ?? '', 'header'],
    [bodyExcerpt ?? '', 'body'],
  ] as const) {
    const m = PROBLEM_RE.exec(text);
    if (m) {
      const a = ADVICE_RE.exec(text);
      const r = RANGE_RE.exec(text);
      return {
        problem: m[1]!.toLowerCase(),
        ...(a ? { advice: decode(a[1]!).trim().slice(0, 300) } : {}),
        ...(r ? { acceptableTimestamps: [Number(r[1]), Number(r[2])] as [number, number] } : {}),
        source,
      };
    }
  }
  return undefined;
}
