// Shared by the tests: where things are, and how to run the built CLI against a simulator.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator, type RunningSimulator, type SimConfig } from '../src/sim/index.js';

/** Tests run compiled from dist/test/, two levels below the repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(ROOT, 'bin', 'esp-doctor.js');

const made: string[] = [];
process.once('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A temporary folder removed when the test process ends, so test runs leave nothing behind. */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function runCli(args: string[], opts: { env?: Record<string, string | undefined>; input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', CI: 'true', ESP_BASE_URL: undefined, ESP_CONSUMER_KEY: undefined, ESP_CONSUMER_SECRET: undefined, ...opts.env };
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
    const child = spawn(process.execPath, [BIN, ...args], { env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`esp-doctor ${args.join(' ')} did not finish in time\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin.end(opts.input ?? '');
  });
}

export interface SimFixture {
  sim: RunningSimulator;
  caFile: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

/** A simulator plus what the CLI needs to talk to it (trusted CA file, vendor credentials in env). */
export async function simFixture(preset: string, config: Partial<SimConfig> = {}): Promise<SimFixture> {
  const sim = await startSimulator({ preset, config });
  const dir = tempDir('esp-doctor-test-');
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, sim.caPem);
  return {
    sim,
    caFile,
    env: { ESP_BASE_URL: sim.baseUrl, ESP_CONSUMER_KEY: sim.vendorKey, ESP_CONSUMER_SECRET: sim.vendorSecret },
    close: () => sim.close(),
  };
}
