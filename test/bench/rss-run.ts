// Runs the CLI in this process and, at exit, reports the process's peak resident memory on stderr
// (process.resourceUsage().maxRSS, in KiB), so the bench measures the real CLI, not a copy of it.
process.on('exit', () => {
  process.stderr.write(`\nbench-maxrss-kib=${process.resourceUsage().maxRSS}\n`);
});
await import('../../src/cli.js');
