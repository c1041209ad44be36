// The end of the walk-through: the summary by who must act, then what to take away (report, case
// text, e-mail) or a re-check while the district changes settings on the phone.
import chalk from 'chalk';
import { UsageError } from '../errors.js';
import { subscriptionRows } from '../diagnosis/endpoints.js';
import { STEPS } from '../checks/registry.js';
import { buildReport } from '../runner.js';
import { caseText, emailText, utc, type TextOptions } from '../render/case-text.js';
import { findingsByOwner, subscriptionTable, SYMBOLS } from '../render/text.js';
import type { Report, StepId } from '../types.js';
import { VERSION } from '../version.js';
import { compareFindings, type ChangeState } from './compare.js';
import type { Ctx } from './context.js';
import { reportPath, saveReport } from './share.js';

const ALL: StepId[] = STEPS.map((s) => s.id);

async function finish(ctx: Ctx, shown: StepId[]): Promise<Report> {
  const s = ctx.session ?? ctx.newSession();
  const results = await ctx.run(ALL[ALL.length - 1]!, shown);
  ctx.report = await buildReport(s, results, VERSION);
  ctx.runs++;
  return ctx.report;
}

function verdict(ctx: Ctx, r: Report): void {
  ctx.say.line('');
  ctx.say.line(r.verdict === 'pass' ? chalk.green.bold('Verdict: PASS') : chalk.red.bold('Verdict: FAIL'));
}

export async function summary(ctx: Ctx): Promise<Report> {
  // Every step again through the registry: what already ran comes from the Session memo.
  const r = await finish(ctx, []);
  ctx.say.title('Summary: who must act');
  // A check that could not finish has no finding, yet it is why the verdict is not a pass.
  const errors = r.steps.flatMap((st) => st.checks).filter((c) => c.status === 'error');
  if (r.findings.length || !errors.length) ctx.say.line(findingsByOwner(r.findings));
  if (errors.length) ctx.say.line(chalk.bold('esp-doctor could not complete (tell the vendor):'));
  for (const c of errors) ctx.say.line(`  ${chalk.magenta(SYMBOLS.error)} ${c.title}: ${c.detail}`);
  verdict(ctx, r);
  return r;
}

const LABEL: Record<ChangeState, string> = {
  fixed: chalk.green(`${SYMBOLS.pass} fixed      `),
  still: chalk.red(`${SYMBOLS.fail} still there`),
  new: chalk.yellow(`${SYMBOLS.warn} new        `),
};

export async function recheck(ctx: Ctx): Promise<Report> {
  const before = ctx.report!;
  ctx.say.title(`Re-check at ${utc(new Date())} (a new run; nothing is reused from the last one)`);
  // Everything at once, as diagnose does: the re-check costs a few round trips.
  ctx.newSession().warm(ALL);
  const r = await finish(ctx, ALL);
  ctx.say.line(r.steps.map((st) => `${st.status === 'pass' ? chalk.green(SYMBOLS.pass) : st.status === 'skip' ? chalk.gray(SYMBOLS.skip) : st.status === 'warn' ? chalk.yellow(SYMBOLS.warn) : chalk.red(SYMBOLS.fail)} ${st.title}`).join('   '));
  const changes = compareFindings(before.findings, r.findings);
  ctx.say.line('');
  if (!changes.length) ctx.say.line(chalk.green('Still no problems found.'));
  for (const c of changes) {
    const f = c.finding;
    const name = chalk.bold(`${f.code}${f.resource ? ` ${f.resource}` : ''}`);
    // Still there: the person already read why, so only what to do; new: both.
    ctx.say.line(`  ${LABEL[c.state]}  ${name}${c.state === 'still' ? '' : `: ${f.message}`}`);
    if (c.state !== 'fixed') ctx.say.line(`                 ${chalk.cyan('fix:')} ${f.fix}`);
  }
  const probes = ctx.session?.settledProbes;
  if (probes && r.subscriptions.length) {
    ctx.say.line('');
    ctx.say.line(subscriptionTable(subscriptionRows(probes)));
  }
  verdict(ctx, r);
  return r;
}

function defaultName(): string {
  const d = new Date().toISOString();
  return `esp-doctor-report-${d.slice(0, 10)}-${d.slice(11, 16).replace(':', '')}.md`;
}

type Choice = 'save' | 'case' | 'email' | 'recheck' | 'quit';

/** What a person most likely wants next, given what they just did. */
function suggested(last: Choice | undefined, r: Report): Choice {
  if (last === 'case' || last === 'email') return 'save';
  if (last === 'save') return 'quit';
  return r.verdict === 'pass' ? 'save' : 'case';
}

export async function menu(ctx: Ctx): Promise<void> {
  let last: Choice | undefined;
  for (;;) {
    const r = ctx.report!;
    const opts: TextOptions = { referenceDistrict: ctx.reference, requests: ctx.session?.client.log };
    ctx.say.line('');
    const choice: Choice = await ctx.p.select<Choice>('What next?', [
      { value: 'save', name: 'Save the report (Markdown, safe to forward)' },
      { value: 'case', name: 'Show the PowerSchool case text' },
      { value: 'email', name: 'Show an e-mail for the vendor\'s tier-2 help' },
      { value: 'recheck', name: 'Re-check now (after the district changed a setting)' },
      { value: 'quit', name: 'Quit' },
    ], suggested(last, r));
    last = choice;
    switch (choice) {
      case 'save': {
        const file = (await ctx.p.text('Save the report as:', defaultName())).trim() || defaultName();
        try {
          const path = reportPath(file, ctx.o.cwd);
          saveReport(path, r, opts);
          ctx.say.line(`Saved ${path} (no secret, no student data).`);
        } catch (err) {
          if (!(err instanceof UsageError)) throw err;
          ctx.say.line(chalk.red(err.message));
        }
        break;
      }
      case 'case':
        ctx.say.line('');
        ctx.say.line(caseText(r, opts));
        break;
      case 'email':
        ctx.say.line('');
        ctx.say.line(emailText(r, opts));
        break;
      case 'recheck':
        await recheck(ctx);
        break;
      default:
        return;
    }
  }
}
