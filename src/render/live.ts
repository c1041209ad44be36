// Text output as the run goes: a spinner per step on a terminal (stderr), each step's lines as
// soon as they are known, then the table and the summary grouped by who must act.
import chalk from 'chalk';
import type { CommandName, Io } from '../commands/diagnose.js';
import { diagnoseSession } from '../commands/diagnose.js';
import type { CommonFlags } from '../commands/common.js';
import type { Session } from '../session.js';
import { maskKey } from '../inputs.js';
import type { CheckResult, Report } from '../types.js';
import { subscriptionRows } from '../diagnosis/endpoints.js';
import { checkLine, closingLines, stepHeader, subscriptionTable } from './text.js';

const SLOW_MS = 5000;

export async function live(session: Session, cmd: CommandName, flags: CommonFlags, io: Io): Promise<Report> {
  const tty = !!process.stderr.isTTY && !process.env.CI;
  const ora = tty ? (await import('ora')).default : null;
  let spinner: ReturnType<NonNullable<typeof ora>> | null = null;
  let slowTimer: NodeJS.Timeout | undefined;
  let pending: CheckResult[] = [];
  let currentTitle = '';
  const stopSpinner = () => {
    clearTimeout(slowTimer);
    spinner?.stop();
    spinner = null;
  };
  const k = session.inputs.consumerKey;
  io.out(chalk.bold(`esp-doctor ${cmd}`) + chalk.gray(` · ${session.inputs.baseUrl}${k ? ` · key ${maskKey(k)}` : ''}`));
  io.out('');
  const flush = () => {
    if (!currentTitle) return;
    stopSpinner();
    io.out(stepHeader({ title: currentTitle }));
    const skippedAlike = pending.length > 1 && pending.every((c) => c.status === 'skip' && c.detail === pending[0]!.detail);
    // A step skipped as a whole says so once, not once per check.
    if (skippedAlike) io.out(checkLine({ ...pending[0]!, title: `${pending.length} checks` }, false));
    else for (const c of pending) io.out(checkLine(c, flags.verbose));
    if (pending.some((c) => c.id === 'subscriptions.endpoints' && c.status !== 'skip') && session.settledProbes) {
      io.out(subscriptionTable(subscriptionRows(session.settledProbes)));
    }
    pending = [];
  };
  const report = await diagnoseSession(session, cmd, (e) => {
    if (e.kind === 'step-start') {
      flush();
      if (currentTitle) io.out('');
      currentTitle = e.step.title;
      if (ora) {
        spinner = ora({ text: `${e.step.title}…`, stream: process.stderr, discardStdin: false }).start();
        slowTimer = setTimeout(() => {
          if (spinner) spinner.text = `${e.step.title}: still waiting for the server (timeout ${Math.round(session.opts.timeoutMs / 1000)} s per request)…`;
        }, SLOW_MS);
      }
    } else {
      pending.push(e.check);
    }
  });
  flush();
  io.out('');
  for (const line of closingLines(report, !!flags.verbose)) io.out(line);
  return report;
}
