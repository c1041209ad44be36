// Runs the registry's steps up to one of them, with a spinner for the steps being shown. Earlier
// steps come back from the Session memo (nothing is sent twice), so each call sees the same
// `before` results the gates expect.
import { stepsUpTo } from '../checks/registry.js';
import type { StepDef } from '../checks/check.js';
import { runSteps } from '../runner.js';
import type { Session } from '../session.js';
import type { StepId, StepResult } from '../types.js';
import type { Spinner, SpinnerFactory } from './spinner.js';

export const SLOW_MS = 5000;

export async function walk(s: Session, upTo: StepId, shown: StepId[], spinners: SpinnerFactory | null, slowMs = SLOW_MS): Promise<StepResult[]> {
  let spinner: Spinner | null = null;
  let slow: NodeJS.Timeout | undefined;
  const host = s.url.host ?? 'the server';
  const perRequest = Math.round(s.opts.timeoutMs / 1000);
  const stop = () => {
    clearTimeout(slow);
    spinner?.stop();
    spinner = null;
  };
  const waitFor = (step: StepDef, index: number) => {
    clearTimeout(slow);
    const check = step.checks[index];
    if (!spinner || !check) return;
    const what = check.title.startsWith(step.title) ? check.title : `${step.title}: ${check.title}`;
    spinner.text(`${what}…`);
    slow = setTimeout(() => {
      spinner?.text(`${step.title}: still waiting for "${check.title}" — ${host} has not answered yet (up to ${perRequest} s per request)…`);
    }, slowMs);
  };
  try {
    return await runSteps(s, stepsUpTo(upTo), (e) => {
      if (!shown.includes(e.step.id)) return;
      if (e.kind === 'step-start') {
        stop();
        if (spinners) spinner = spinners(`${e.step.title}…`);
        waitFor(e.step, 0);
      } else {
        const next = e.step.checks.findIndex((c) => c.id === e.check.id) + 1;
        if (next >= e.step.checks.length) stop();
        else waitFor(e.step, next);
      }
    });
  } finally {
    stop();
  }
}
