// `simulate`: run the built-in PLUS 360 simulator for training or manual testing, and `demo`:
// simulator + diagnose in one process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { fingerprint } from '../inputs.js';
import { registerSecret } from '../redact.js';
import type { CommonFlags } from './common.js';
import type { Io } from './diagnose.js';

async function loadSim() {
  return import('../sim/index.js');
}

export async function listPresets(io: Io): Promise<number> {
  const { PRESETS } = await loadSim();
  for (const p of Object.values(PRESETS)) io.out(`${p.name.padEnd(22)} ${p.summary}`);
  return 0;
}

async function start(preset: string, port?: number) {
  const { startSimulator, PRESETS } = await loadSim();
  if (!PRESETS[preset]) throw new UsageError(`unknown preset "${preset}". Known: ${Object.keys(PRESETS).join(', ')}.`);
  const sim = await startSimulator({ preset, port, secret: process.env.ESP_SIM_SECRET || undefined });
  registerSecret(sim.vendorSecret);
  registerSecret(sim.config.consumerSecret);
  return { sim, summary: PRESETS[preset]!.summary };
}

export async function runSimulate(flags: { preset?: string; port?: string }, io: Io, waitForever: () => Promise<void>): Promise<number> {
  const port = flags.port === undefined ? 0 : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes 0-65535, not "${flags.port}".`);
  const { sim, summary } = await start(flags.preset ?? 'healthy', port);
  // Credentials go to a private file rather than the terminal: the secret is never printed.
  const dir = mkdtempSync(join(tmpdir(), 'esp-doctor-sim-'));
  const caFile = join(dir, 'simulator-ca.pem');
  writeFileSync(caFile, sim.caPem, { mode: 0o600 });
  // The secret file must not outlive the simulator, however it ends.
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeDir);
  const envFile = join(dir, 'vendor.env');
  const q = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  writeFileSync(envFile, `ESP_BASE_URL=${q(sim.baseUrl)}\nESP_CONSUMER_KEY=${q(sim.vendorKey)}\nESP_CONSUMER_SECRET=${q(sim.vendorSecret)}\n`, { mode: 0o600 });
  io.out(`PLUS 360 simulator (preset ${flags.preset ?? 'healthy'}: ${summary})`);
  io.out(`  Base URL        ${sim.baseUrl}`);
  io.out(`  Consumer key    ${sim.vendorKey}`);
  io.out(`  Secret          fingerprint ${fingerprint(sim.vendorSecret)}; the value is in ${envFile}`);
  io.out(`  CA certificate  ${caFile}`);
  io.out('');
  io.out('Try it from another terminal (POSIX shell; from a checkout use `node bin/esp-doctor.js` for `esp-doctor`):');
  io.out(`  set -a; . ${envFile}; set +a; esp-doctor diagnose --ca ${caFile}`);
  io.out('Windows PowerShell:');
  io.out(`  Get-Content '${envFile}' | ForEach-Object { $k, $v = $_ -split '=', 2; Set-Item "env:$k" $v.Trim("'") }; esp-doctor diagnose --ca '${caFile}'`);
  io.out('Press Ctrl+C to stop (the credentials file is removed then).');
  await waitForever();
  await sim.close();
  removeDir();
  io.out('Simulator stopped.');
  return 0;
}

export async function runDemo(flags: CommonFlags & { preset?: string }, io: Io): Promise<number> {
  const preset = flags.preset ?? 'demo';
  const { sim, summary } = await start(preset);
  try {
    if (!flags.json) {
      io.out(`Demo: a simulated district on this machine (preset "${preset}": ${summary})`);
      io.out('The diagnosis below is exactly what esp-doctor reports for a real district.');
      io.out('');
    }
    const { makeSession } = await import('./common.js');
    const { present } = await import('./diagnose.js');
    const inputs = { baseUrl: sim.baseUrl, consumerKey: sim.vendorKey, consumerSecret: sim.vendorSecret, hygiene: [] };
    const session = makeSession(inputs, flags, { extraCaPems: [sim.caPem] });
    await present(session, 'diagnose', flags, io);
    if (!flags.json) {
      io.out('');
      io.out('That was the demo: it exits 0 whatever it found. Against a real district (the secret is typed, not echoed):');
      io.out('  read -rs ESP_CONSUMER_SECRET && export ESP_CONSUMER_SECRET');
      io.out('  node bin/esp-doctor.js diagnose --base-url https://hac.district.org/plus360api/v1/abc/ --consumer-key OneRoster_ABC_123');
    }
    return 0;
  } finally {
    await sim.close();
  }
}
