// `esp-doctor wizard` (and `esp-doctor` alone on a terminal): refuses cleanly without a terminal,
// checks the flags before the first question, then hands over to the walk-through.
import { UsageError } from '../errors.js';
import { interactive, readCaFiles, runOptions } from './common.js';
import { stdio, type Io } from './diagnose.js';
import type { WizardFlags } from '../wizard/index.js';

export async function runWizardCommand(flags: WizardFlags, io: Io = stdio): Promise<number> {
  if (!interactive()) {
    throw new UsageError('wizard needs a terminal; without one use "esp-doctor diagnose" with --base-url, --consumer-key and ESP_CONSUMER_SECRET (or --secret-stdin).');
  }
  if (flags.json) throw new UsageError('wizard is interactive and has no --json; use "esp-doctor diagnose --json".');
  if (flags.secretStdin) throw new UsageError('wizard reads the secret from ESP_CONSUMER_SECRET or a hidden prompt; --secret-stdin works with "esp-doctor diagnose".');
  runOptions(flags);
  readCaFiles(flags.ca);
  const { inquirerPrompter } = await import('../wizard/prompter.js');
  const { terminalSpinners } = await import('../wizard/spinner.js');
  const { runWizard } = await import('../wizard/index.js');
  const r = await runWizard({ flags, io, prompter: await inquirerPrompter(), spinners: await terminalSpinners() });
  return r.exitCode;
}
