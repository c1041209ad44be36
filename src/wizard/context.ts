// What one walk-through carries from step to step.
import type { CommonFlags } from '../commands/common.js';
import { makeSession } from '../commands/common.js';
import type { Io } from '../commands/diagnose.js';
import type { ClientOptions } from '../net/client.js';
import type { Session } from '../session.js';
import type { Report, StepId, StepResult } from '../types.js';
import { buildInputs, type Raw } from './inputs.js';
import type { WizardPrompter } from './prompter.js';
import type { Say } from './say.js';
import type { SpinnerFactory } from './spinner.js';
import { walk } from './walk.js';

export interface WizardFlags extends CommonFlags {
  referenceDistrict?: string;
}

export interface WizardOptions {
  flags: WizardFlags;
  prompter: WizardPrompter;
  io: Io;
  /** null: no spinners (tests, or not a terminal). */
  spinners?: SpinnerFactory | null;
  /** Passed to the HTTP client, e.g. a test's trusted CA. */
  clientExtra?: Partial<ClientOptions>;
  /** Where a saved report goes by default. */
  cwd?: string;
  slowMs?: number;
}

export class Ctx {
  reference?: string;
  session?: Session;
  report?: Report;
  runs = 0;
  /** Step results as last printed, to notice when a later run tells something different. */
  printed = new Map<StepId, string>();

  constructor(
    readonly o: WizardOptions,
    readonly say: Say,
    readonly raw: Raw,
  ) {}

  get p(): WizardPrompter {
    return this.o.prompter;
  }

  /** A fresh Session (and HTTP client, so its request log is this run's evidence only). */
  newSession(): Session {
    this.session = makeSession(buildInputs(this.raw), this.o.flags, this.o.clientExtra ?? {});
    return this.session;
  }

  run(upTo: StepId, shown: StepId[]): Promise<StepResult[]> {
    return walk(this.session ?? this.newSession(), upTo, shown, this.o.spinners ?? null, this.o.slowMs);
  }
}
