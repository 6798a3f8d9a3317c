import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer, type BuildServerOptions, type ServedParts } from '../../../src/api/index.ts';
import type { MaterializedTableManager } from '../../../src/refresh/index.ts';
import { type FreshetRuntime, openFreshet } from '../../../src/runtime/index.ts';

/** 2026-03-02T09:00:00Z: every test's "now" unless it moves the clock. */
export const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

/** A clock the test moves by hand; the engine arms its timers from it, so nothing fires unless asked. */
export class ManualClock {
  constructor(public t = T0) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface ApiHarness {
  app: FastifyInstance;
  runtime: FreshetRuntime;
  clock: ManualClock;
  dir: string;
  tables?: MaterializedTableManager;
  close(): Promise<void>;
}

export interface ApiHarnessOptions extends Omit<Partial<BuildServerOptions>, keyof ServedParts> {
  /** Also wire a MaterializedTableManager over a real DuckDB warehouse in the temp dir. */
  withTables?: boolean;
  store?: string;
  /** Use the system clock instead of a manual one. */
  realClock?: boolean;
  /** Directories statements may read files from. */
  allowReadDirs?: string[];
}

export async function openApi(options: ApiHarnessOptions = {}): Promise<ApiHarness> {
  const { withTables, store, realClock, allowReadDirs, ...server } = options;
  const dir = await mkdtemp(join(tmpdir(), 'freshet-api-'));
  const clock = new ManualClock();
  // The runtime carries the real manager over a DuckDB file in the temp dir; `withTables` only tells the tests to use it.
  const runtime = await openFreshet({ store: store ?? 'memory', dataDir: dir, timeZone: 'UTC', ...(realClock ? {} : { clock }), ...(allowReadDirs ? { allowReadDirs } : {}) });
  const tables = withTables ? runtime.tables : undefined;
  const app = buildServer({ ...runtime, timeZone: runtime.config.timeZone, ...server });
  await app.ready();
  return {
    app,
    runtime,
    clock,
    dir,
    ...(tables ? { tables } : {}),
    async close() {
      await app.close();
      await runtime.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const TABLE_ID = '`cat`.`db`.`orders`';
export const JOB_NAME = `quartz_job_${TABLE_ID}`;

/** Creates a workflow through Flink's endpoint and returns its id. */
export async function createWorkflow(app: FastifyInstance, identifier = TABLE_ID, cronExpression = '0 0/5 * * * ? *'): Promise<string> {
  const created = await app.inject({ method: 'POST', url: '/v3/workflow/embedded-scheduler/create', payload: { materializedTableIdentifier: identifier, cronExpression } });
  if (created.statusCode !== 200) throw new Error(`create failed: ${created.body}`);
  const list = await app.inject({ method: 'GET', url: `/v1/workflows?table=${encodeURIComponent(identifier)}` });
  const id = (list.json() as { items: { workflowId: string }[] }).items[0]?.workflowId;
  if (!id) throw new Error('workflow not listed');
  return id;
}
