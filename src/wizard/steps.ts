// Steps 1-5 of the vendor's setup guide. Every verdict comes from the registry's checks through
// the Session; this file only asks, explains and prints.
import chalk from 'chalk';
import { ADVANCED_SETTINGS_PATH, API_PROFILE_PATH, findEndpoint } from '../catalog.js';
import { STEPS } from '../checks/registry.js';
import { analyseUrl } from '../checks/url-rules.js';
import { subscriptionRows } from '../diagnosis/endpoints.js';
import { OWNER_TITLES } from '../findings.js';
import { fingerprint, maskKey } from '../inputs.js';
import { checkLine, stepHeader, subscriptionTable, SYMBOLS } from '../render/text.js';
import type { CheckResult, Owner, StepId, StepResult } from '../types.js';
import type { Ctx } from './context.js';
import { buildInputs } from './inputs.js';

const WHO_FIXES: Record<Owner, string> = {
  district: 'can fix this on the district side (DNS, firewall, the HAC server certificate, the API Profile).',
  powerschool: 'must fix this: the district opens or updates the PowerSchool support case.',
  vendor: 'this is on the vendor side or on this machine (settings, proxy, the values as pasted).',
  none: '',
};

function find(results: StepResult[], id: StepId): StepResult | undefined {
  return results.find((r) => r.id === id);
}

function bad(c: CheckResult): boolean {
  return c.status === 'fail' || c.status === 'error';
}

function signature(st: StepResult): string {
  return st.checks.map((c) => `${c.id}:${c.status}`).join(',');
}

export function printStep(ctx: Ctx, st: StepResult, opts: { title?: string; skip?: string[] } = {}): void {
  ctx.say.line('');
  ctx.say.line(stepHeader({ title: opts.title ?? st.title }));
  for (const c of st.checks) if (!opts.skip?.includes(c.id)) ctx.say.line(checkLine(c, ctx.o.flags.verbose));
  ctx.printed.set(st.id, signature(st));
}

function explainOwners(ctx: Ctx, checks: CheckResult[]): void {
  const owners = [...new Set(checks.filter(bad).map((c) => c.findings?.[0]?.owner ?? c.owner))].filter((o) => o !== 'none');
  for (const o of owners) ctx.say.para(`${chalk.bold(OWNER_TITLES[o])}: ${WHO_FIXES[o]}`, '  ');
}

async function askNonEmpty(ctx: Ctx, message: string, secret = false): Promise<string> {
  for (;;) {
    const v = secret ? await ctx.p.secret(message) : await ctx.p.text(message);
    if (v.trim()) return v;
    ctx.say.note('Nothing was entered. Paste the value, or press Ctrl+C to stop.');
  }
}

export async function stepCase(ctx: Ctx): Promise<void> {
  ctx.say.heading(1, 'PowerSchool support case');
  ctx.say.para('PowerSchool must enable the PLUS 360 API for the vendor on the district\'s eSchoolPLUS server; the district asks for it in a PowerSchool support case. Naming another district in the same state that already uses this integration helps PowerSchool set it up the same way.');
  const given = ctx.o.flags.referenceDistrict?.trim();
  if (given) {
    ctx.reference = given;
    ctx.say.note(`Reference district (from --reference-district): ${given}`);
    return;
  }
  const v = (await ctx.p.text('Reference district (same state, already using the integration; Enter to skip):')).trim();
  ctx.reference = v || undefined;
  if (ctx.reference) ctx.say.note(`It will be named in the PowerSchool case text at the end.`);
}

/** Returns false when the user chose to stop and go to the summary. */
export async function stepBaseUrl(ctx: Ctx): Promise<boolean> {
  ctx.say.heading(2, 'Base URL');
  ctx.say.para('The district gives the vendor the PLUS 360 Base URL: https only, on the Home Access Center server, shaped like https://hac.district.org/plus360api/v1/abc/ (the last folder comes from the consumer key, e.g. abc for OneRoster_ABC_123).');
  let pending = ctx.raw.url;
  if (pending) ctx.say.note(`Base URL from ${ctx.raw.from.url}: ${pending.trim()}`);
  const rejected = new Set<string>();
  const forced = new Set<string>();
  for (;;) {
    const typed = (pending ?? (await askNonEmpty(ctx, 'Base URL:'))).trim();
    pending = undefined;
    const key = ctx.raw.key ? buildInputs({ from: {}, key: ctx.raw.key }).consumerKey : undefined;
    const a = analyseUrl(typed, key);
    const fails = a.findings.filter((f) => f.severity === 'fail');
    if (fails.length && !forced.has(typed)) {
      for (const f of fails) {
        ctx.say.para(`${chalk.red(SYMBOLS.fail)} ${f.message}`, '  ');
        ctx.say.para(`${chalk.cyan('→')} ${f.fix}`, '    ');
      }
      if (a.effective && !a.apiBlocked && a.effective !== typed) {
        if (await ctx.p.confirm(`Use ${a.effective} instead?`, true)) {
          pending = a.effective;
          continue;
        }
      } else if (rejected.has(typed) && (await ctx.p.confirm('You entered the same address again. Check it over the network anyway?', false))) {
        forced.add(typed);
      }
      rejected.add(typed);
      if (!forced.has(typed)) {
        ctx.say.note('Enter the Base URL again (or press Ctrl+C to stop).');
        continue;
      }
    }
    for (const f of a.findings.filter((x) => x.severity === 'warn')) ctx.say.para(`${chalk.yellow(SYMBOLS.warn)} ${f.message} ${f.fix}`, '  ');
    for (const n of a.notes) ctx.say.note(n);
    ctx.raw.url = typed;
    ctx.raw.from.url = ctx.raw.from.url ?? 'the prompt';
    ctx.newSession();
    const results = await ctx.run('tls', ['url', 'tls']);
    for (const id of ['url', 'tls'] as StepId[]) {
      const st = find(results, id);
      if (st) printStep(ctx, st);
    }
    const network = results.flatMap((st) => st.checks).filter((c) => bad(c) && c.id !== 'url.shape');
    if (!network.length) return true;
    ctx.say.line('');
    ctx.say.para(network.every((c) => c.status === 'error')
      ? 'esp-doctor could not complete this step (an unexpected answer or a bug: please tell the vendor).'
      : 'The vendor\'s servers cannot talk to this address yet.');
    explainOwners(ctx, network);
    const next = await ctx.p.select('What next?', [
      { value: 'again', name: 'Check again (district IT changed something)' },
      { value: 'edit', name: 'Enter a different Base URL' },
      { value: 'stop', name: 'Stop here and see the summary' },
    ], 'again');
    if (next === 'stop') return false;
    if (next === 'again') pending = typed;
  }
}

