// The interactive walk-through: the vendor's setup guide, one step at a time, checked live with
// the same registry, Session and findings as `diagnose`.
import { Ctx, type WizardOptions } from './context.js';
import { rawFromFlags } from './inputs.js';
import { menu, summary } from './menu.js';
import { isPromptCancel } from './prompter.js';
import { Say } from './say.js';
import { stepBaseUrl, stepCase, stepCredentials, stepDob, stepSubscriptions } from './steps.js';
import type { Report } from '../types.js';

export type { WizardFlags, WizardOptions } from './context.js';

export interface WizardResult {
  exitCode: number;
  cancelled: boolean;
  /** The last report (after re-checks), when the walk-through got that far. */
  report?: Report;
  /** Full runs: the first one plus every re-check. */
  runs: number;
}

export async function runWizard(o: WizardOptions): Promise<WizardResult> {
  const say = new Say(o.io);
  const ctx = new Ctx(o, say, rawFromFlags(o.flags));
  try {
    say.para('esp-doctor walks through the vendor\'s PLUS 360 setup guide one step at a time and checks each step live against the district\'s server. It only reads; nothing is changed. At the end you can save a report and copy a ready-made PowerSchool case or e-mail.');
    await stepCase(ctx);
    if ((await stepBaseUrl(ctx)) && (await stepCredentials(ctx))) {
      await stepSubscriptions(ctx);
      await stepDob(ctx);
    }
    await summary(ctx);
    await menu(ctx);
    return { exitCode: ctx.report!.verdict === 'pass' ? 0 : 1, cancelled: false, report: ctx.report, runs: ctx.runs };
  } catch (err) {
    if (!isPromptCancel(err)) throw err;
    say.err('Cancelled.');
    return { exitCode: 130, cancelled: true, report: ctx.report, runs: ctx.runs };
  }
}
