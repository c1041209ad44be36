// Command-line wiring. The only module that exits. Heavy modules load inside the actions so
// `--help` stays close to bare node start-up time.

// chalk 5 and cli-table3 ignore NO_COLOR: translate it (and --no-color) before anything loads them.
if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '' || process.argv.includes('--no-color')) {
  process.env.FORCE_COLOR = '0';
}

import { Command, CommanderError, Option } from 'commander';
import { CancelledError, UsageError } from './errors.js';
import { installRedaction, redact } from './redact.js';
import { claimInterrupt, deliverInterrupt } from './interrupt.js';
import type { CommonFlags } from './commands/common.js';
import type { CommandName } from './commands/diagnose.js';
import { VERSION } from './version.js';

installRedaction();

let exitCode: number | undefined;

function withCommon(cmd: Command): Command {
  return cmd
    .option('--base-url <url>', 'PLUS 360 Base URL (or ESP_BASE_URL), e.g. https://hac.district.org/plus360api/v1/abc/')
    .option('--consumer-key <key>', 'consumer key (or ESP_CONSUMER_KEY)')
    .option('--secret-stdin', 'read the consumer secret from standard input (else ESP_CONSUMER_SECRET, else a hidden prompt)')
    .addOption(new Option('--consumer-secret <secret>', 'discouraged: ends up in shell history').hideHelp())
    .option('--json', 'print one JSON document (schemaVersion 1) on stdout')
    .option('--timeout <seconds>', 'deadline per request in seconds', '20')
    .option('--ca <file>', 'extra trusted CA certificate (PEM), added to the default roots; repeatable', (v: string, prev: string[] = []) => [...prev, v])
    .option('--insecure', 'LAST RESORT: send requests without verifying the server certificate (the TLS check still fails)')
    .option('--signature-method <method>', 'HMAC-SHA1 or HMAC-SHA256', 'HMAC-SHA1')
    .option('--path-template <template>', 'endpoint path, e.g. "{base}eSchoolPLUS/{resource}" (default: discover)')
    .option('--verbose', 'show evidence and every request')
    .option('--trace', 'print every request and response on stderr (signature base string, headers, masked body); never the secret')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)');
}

function diagnosisCommand(program: Command, name: CommandName, description: string, extra?: (c: Command) => Command): void {
  let cmd = withCommon(program.command(name).description(description));
  if (extra) cmd = extra(cmd);
  cmd.action(async (flags: CommonFlags) => {
    const { runCommand } = await import('./commands/diagnose.js');
    exitCode = await runCommand(name, flags);
  });
}

function shareFlags(c: Command): Command {
  return c
    .option('--report <file>', 'also write a Markdown report to forward (masked key, secret fingerprint, findings by owner, every request for the eSchoolPLUS API Log)')
    .option('--case-text', 'also print a ready-to-paste PowerSchool support case (with --json: on stderr, so stdout stays one JSON document)')
    .option('--email-text', 'also print an e-mail for the vendor\'s tier-2 help (with --json: on stderr)')
    .option('--reference-district <name>', 'district in the same state already using the integration, named in the case text');
}

