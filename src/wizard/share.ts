// Saving the Markdown report and printing the ready-to-send texts: for diagnose's --report,
// --case-text and --email-text, and for the walk-through's menu.
import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { redact } from '../redact.js';
import { caseText, emailText, type TextOptions } from '../render/case-text.js';
import { renderMarkdown } from '../render/markdown.js';
import type { Report } from '../types.js';

export interface ShareFlags {
  report?: string;
  caseText?: boolean;
  emailText?: boolean;
  referenceDistrict?: string;
  json?: boolean;
}

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Checked before the run, so a typo in the path does not throw away a finished diagnosis. */
export function reportPath(file: string, cwd = process.cwd()): string {
  const path = resolve(cwd, file);
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--report ${file}: that is a folder; give a file name, e.g. ${file.replace(/\/?$/, '/')}esp-doctor-report.md.`);
    accessSync(dirname(path), constants.W_OK);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--report ${file}: cannot write there (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  return path;
}

/** Writes the report; the redactor runs over it too, as over everything printed. */
export function saveReport(path: string, r: Report, o: TextOptions): void {
  writeFileSync(path, redact(renderMarkdown(r, o)), 'utf8');
}

/**
 * After diagnose: the report file, then the texts. With --json, stdout holds the JSON document
 * alone, so the texts go to stderr.
 */
export function shareAfterRun(r: Report, flags: ShareFlags, o: TextOptions, io: Io, path?: string): void {
  const opts: TextOptions = { ...o, referenceDistrict: flags.referenceDistrict?.trim() || undefined };
  if (path) {
    saveReport(path, r, opts);
    io.err(`Report saved to ${path} (Markdown; no secret, no student data).`);
  }
  const put = flags.json ? io.err : io.out;
  if (flags.caseText) {
    put('');
    put('----- PowerSchool support case (copy from here) -----');
    put(caseText(r, opts));
    put('----- end of case text -----');
  }
  if (flags.emailText) {
    put('');
    put('----- E-mail to the vendor\'s tier-2 help (copy from here) -----');
    put(emailText(r, opts));
    put('----- end of e-mail text -----');
  }
}
