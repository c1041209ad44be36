// Spinners for the network steps, on stderr and only on a terminal: with output piped or in CI
// there is no spinner at all, so logs never fill with animation frames.
export interface Spinner {
  text(value: string): void;
  stop(): void;
}

export type SpinnerFactory = (text: string) => Spinner;

export async function terminalSpinners(): Promise<SpinnerFactory | null> {
  if (!process.stderr.isTTY || process.env.CI) return null;
  const ora = (await import('ora')).default;
  return (text) => {
    // discardStdin would put stdin in raw mode and leave it there for the next prompt.
    const s = ora({ text, stream: process.stderr, discardStdin: false }).start();
    return {
      text: (v) => {
        s.text = v;
      },
      stop: () => s.stop(),
    };
  };
}
