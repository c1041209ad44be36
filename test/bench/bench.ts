// `npm run bench`: speed and memory measured side by side in one run, printed as ratios.
//   1. `esp-doctor --help` vs `node -e 0` (median of spawns, interleaved so load affects both alike)
//   2. `diagnose --json` vs `auth --json` against the simulator at 250 ms per request
//   3. `dob-check --all --json` over 100,000 students vs a plain fetch + JSON.parse of the same body:
//      wall time and peak RSS of each child process (process.resourceUsage().maxRSS at exit)
// Not a test (npm test runs dist/test/*.test.js only): numbers vary by machine, so targets are
// reported as met or missed here, not asserted.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyseBody } from '../../src/net/body.js';
import { defaultConfig } from '../../src/sim/config.js';
import { record } from '../../src/sim/data.js';
import { startSimulator, type RunningSimulator, type SimConfig } from '../../src/sim/index.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const BIN = join(ROOT, 'bin', 'esp-doctor.js');
const RSS_RUN = join(HERE, 'rss-run.js');
const PLAIN = join(HERE, 'plain-fetch.js');
const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 100_000);
const SPAWNS = Number(process.env.BENCH_SPAWNS ?? 15);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

interface Run {
  code: number | null;
  ms: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env: { ...process.env, NO_COLOR: '1', CI: 'true', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, ms: performance.now() - started, stdout, stderr }));
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const ms = (x: number): string => `${Math.round(x)} ms`;
const mb = (kib: number): string => `${(kib / 1024).toFixed(1)} MB`;
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;
const verdicts: string[] = [];
function target(name: string, ok: boolean, detail: string): void {
  verdicts.push(`${ok ? 'MET   ' : 'MISSED'} ${name}: ${detail}`);
}

async function sim(config: Partial<SimConfig>): Promise<{ sim: RunningSimulator; caFile: string; env: Record<string, string> }> {
  const s = await startSimulator({ config });
  const caFile = join(mkdtempSync(join(tmpdir(), 'esp-doctor-bench-')), 'ca.pem');
  writeFileSync(caFile, s.caPem);
  return { sim: s, caFile, env: { ESP_BASE_URL: s.baseUrl, ESP_CONSUMER_KEY: s.vendorKey, ESP_CONSUMER_SECRET: s.vendorSecret } };
}

async function startup(): Promise<void> {
  const help: number[] = [];
  const bare: number[] = [];
  // Warm the file cache first; then alternate so a burst of load hits both sides.
  await run([BIN, '--help']);
  await run(['-e', '0']);
  for (let i = 0; i < SPAWNS; i++) {
    const h = await run([BIN, '--help']);
    if (h.code !== 0) throw new Error(`--help exited ${h.code}: ${h.stderr}`);
    help.push(h.ms);
    bare.push((await run(['-e', '0'])).ms);
  }
  const r = median(help) / median(bare);
  console.log(`1. Start-up (median of ${SPAWNS} spawns each)`);
  console.log(`   node -e 0             ${ms(median(bare))}`);
  console.log(`   esp-doctor --help     ${ms(median(help))}   ratio ${ratio(median(help), median(bare))}`);
  target('--help ≤ 2.0× node -e 0', r <= 2.0, ratio(median(help), median(bare)));
}

async function roundTrips(): Promise<void> {
  const fx = await sim({ latencyMs: 250 });
  try {
    const auth: number[] = [];
    const diag: number[] = [];
    let requests = { auth: 0, diagnose: 0 };
    for (let i = 0; i < RUNS; i++) {
      for (const cmd of ['auth', 'diagnose'] as const) {
        const before = fx.sim.requests.length;
        const r = await run([BIN, cmd, '--json', '--ca', fx.caFile], fx.env);
        if (r.code !== 0) throw new Error(`${cmd} exited ${r.code}: ${r.stderr}\n${r.stdout.slice(0, 2000)}`);
        (cmd === 'auth' ? auth : diag).push(r.ms);
        requests[cmd] = fx.sim.requests.length - before;
      }
    }
    const r = median(diag) / median(auth);
    console.log(`\n2. Round trips at 250 ms server latency (median of ${RUNS} runs each, spawned CLI, --json)`);
    console.log(`   auth                  ${ms(median(auth))}   (${requests.auth} requests)`);
    console.log(`   diagnose              ${ms(median(diag))}   (${requests.diagnose} requests)   ratio ${ratio(median(diag), median(auth))}`);
    target('diagnose ≤ 3× auth at 250 ms', r <= 3, ratio(median(diag), median(auth)));
  } finally {
    await fx.sim.close();
  }
}

