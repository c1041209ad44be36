// Finding codes are a public contract (design.md §3): add new ones, never rename.
import type { Finding, Owner, Severity } from './types.js';

export const FINDING_CODES = [
  'URL_NOT_HTTPS',
  'URL_BAD_SHAPE',
  'URL_LOGIN_PAGE',
  'URL_CODE_MISMATCH',
  'DNS_FAILED',
  'CONNECT_FAILED',
  'TIMEOUT',
  'TLS_UNTRUSTED',
  'TLS_EXPIRED',
  'TLS_HOSTNAME',
  'API_NOT_FOUND',
  'AUTH_REJECTED',
  'AUTH_CONSUMER_KEY_UNKNOWN',
  'AUTH_SIGNATURE_INVALID',
  'AUTH_CLOCK_SKEW',
  'AUTH_SIGNATURE_METHOD',
  'AUTH_PROFILE_INACTIVE',
  'SUBSCRIPTION_MISSING',
  'ENDPOINT_NOT_FOUND',
  'DOB_NOT_ENABLED',
  'DOB_PARTIAL',
  'PREREG_NOT_OBSERVED',
  'OUT_OF_DISTRICT_NOT_OBSERVED',
  'SERVER_ERROR',
  'RATE_LIMITED',
  'BAD_RESPONSE',
  'CREDENTIAL_HYGIENE',
  // Added after the first list (issue "Network depth").
  'TLS_CHAIN_INCOMPLETE',
  'TLS_NOT_YET_VALID',
  'TLS_EXPIRING_SOON',
  'TLS_PROTOCOL',
  'PROXY_FAILED',
  'PROXY_AUTH_REQUIRED',
  'REDIRECTED',
  // Added by issue "Scale and speed" (data step).
  'STUDENT_BUILDING_UNKNOWN',
  'CONTACT_LINK_MISSING',
  'UDREG_NOT_MAPPED',
  'READ_CAPPED',
  // Added with the Date of Birth hardening: Student answered, but with no student records.
  'NO_STUDENT_RECORDS',
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];

export function finding(
  code: FindingCode,
  severity: Severity,
  owner: Owner,
  message: string,
  fix: string,
  resource?: string,
): Finding {
  return { code, severity, owner, message, fix, ...(resource ? { resource } : {}) };
}

export const OWNER_TITLES: Record<Owner, string> = {
  district: 'District IT',
  powerschool: 'PowerSchool (support case)',
  vendor: 'Vendor (IEP product support)',
  none: 'No action needed',
};
