// Human-readable output. Renders a finished report; decides nothing.
import chalk from 'chalk';
import Table from 'cli-table3';
import { OWNER_TITLES } from '../findings.js';
import { requestLine } from './case-text.js';
import type { CheckResult, Finding, Owner, Report, Status, StepResult, SubscriptionRow } from '../types.js';

const unicode = process.platform !== 'win32' || !!process.env.WT_SESSION || process.env.TERM_PROGRAM === 'vscode';

export const SYMBOLS: Record<Status, string> = unicode
  ? { pass: '✓', warn: '!', fail: '✗', skip: '-', error: '‼' }
  : { pass: '+', warn: '!', fail: 'x', skip: '-', error: '!!' };

const COLOR: Record<Status, (s: string) => string> = {
  pass: chalk.green,
  warn: chalk.yellow,
  fail: chalk.red,
  skip: chalk.gray,
  error: chalk.magenta,
};

export function checkLine(c: CheckResult, verbose = false): string {
  const head = `  ${COLOR[c.status](SYMBOLS[c.status])} ${chalk.bold(c.title)}: ${c.detail}`;
  const lines = [head];
  if (c.fix && (c.status === 'fail' || c.status === 'warn')) lines.push(`      ${chalk.cyan('fix:')} ${c.fix}`);
  if (verbose && c.evidence) lines.push(chalk.gray(`      evidence: ${JSON.stringify(c.evidence)}`));
  return lines.join('\n');
}

export function stepHeader(st: Pick<StepResult, 'title'> & { status?: Status }): string {
  return chalk.bold.underline(st.title);
}

export function subscriptionTable(rows: SubscriptionRow[]): string {
  const t = new Table({
    head: ['Resource', 'Subscription (API Profile)', 'HTTP', 'Verdict', 'Records', 'ms'],
    style: { head: [], border: [] },
    // No rule between rows: seven short rows read better without them.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  const verdictColor: Record<SubscriptionRow['status'], (s: string) => string> = {
    ok: chalk.green,
    missing: chalk.red,
    not_found: chalk.red,
    error: chalk.magenta,
    unknown: chalk.yellow,
  };
  for (const r of rows) {
    const records = r.records === null ? '' : `${r.records}${r.recordsCapped ? '+' : ''}`;
    t.push([r.resource, r.label, r.httpStatus ?? '-', verdictColor[r.status](r.status.replace('_', ' ')), records, r.ms ?? '']);
  }
  return t.toString();
}

const OWNER_ORDER: Owner[] = ['district', 'powerschool', 'vendor', 'none'];

export function findingsByOwner(findings: Finding[]): string {
  if (!findings.length) return chalk.green('No problems found.');
  const out: string[] = [];
  for (const owner of OWNER_ORDER) {
    const list = findings.filter((f) => f.owner === owner);
    if (!list.length) continue;
    out.push(chalk.bold(`${OWNER_TITLES[owner]} must act:`));
    for (const f of list) {
      const sym = f.severity === 'fail' ? chalk.red(SYMBOLS.fail) : chalk.yellow(SYMBOLS.warn);
      out.push(`  ${sym} [${f.code}${f.resource ? ` ${f.resource}` : ''}] ${f.message}`);
      out.push(`      ${chalk.cyan('fix:')} ${f.fix}`);
    }
  }
  return out.join('\n');
}

export function renderText(r: Report, opts: { verbose?: boolean } = {}): string {
  const out: string[] = [];
  out.push(chalk.bold(`esp-doctor ${r.tool.version}`) + chalk.gray(` · ${r.target.baseUrl || '(no Base URL)'} · key ${r.target.consumerKey || '-'} · secret ${r.target.secretFingerprint || '-'}`));
  out.push('');
  for (const st of r.steps) {
    out.push(stepHeader(st));
    for (const c of st.checks) out.push(checkLine(c, opts.verbose));
    if (st.id === 'subscriptions' && r.subscriptions.length && st.status !== 'skip') out.push(subscriptionTable(r.subscriptions));
    out.push('');
  }
  out.push(...closingLines(r, !!opts.verbose));
  return out.join('\n');
}

/** Summary by owner, the request list (verbose), and the verdict: the end of every text report. */
export function closingLines(r: Report, verbose: boolean): string[] {
  const out = [chalk.bold.underline('Summary'), findingsByOwner(r.findings)];
  if (verbose && r.requests?.length) {
    out.push('', chalk.bold.underline('Requests (look them up in the eSchoolPLUS API Log by UTC time)'));
    for (const q of r.requests) out.push(chalk.gray(requestLine(q, q.at)));
  }
  out.push('', r.verdict === 'pass' ? chalk.green.bold('Verdict: PASS') : chalk.red.bold('Verdict: FAIL'));
  return out;
}