export async function stepCredentials(ctx: Ctx): Promise<boolean> {
  ctx.say.heading(3, 'Consumer key and secret');
  ctx.say.para(`Both are in the API Profile (${API_PROFILE_PATH}). The secret is read hidden, never shown and never saved; reports show only its fingerprint (sha256:…), which two people can compare to know they hold the same secret.`);
  let askKey = !ctx.raw.key;
  let askSecret = !ctx.raw.secret;
  if (ctx.raw.key) ctx.say.note(`Consumer key from ${ctx.raw.from.key}: ${maskKey(ctx.raw.key.trim())}`);
  if (ctx.raw.secret) ctx.say.note(`Consumer secret from ${ctx.raw.from.secret}: fingerprint ${fingerprint(buildInputs({ from: {}, secret: ctx.raw.secret }).consumerSecret)}`);
  if (ctx.raw.from.secret === '--consumer-secret') ctx.say.err('warning: the secret was given with --consumer-secret: it is now in your shell history. Prefer ESP_CONSUMER_SECRET or the hidden prompt.');
  // Step 2 already ran with the credentials when both were given: reuse its Session.
  let reuse = !askKey && !askSecret && !!ctx.session;
  for (;;) {
    if (askKey) ctx.raw.key = await askNonEmpty(ctx, 'Consumer key:');
    if (askSecret) ctx.raw.secret = await askNonEmpty(ctx, 'Consumer secret (hidden):', true);
    const inputs = buildInputs(ctx.raw);
    if (askSecret) ctx.say.note(`Secret fingerprint: ${fingerprint(inputs.consumerSecret)}`);
    for (const h of inputs.hygiene) ctx.say.para(`${chalk.yellow(SYMBOLS.warn)} ${h.problem}${h.serious ? ' Fix the copy in the vendor settings too.' : ''}`, '  ');
    if (!reuse) ctx.newSession();
    reuse = false;
    const results = await ctx.run('auth', ['auth']);
    const url = find(results, 'url');
    if (url && ctx.printed.get('url') !== signature(url)) printStep(ctx, url, { title: 'Base URL (checked again with the consumer key)' });
    const auth = find(results, 'auth')!;
    printStep(ctx, auth, { skip: ['auth.inputs'] });
    if (auth.status === 'pass' || auth.status === 'warn') return true;
    if (auth.checks.every((c) => c.status === 'skip')) {
      ctx.say.para('The credentials cannot be tried at this address, so the remaining steps are skipped.');
      return false;
    }
    ctx.say.line('');
    explainOwners(ctx, auth.checks);
    const next = await ctx.p.select('What next?', [
      { value: 'again', name: 'Check again (after a change in the API Profile)' },
      { value: 'reenter', name: 'Enter the consumer key and secret again' },
      { value: 'stop', name: 'Stop here and see the summary' },
    ], 'again');
    if (next === 'stop') return false;
    askKey = askSecret = next === 'reenter';
  }
}

export async function stepSubscriptions(ctx: Ctx): Promise<void> {
  ctx.say.heading(4, 'Subscriptions');
  ctx.say.para('The API Profile must subscribe to seven endpoints. esp-doctor reads each one with the same key: an endpoint refused while the others answer is a subscription that is not ticked.');
  const results = await ctx.run('subscriptions', ['subscriptions']);
  const st = find(results, 'subscriptions')!;
  printStep(ctx, st);
  const probes = ctx.session?.settledProbes;
  if (st.status !== 'skip' && probes) ctx.say.line(subscriptionTable(subscriptionRows(probes)));
  const missing = st.checks.flatMap((c) => c.findings ?? []).filter((f) => f.code === 'SUBSCRIPTION_MISSING');
  if (!missing.length) return;
  ctx.say.line('');
  ctx.say.line('To fix, tick in the API Profile:');
  ctx.say.line(`  ${API_PROFILE_PATH} > Subscriptions`);
  for (const f of missing) ctx.say.line(`    ☐ ${chalk.bold(`"${findEndpoint(f.resource ?? '')?.label ?? f.resource}"`)}`);
  ctx.say.para('then Save. The change applies to the next request: choose "Re-check now" at the end to confirm it.', '  ');
}

/** Date of Birth, then any later step of the registry (the checks on the records themselves). */
export async function stepDob(ctx: Ctx): Promise<void> {
  ctx.say.heading(5, 'Date of Birth');
  ctx.say.para(`Date of Birth is a "secure element" of the Student endpoint: it stays off unless ticked in ${ADVANCED_SETTINGS_PATH}.`);
  const rest = STEPS.slice(STEPS.findIndex((s) => s.id === 'dob')).map((s) => s.id);
  const results = await ctx.run(rest[rest.length - 1]!, rest);
  for (const id of rest) {
    const st = find(results, id);
    if (st) printStep(ctx, st);
  }
}