function dataFlags(c: Command): Command {
  return c
    .option('--all', 'read every Student record (constant memory) instead of the first 500')
    .option('--sample <n>', 'how many Student records to read without --all', '500')
    .option('--show-pii', 'show up to three masked sample values (never in --json unless asked)')
    .option('--field <role=label>', 'name the field for a data check when its label is unusual, e.g. status=REG_STATUS (roles: building, status, prereg, outOfDistrict, schoolId, contactId, linkContactId); repeatable', (v: string, prev: string[] = []) => [...prev, v]);
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('esp-doctor')
    .description('Diagnose a PowerSchool eSchoolPLUS PLUS 360 API connection: Base URL, OAuth 1.0a credentials, subscriptions, Date of Birth.')
    .version(VERSION)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      // One line for a usage error: "esp-doctor: unknown command 'diagnos' (did you mean diagnose?)".
      outputError: (s, write) => write(`esp-doctor: ${s.replace(/^error:\s*/, '').replace(/\s*\n\s*\(?Did you mean/i, ' (did you mean').replace(/\s*\n\s*/g, ' ').trim()}\n`),
    });

  // Loud on purpose, and on stderr so --json stays one document.
  program.hook('preAction', (_program, action) => {
    if (action.opts().insecure) {
      process.stderr.write('WARNING: --insecure: server certificates are NOT verified for the requests of this run. The TLS check still fails and the verdict stays FAIL; use it only to learn what the later steps would say, never in the vendor\'s import.\n');
    }
  });

  diagnosisCommand(program, 'check-url', 'check the Base URL: shape, DNS, TCP, TLS certificate, what the server answers');
  diagnosisCommand(program, 'auth', 'one signed request to the cheapest endpoint: do the key and secret work? (and the clock difference)');
  diagnosisCommand(program, 'probe-endpoints', 'probe all seven subscribed endpoints and tell which subscriptions are missing');
  diagnosisCommand(program, 'dob-check', 'check that Student records carry Date of Birth', dataFlags);
  diagnosisCommand(program, 'diagnose', 'all steps in order, with a summary of who must fix what', (c) => shareFlags(dataFlags(c)));

  const wizard = withCommon(program.command('wizard').description('walk through the vendor\'s setup guide step by step, checking live (also: esp-doctor with no command, on a terminal)'));
  // Interactive only: these two are refused with a pointer to diagnose, so not offered.
  for (const o of wizard.options) if (o.long === '--json' || o.long === '--secret-stdin') o.hideHelp();
  wizard
    .option('--reference-district <name>', 'district in the same state already using the integration (else asked)')
    .action(async (flags) => {
      const { runWizardCommand } = await import('./commands/wizard.js');
      exitCode = await runWizardCommand(flags);
    });

  program
    .command('fingerprint')
    .description('print the short fingerprint of a consumer secret, to compare with the one in a report without sharing the secret')
    .option('--secret-stdin', 'read the consumer secret from standard input (else ESP_CONSUMER_SECRET, else a hidden prompt)')
    .option('--no-color', 'no colours')
    .action(async (flags: CommonFlags) => {
      const { resolveInputs } = await import('./commands/common.js');
      const { fingerprint } = await import('./inputs.js');
      const { inputs } = await resolveInputs(flags, { url: false, key: false, secret: true });
      process.stdout.write(`${fingerprint(inputs.consumerSecret)}\n`);
      exitCode = 0;
    });

  program
    .command('sign <url>')
    .description('print the OAuth 1.0a signature base string, signature and Authorization header for a GET (never the secret)')
    .option('--consumer-key <key>', 'consumer key (or ESP_CONSUMER_KEY)')
    .option('--secret-stdin', 'read the consumer secret from standard input')
    .addOption(new Option('--consumer-secret <secret>').hideHelp())
    .option('--nonce <nonce>', 'fixed nonce (default: random)')
    .option('--timestamp <seconds>', 'fixed timestamp (default: now)')
    .option('--signature-method <method>', 'HMAC-SHA1 or HMAC-SHA256', 'HMAC-SHA1')
    .option('--json', 'print {baseString, signature, authorizationHeader}')
    .option('--no-color', 'no colours')
    .action(async (url: string, flags) => {
      const { runSign } = await import('./commands/sign.js');
      const { stdio } = await import('./commands/diagnose.js');
      exitCode = await runSign(url, flags, stdio);
    });

  program
    .command('simulate')
    .description('run the built-in PLUS 360 simulator (HTTPS on 127.0.0.1) for training and testing')
    .option('--preset <name>', 'district behaviour (see --list-presets)', 'healthy')
    .option('--port <n>', 'port (default: any free port)')
    .option('--list-presets', 'list the presets and exit')
    .option('--no-color', 'no colours')
    .action(async (flags: { preset?: string; port?: string; listPresets?: boolean }) => {
      const sim = await import('./commands/simulate.js');
      const { stdio } = await import('./commands/diagnose.js');
      if (flags.listPresets) {
        exitCode = await sim.listPresets(stdio);
        return;
      }
      exitCode = await sim.runSimulate(flags, stdio, () => new Promise<void>((resolve) => claimInterrupt(resolve)));
    });

  shareFlags(dataFlags(withCommon(program.command('demo').description('start the simulator and diagnose it in one go (exits 0 when the demonstration ran)'))))
    .option('--preset <name>', 'simulated district (see simulate --list-presets)', 'demo')
    .action(async (flags: CommonFlags & { preset?: string }) => {
      const { runDemo } = await import('./commands/simulate.js');
      const { stdio } = await import('./commands/diagnose.js');
      exitCode = await runDemo(flags, stdio);
    });

  return program;
}

function isPromptCancel(err: unknown): boolean {
  return err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError');
}

/** A stray error after the run (a socket closing late, a library's timer) must not print a stack. */
function lastResort(err: unknown): void {
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(redact(`esp-doctor: internal error: ${msg.split('\n')[0]!.slice(0, 300)}\n`));
  if (process.env.ESP_DEBUG && err instanceof Error && err.stack) process.stderr.write(redact(err.stack) + '\n');
  process.exit(3);
}

export async function main(argv: string[]): Promise<number> {
  process.on('uncaughtException', lastResort);
  process.on('unhandledRejection', lastResort);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (deliverInterrupt()) return;
      process.stderr.write('\nCancelled.\n');
      process.exit(130);
    });
  }
  const program = buildProgram();
  try {
    // No command: the walk-through for a person at a terminal (options go to it), else the usage.
    const first = argv[2];
    if (first === undefined) {
      if (!process.stdin.isTTY || !process.stdout.isTTY || process.env.CI) {
        program.outputHelp({ error: true });
        return 2;
      }
      argv = [...argv, 'wizard'];
    } else if (first.startsWith('-') && !['-h', '--help', '-V', '--version'].includes(first)) {
      argv = [...argv.slice(0, 2), 'wizard', ...argv.slice(2)];
    }
    await program.parseAsync(argv);
    return exitCode ?? 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`esp-doctor: ${err.message}\n`);
      return 2;
    }
    if (err instanceof CancelledError || isPromptCancel(err)) {
      process.stderr.write('Cancelled.\n');
      return 130;
    }
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(redact(`esp-doctor: internal error: ${msg}\n`));
    if (process.env.ESP_DEBUG && err instanceof Error && err.stack) process.stderr.write(redact(err.stack) + '\n');
    else process.stderr.write('Re-run with ESP_DEBUG=1 for details, and report it to the vendor.\n');
    return 3;
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
    // Keep-alive sockets or a stray timer must not hold a finished run open.
    setTimeout(() => process.exit(code), 50).unref();
  },
  () => process.exit(3),
);
