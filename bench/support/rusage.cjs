// Preloaded (`node --require`) into a measured process: at exit it writes the process's own CPU time (user and
// system, µs) to the file FRESHET_BENCH_RUSAGE names, so the bench reads the CPU the whole run cost, not wall time.
'use strict';
const { writeFileSync } = require('node:fs');

const file = process.env.FRESHET_BENCH_RUSAGE;
process.once('exit', () => {
  if (file === undefined) return;
  const { userCPUTime, systemCPUTime, maxRSS } = process.resourceUsage();
  writeFileSync(file, JSON.stringify({ userCPUTime, systemCPUTime, maxRSS }));
});