async function wholeDistrict(): Promise<void> {
  const fx = await sim({ counts: { schools: 60, students: STUDENTS, contacts: 100 } });
  try {
    const ours: Array<{ ms: number; kib: number }> = [];
    const plain: Array<{ ms: number; kib: number }> = [];
    let checked = 0;
    let withValue = 0;
    let plainRecords = 0;
    const studentUrl = `${fx.sim.baseUrl}eSchoolPLUS/Student`;
    for (let i = 0; i < 3; i++) {
      const r = await run([RSS_RUN, 'dob-check', '--all', '--json', '--ca', fx.caFile], fx.env);
      const kib = Number(/bench-maxrss-kib=(\d+)/.exec(r.stderr)?.[1]);
      if (r.code !== 0 || !kib) throw new Error(`dob-check --all exited ${r.code}: ${r.stderr}`);
      const report = JSON.parse(r.stdout) as { dateOfBirth: { checked: number; withValue: number } };
      ({ checked, withValue } = report.dateOfBirth);
      ours.push({ ms: r.ms, kib });
      const p = await run([PLAIN, studentUrl, fx.caFile], fx.env);
      if (p.code !== 0) throw new Error(`plain fetch exited ${p.code}: ${p.stderr}`);
      const pj = JSON.parse(p.stdout) as { records: number; maxRssKiB: number };
      plainRecords = pj.records;
      plain.push({ ms: p.ms, kib: pj.maxRssKiB });
    }
    // The same read over a tenth of the district: constant memory means about the same peak.
    fx.sim.setConfig({ counts: { schools: 60, students: STUDENTS / 10, contacts: 100 } });
    const small: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await run([RSS_RUN, 'dob-check', '--all', '--json', '--ca', fx.caFile], fx.env);
      const kib = Number(/bench-maxrss-kib=(\d+)/.exec(r.stderr)?.[1]);
      if (r.code !== 0 || !kib) throw new Error(`dob-check --all (small) exited ${r.code}: ${r.stderr}`);
      small.push(kib);
    }
    const oMs = median(ours.map((x) => x.ms));
    const pMs = median(plain.map((x) => x.ms));
    const oKib = Math.max(...ours.map((x) => x.kib));
    const pKib = Math.max(...plain.map((x) => x.kib));
    console.log(`\n3. Every Student record, ${STUDENTS.toLocaleString('en-US')} students (median time / highest peak RSS of 3 runs, whole process)`);
    console.log(`   plain fetch + JSON.parse   ${ms(pMs)}   peak RSS ${mb(pKib)}   (${plainRecords} records)`);
    console.log(`   dob-check --all            ${ms(oMs)}   peak RSS ${mb(oKib)}   (checked ${checked}, withValue ${withValue}; the whole diagnosis: URL, TLS, auth, DOB)`);
    console.log(`   ratio                      time ${ratio(oMs, pMs)}   memory ${ratio(oKib, pKib)}`);
    console.log(`   dob-check --all over ${(STUDENTS / 10).toLocaleString('en-US')} students: peak RSS ${mb(Math.max(...small))} (10× fewer records; ${ratio(oKib, Math.max(...small))} the memory)`);
    target(`dob-check --all counts exactly ${STUDENTS} students`, checked === STUDENTS && withValue === STUDENTS && plainRecords === STUDENTS, `checked ${checked}, withValue ${withValue}`);
    target('dob-check --all peak RSS ≤ 150 MB', oKib <= 150 * 1024, mb(oKib));
  } finally {
    await fx.sim.close();
  }
}

/** The streaming reader alone, in this process, on the same kind of body: throughput in MB/s. */
async function parser(): Promise<void> {
  const cfg = { ...defaultConfig(), counts: { schools: 60, students: STUDENTS, contacts: 0 } };
  const parts: string[] = ['['];
  for (let i = 0; i < STUDENTS; i++) parts.push((i ? ',' : '') + JSON.stringify(record('Student', i, cfg)));
  parts.push(']');
  const buf = Buffer.from(parts.join(''));
  const chunks = async function* () {
    for (let i = 0; i < buf.length; i += 65536) yield buf.subarray(i, i + 65536);
  };
  const times: number[] = [];
  const parses: number[] = [];
  for (let i = 0; i < 3; i++) {
    let t = performance.now();
    JSON.parse(buf.toString('utf8'));
    parses.push(performance.now() - t);
    t = performance.now();
    const sum = await analyseBody(chunks(), 'application/json', { maxRecords: Infinity, maxBytes: Infinity, deadline: Date.now() + 600_000 }, () => undefined);
    times.push(performance.now() - t);
    if (sum.records !== STUDENTS) throw new Error(`analyseBody counted ${sum.records}`);
  }
  const mbs = (t: number) => `${(buf.length / 1_048_576 / (t / 1000)).toFixed(1)} MB/s`;
  console.log(`\n4. The body reader alone (${(buf.length / 1_048_576).toFixed(1)} MB, ${STUDENTS} records, median of 3, in-process)`);
  console.log(`   JSON.parse (whole body in memory)   ${ms(median(parses))}   ${mbs(median(parses))}`);
  console.log(`   analyseBody (streaming, records)    ${ms(median(times))}   ${mbs(median(times))}   ratio ${ratio(median(times), median(parses))}`);
}

console.log(`esp-doctor bench · node ${process.version} · ${new Date().toISOString()}\n`);
await startup();
await roundTrips();
await wholeDistrict();
await parser();
console.log('\nTargets');
for (const v of verdicts) console.log(`   ${v}`);
