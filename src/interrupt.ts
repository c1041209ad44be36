// Ctrl+C: by default a cancelled run (exit 130); a long-running command such as `simulate` may
// claim it instead, to stop cleanly.
let claimed: (() => void) | null = null;

/** Let the running command handle the next Ctrl+C (or SIGTERM) itself. */
export function claimInterrupt(fn: () => void): void {
  claimed = fn;
}

/** Returns true when a command claimed the interrupt and has been told. */
export function deliverInterrupt(): boolean {
  if (!claimed) return false;
  const fn = claimed;
  claimed = null;
  fn();
  return true;
}
