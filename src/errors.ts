// Errors that carry their own exit code; src/cli.ts turns them into one clear line.

/** Bad invocation: unknown flag, missing required input. Exit 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** The user pressed Ctrl+C or closed a prompt. Exit 130. */
export class CancelledError extends Error {
  readonly exitCode = 130;
}
