// Turns flags, environment, stdin and (on a terminal) prompts into a Session ready to run.
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { parseFieldOptions } from '../data/fields.js';
import { cleanValue, crossChecks, FIELD_NAMES, FIELD_SOURCES, nonEmpty, type Field, type HygieneIssue } from '../inputs.js';
import { HttpClient, type ClientOptions } from '../net/client.js';
import { registerSecret } from '../redact.js';
import { traceLines } from '../render/trace.js';
import { Session, type Inputs, type RunOptions } from '../session.js';
import type { SignatureMethod } from '../types.js';
import { inquirerPrompter } from '../wizard/prompter.js';

export interface CommonFlags {
  baseUrl?: string;
  consumerKey?: string;
  consumerSecret?: string;
  secretStdin?: boolean;
  json?: boolean;
  timeout?: string;
  ca?: string[];
  signatureMethod?: string;
  pathTemplate?: string;
  verbose?: boolean;
  trace?: boolean;
  all?: boolean;
  sample?: string;
  showPii?: boolean;
  field?: string[];
  insecure?: boolean;
}

export interface Prompter {
  text(message: string): Promise<string>;
  secret(message: string): Promise<string>;
}

export function interactive(): boolean {
  return !!process.stdin.isTTY && !!process.stdout.isTTY && !process.env.CI;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(Buffer.from(c as Uint8Array));
  // One trailing newline is what `echo` or a file adds: not a hygiene problem.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export interface Need {
  url: boolean;
  key: boolean;
  secret: boolean;
}

export interface Resolved {
  inputs: Inputs;
  notes: string[];
}

export async function resolveInputs(f: CommonFlags, need: Need, prompter?: Prompter): Promise<Resolved> {
  const notes: string[] = [];
  const raw: Record<Field, string | undefined> = {
    baseUrl: nonEmpty(f.baseUrl) ?? nonEmpty(process.env.ESP_BASE_URL),
    consumerKey: nonEmpty(f.consumerKey) ?? nonEmpty(process.env.ESP_CONSUMER_KEY),
    consumerSecret: undefined,
  };
  if (f.secretStdin) raw.consumerSecret = nonEmpty(await readStdin());
  raw.consumerSecret ??= nonEmpty(process.env.ESP_CONSUMER_SECRET);
  if (raw.consumerSecret === undefined && nonEmpty(f.consumerSecret)) {
    raw.consumerSecret = f.consumerSecret;
    notes.push('The secret was given with --consumer-secret: it is now in your shell history. Prefer ESP_CONSUMER_SECRET or --secret-stdin.');
  }
  registerSecret(raw.consumerSecret);
  const wanted: Field[] = (['baseUrl', 'consumerKey', 'consumerSecret'] as Field[]).filter(
    (k) => (k === 'baseUrl' && need.url) || (k === 'consumerKey' && need.key) || (k === 'consumerSecret' && need.secret),
  );
  for (const k of wanted) {
    if (raw[k] !== undefined) continue;
    if (!prompter && interactive()) prompter = await inquirerPrompter();
    if (!prompter || !interactive()) {
      throw new UsageError(`missing ${FIELD_NAMES[k]}: give it with ${FIELD_SOURCES[k]}.`);
    }
    const v = k === 'consumerSecret' ? await prompter.secret('Consumer secret (hidden):') : await prompter.text(k === 'baseUrl' ? 'Base URL:' : 'Consumer key:');
    registerSecret(k === 'consumerSecret' ? v : undefined);
    if (!v.trim()) throw new UsageError(`missing ${FIELD_NAMES[k]}: nothing was entered.`);
    raw[k] = v;
  }
  const hygiene: HygieneIssue[] = [];
  const clean = (k: Field) => {
    if (raw[k] === undefined) return '';
    if (k === 'baseUrl') {
      // The URL's own rules report inner white space; only the ends are hygiene here.
      const r = cleanValue(k, raw[k]!);
      hygiene.push(...r.issues.filter((i) => !/contains/.test(i.problem)));
      return raw[k]!.trim().replace(/^["'\u201C\u2018](.*)["'\u201D\u2019]$/, '$1');
    }
    const r = cleanValue(k, raw[k]!);
    hygiene.push(...r.issues);
    return r.value;
  };
  const inputs: Inputs = {
    baseUrl: clean('baseUrl'),
    consumerKey: clean('consumerKey'),
    consumerSecret: clean('consumerSecret'),
    hygiene,
  };
  registerSecret(inputs.consumerSecret);
  if (need.secret && need.key) hygiene.push(...crossChecks(inputs.consumerKey, inputs.consumerSecret));
  return { inputs, notes };
}

export function parseTimeout(v: string | undefined): number {
  if (v === undefined) return 20_000;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) throw new UsageError(`--timeout takes a number of seconds above 0 and at most 3600, not "${v}".`);
  return Math.round(n * 1000);
}

export function parseMethod(v: string | undefined): SignatureMethod {
  const m = (v ?? 'HMAC-SHA1').toUpperCase().replace(/^HMAC-?SHA-?/, 'HMAC-SHA');
  if (m === 'HMAC-SHA1' || m === 'HMAC-SHA256') return m;
  throw new UsageError(`--signature-method is HMAC-SHA1 or HMAC-SHA256, not "${v}".`);
}

export function parseTemplate(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!v.includes('{resource}')) throw new UsageError('--path-template must contain {resource}, e.g. "{base}eSchoolPLUS/{resource}".');
  return /^https?:\/\//i.test(v) || v.startsWith('{base}') ? v : `{base}${v.replace(/^\//, '')}`;
}

export function readCaFiles(files: string[] | undefined): string[] {
  return (files ?? []).map((f) => {
    try {
      const pem = readFileSync(f, 'utf8');
      if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--ca ${f}: not a PEM certificate file.`);
      return pem;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`--ca ${f}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
    }
  });
}

function fieldOptions(values: string[] | undefined): RunOptions['fields'] {
  try {
    return parseFieldOptions(values);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function runOptions(f: CommonFlags): RunOptions {
  const timeoutMs = parseTimeout(f.timeout);
  const sample = f.sample === undefined ? 500 : Number(f.sample);
  if (!Number.isInteger(sample) || sample < 1) throw new UsageError(`--sample takes a whole number of records, not "${f.sample}".`);
  return {
    timeoutMs,
    signatureMethod: parseMethod(f.signatureMethod),
    pathTemplate: parseTemplate(f.pathTemplate),
    sampleSize: sample,
    readAll: !!f.all,
    // --all may read a very large Student body: allow it 15 per-request timeouts (at least 30 s), no more.
    bodyTimeoutMs: Math.max(30_000, timeoutMs * 15),
    concurrency: 4,
    showPii: !!f.showPii,
    fields: fieldOptions(f.field),
  };
}

export function makeSession(inputs: Inputs, f: CommonFlags, extra: Partial<ClientOptions> = {}): Session {
  const opts = runOptions(f);
  const client = new HttpClient({
    ...(f.trace ? { onExchange: (ex) => process.stderr.write(traceLines(ex) + '\n') } : {}),
    ...extra,
    timeoutMs: opts.timeoutMs,
    extraCaPems: [...readCaFiles(f.ca), ...(extra.extraCaPems ?? [])],
    insecure: !!f.insecure,
  });
  return new Session(inputs, opts, client);
}
