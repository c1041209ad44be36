// How the walk-through talks: paragraphs wrapped to the terminal, step headings, indented lines.
import chalk from 'chalk';
import type { Io } from '../commands/diagnose.js';

export const TOTAL_STEPS = 5;

// Colour codes take no room on screen.
const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;

function wrap(text: string, width: number, indent: string): string {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/ +/)) {
      if (line && visible(indent + line + ' ' + word) > width) {
        out.push(indent + line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    out.push(indent + line);
  }
  return out.join('\n');
}

export class Say {
  private readonly width: number;
  constructor(private readonly io: Io) {
    this.width = Math.min(Math.max((process.stdout.columns ?? 100) - 2, 60), 100);
  }
  line(text = ''): void {
    this.io.out(text);
  }
  para(text: string, indent = ''): void {
    this.io.out(wrap(text, this.width, indent));
  }
  heading(n: number, title: string): void {
    this.io.out('');
    this.io.out(chalk.bold.cyan(`Step ${n} of ${TOTAL_STEPS} · ${title}`));
  }
  title(text: string): void {
    this.io.out('');
    this.io.out(chalk.bold.underline(text));
  }
  note(text: string): void {
    this.io.out(chalk.gray(wrap(text, this.width, '  ')));
  }
  err(text: string): void {
    this.io.err(text);
  }
}
