// The questions the walk-through asks, behind an interface so tests can answer them. The default
// implementation loads @inquirer/prompts only when a person is actually being asked.
import type { Prompter } from '../commands/common.js';

export interface Choice<T extends string> {
  value: T;
  name: string;
  description?: string;
}

export interface WizardPrompter extends Prompter {
  text(message: string, defaultValue?: string): Promise<string>;
  select<T extends string>(message: string, choices: Choice<T>[], defaultValue?: T): Promise<T>;
  confirm(message: string, defaultValue?: boolean): Promise<boolean>;
}

export async function inquirerPrompter(): Promise<WizardPrompter> {
  const { input, password, select, confirm } = await import('@inquirer/prompts');
  return {
    text: (message, defaultValue) => input({ message, ...(defaultValue ? { default: defaultValue } : {}) }),
    secret: (message) => password({ message, mask: '*', toggleMask: false }),
    select: <T extends string>(message: string, choices: Choice<T>[], defaultValue?: T) =>
      select<T>({ message, choices, ...(defaultValue ? { default: defaultValue } : {}) }) as Promise<T>,
    confirm: (message, defaultValue) => confirm({ message, default: defaultValue ?? true }),
  };
}

/** Ctrl+C or Escape at an @inquirer prompt (or a test imitating one). */
export function isPromptCancel(err: unknown): boolean {
  return err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError');
}
