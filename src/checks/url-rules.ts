// Static rules on the Base URL as typed: nothing is sent. Pure functions, covered by a table test.
import { finding } from '../findings.js';
import type { Finding } from '../types.js';

export interface UrlAnalysis {
  /** The URL esp-doctor will actually use (normalised), or null when nothing can be sent. */
  effective: string | null;
  /** True when the URL cannot be the PLUS 360 base, so signed API calls would prove nothing. */
  apiBlocked: boolean;
  findings: Finding[];
  notes: string[];
  host?: string;
  code?: string;
  version?: string;
}

const SHAPE_EXAMPLE = 'https://hac.district.org/plus360api/v1/abc/';
const LOGIN_PATH = /\/(homeaccess|eschoolplus|eschoolplusweb|tac|taclogin)(\/|$)|logon|login|signin|sign-in/i;
const API_PATH = /^(.*?\/)(plus360api)\/(v)(\d+)\/([^/]+)\/?(.*)$/i;

/** Candidate codes from a consumer key: its tokens, e.g. OneRoster_ABC_123 → oneroster, abc, 123. */
export function keyTokens(consumerKey: string): string[] {
  return consumerKey
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** The code the key suggests: the first token that is neither a product word nor a number. */
export function suggestedCode(consumerKey: string | undefined): string {
  if (!consumerKey) return 'abc';
  const t = keyTokens(consumerKey).find((x) => !/^\d+$/.test(x) && !['oneroster', 'plus360', 'api', 'key'].includes(x));
  return t ?? 'abc';
}

function suggestBase(host: string, consumerKey?: string): string {
  return `https://${host}/plus360api/v1/${suggestedCode(consumerKey)}/`;
}

export function analyseUrl(raw: string, consumerKey?: string): UrlAnalysis {
  const out: UrlAnalysis = { effective: null, apiBlocked: true, findings: [], notes: [] };
  const value = raw.trim();
  if (!value) {
    out.findings.push(finding('URL_BAD_SHAPE', 'fail', 'district', 'The Base URL is empty.', `Enter the PLUS 360 Base URL, shaped like ${SHAPE_EXAMPLE}`));
    return out;
  }
  if (/\s/.test(value)) {
    out.findings.push(
      finding('URL_BAD_SHAPE', 'fail', 'vendor', `The Base URL contains white space at position ${value.search(/\s/) + 1}.`,
        'Re-copy the Base URL without spaces or line breaks into the vendor settings.'),
    );
  }
  let candidate = value.replace(/\s+/g, '');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(candidate)?.[1]?.toLowerCase();
  if (!scheme) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(candidate) && !/^[^:]+:\d/.test(candidate)) {
      out.findings.push(finding('URL_BAD_SHAPE', 'fail', 'vendor', `"${candidate.slice(0, 40)}" is not a web address.`, `Use the Base URL from the district, shaped like ${SHAPE_EXAMPLE}`));
      return out;
    }
    out.findings.push(finding('URL_BAD_SHAPE', 'fail', 'vendor', 'The Base URL has no https:// in front.', 'Enter the Base URL in full, starting with https://'));
    candidate = 'https://' + candidate;
  } else if (scheme === 'http') {
    out.findings.push(
      finding('URL_NOT_HTTPS', 'fail', 'vendor', 'The Base URL uses http://. PLUS 360 is served over https only, and credentials must never travel unencrypted: nothing was sent.',
        'Change http:// to https:// in the vendor settings (Base URL).'),
    );
    return out;
  } else if (scheme !== 'https') {
    out.findings.push(finding('URL_BAD_SHAPE', 'fail', 'vendor', `The Base URL uses ${scheme}://, not https://.`, `Use the Base URL shaped like ${SHAPE_EXAMPLE}`));
    return out;
  }
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    out.findings.push(finding('URL_BAD_SHAPE', 'fail', 'vendor', 'The Base URL cannot be parsed as a web address.', `Re-copy it; it should look like ${SHAPE_EXAMPLE}`));
    return out;
  }
  if (!url.hostname) {
    out.findings.push(finding('URL_BAD_SHAPE', 'fail', 'vendor', 'The Base URL has no host name.', `It should look like ${SHAPE_EXAMPLE}`));
    return out;
  }
  out.host = url.hostname;
  if (url.username || url.password) {
    out.findings.push(finding('URL_BAD_SHAPE', 'fail', 'vendor', 'The Base URL contains a user name or password before the host.', 'Remove the "user:password@" part; PLUS 360 uses the consumer key and secret instead.'));
    url.username = '';
    url.password = '';
  }
  if (url.search || url.hash) {
    out.findings.push(finding('URL_BAD_SHAPE', 'fail', 'vendor', 'The Base URL carries a query string or fragment (after ? or #).', 'Remove everything from the ? or # on; the Base URL ends with the code folder and a slash.'));
    url.search = '';
    url.hash = '';
  }
  // Work on the path as typed (URL keeps percent-escapes as given).
  const path = url.pathname;
  const m = API_PATH.exec(path);
  if (!m) {
    const login = LOGIN_PATH.test(path);
    if (login) {
      out.findings.push(
        finding('URL_LOGIN_PAGE', 'fail', 'district',
          `This is a web sign-in address (Home Access Center / eSchoolPLUS / Teacher Access Center), not the PLUS 360 API base.`,
          `Give the vendor the API base on the same server, which looks like ${suggestBase(url.host, consumerKey)} (the last folder comes from the consumer key; confirm it in the PowerSchool case).`),
      );
    } else {
      out.findings.push(
        finding('URL_BAD_SHAPE', 'fail', 'district',
          `The path "${path.slice(0, 80)}" does not contain /plus360api/v<version>/<code>/.`,
          `The Base URL looks like ${suggestBase(url.host, consumerKey)}; check the one PowerSchool gave in the case.`),
      );
    }
    out.effective = `${url.origin}${path.endsWith('/') ? path : path + '/'}`;
    return out;
  }
  const [, prefix, apiWord, vLetter, version, code, rest] = m;
  out.version = version;
  out.code = code;
  // Kept as typed: the path is part of what is signed, and servers may care about its case.
  let base = `${url.origin}${prefix}${apiWord}/${vLetter}${version}/${code}/`;
  if (rest) {
    out.findings.push(
      finding('URL_BAD_SHAPE', 'fail', 'vendor',
        `The Base URL goes past the code folder ("…/${code}/${rest.slice(0, 40)}"): an endpoint was pasted instead of the base.`,
        `Use ${base} as the Base URL; the import adds the endpoint names itself.`),
    );
  } else if (!path.endsWith('/')) {
    out.findings.push(
      finding('URL_BAD_SHAPE', 'fail', 'vendor', 'The Base URL is missing its trailing slash, so endpoint names would be glued onto the code folder.',
        `Add the final "/": ${base}`),
    );
  }
  if (version !== '1') out.notes.push(`The URL names API version v${version}; the vendor's setup guide uses v1.`);
  if (consumerKey) {
    const tokens = keyTokens(consumerKey);
    if (tokens.length > 0 && !tokens.includes(code!.toLowerCase())) {
      out.findings.push(
        finding('URL_CODE_MISMATCH', 'warn', 'district',
          `The code folder "${code}" matches no part of the consumer key (expected one of: ${tokens.join(', ')}).`,
          `If the key is, e.g., OneRoster_ABC_123, the Base URL ends in /plus360api/v1/abc/. Confirm the code with the PowerSchool case.`),
      );
    }
  }
  if (/(^|\.)k12\.ar\.us$/i.test(url.hostname)) {
    out.notes.push('Arkansas state-hosted district: every API connection is cut off each June 30 and must be requested again for the new school year.');
  }
  base = base.replace(/:443\//, '/');
  out.effective = base;
  out.apiBlocked = false;
  return out;
}
