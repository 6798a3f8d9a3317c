/**
 * ns per next-fire computation for five typical Quartz expressions in Europe/Berlin, `after` cycling over
 * 1,000 random instants in 2026: freshet's compiled Quartz port beside cron-parser 5 (parse + next per call,
 * as a layer on it would do) and croner (one instance, `nextRun(date)`), measured in the same run.
 * Run: node --import tsx bench/cron.ts   (about 30 s)
 */
import { Cron } from 'croner';
import { CronExpressionParser } from 'cron-parser';
import { pathToFileURL } from 'node:url';
import { compileCron } from '../src/cron/index.ts';

const ZONE = 'Europe/Berlin';
const CASES = [
  { name: 'every 5 s', quartz: '0/5 * * * * ? *', unix: '*/5 * * * * *', croner: '*/5 * * * * *' },
  { name: 'every 30 min', quartz: '0 0/30 * * * ? *', unix: '0 */30 * * * *', croner: '0 */30 * * * *' },
  { name: 'daily 02:00', quartz: '0 0 2 * * ?', unix: '0 0 2 * * *', croner: '0 0 2 * * *' },
  { name: 'last Friday', quartz: '0 15 10 ? * 6L', unix: '0 15 10 * * 5L', croner: '0 15 10 * * 5#L' },
  { name: 'Feb 29', quartz: '0 0 0 29 2 ?', unix: '0 0 0 29 2 *', croner: '0 0 0 29 2 *' },
];

function randomInstants2026(count: number): number[] {
  let seed = 20_260_101;
  const next = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const from = Date.UTC(2026, 0, 1);
  const span = Date.UTC(2027, 0, 1) - from;
  return Array.from({ length: count }, () => from + Math.floor(next() * span));
}

/** Median ns/call of three timed runs, each capped by a time budget (sparse cron-parser cases are slow). */
function nsPerCall(fn: (i: number) => unknown, budgetMs: number): number {
  for (let i = 0; i < 200; i++) fn(i); // warm-up
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < budgetMs / 3 && calls < 300_000) {
      for (let k = 0; k < 100; k++) fn(calls++);
      elapsed = performance.now() - start;
    }
    runs.push((elapsed * 1e6) / calls);
  }
  return runs.sort((a, b) => a - b)[1] ?? Number.NaN;
}

export async function runCronBench(): Promise<Record<string, number>> {
  const instants = randomInstants2026(1000);
  const dates = instants.map((t) => new Date(t));
  const results: Record<string, number> = {};
  let sink = 0;
  for (const c of CASES) {
    const compiled = compileCron(c.quartz, ZONE);
    const croner = new Cron(c.croner, { timezone: ZONE, legacyMode: false });
    const ours = nsPerCall((i) => (sink += compiled.nextAfter(instants[i % 1000] ?? 0) ?? 0), 1500);
    const cp = nsPerCall(
      (i) => (sink += CronExpressionParser.parse(c.unix, { currentDate: dates[i % 1000], tz: ZONE }).next().getTime()),
      3000,
    );
    const cr = nsPerCall((i) => (sink += croner.nextRun(dates[i % 1000])?.getTime() ?? 0), 2000);
    results[`freshet ${c.name}`] = ours;
    results[`cron-parser ${c.name}`] = cp;
    results[`croner ${c.name}`] = cr;
  }
  if (sink === 42) console.log(''); // keep the results observable
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await runCronBench();
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(10);
  console.log(`ns per next fire time, ${ZONE}, after = 1,000 random instants in 2026 (median of 3)`);
  console.log(`${'expression'.padEnd(34)}${'freshet'.padStart(10)}${'cron-parser'.padStart(12)}${'croner'.padStart(10)}   cp/freshet  croner/freshet`);
  for (const c of CASES) {
    const [ours = 0, cp = 0, cr = 0] = ['freshet', 'cron-parser', 'croner'].map((lib) => r[`${lib} ${c.name}`]);
    console.log(`${`${c.name} ${c.quartz}`.padEnd(34)}${fmt(ours)}  ${fmt(cp)}${fmt(cr)}   ${(cp / ours).toFixed(0).padStart(8)}x  ${(cr / ours).toFixed(0).padStart(8)}x`);
  }
}
