import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFreshet } from '../../src/runtime/index.ts';
import { CreatePeriodicRefreshWorkflow } from '../../src/workflow-scheduler/index.ts';
import { ManualClock } from '../api/support/api-harness.ts';

export const tempDir = (name: string): string => mkdtempSync(join(tmpdir(), `freshet-${name}-`));

/** Opens freshet on `store` in `dataDir`, creates one workflow per table and closes it, saving the read model. */
export async function runWithWorkflows(dataDir: string, store: string, tables: string[]): Promise<void> {
  const runtime = await openFreshet({ dataDir, store, timeZone: 'UTC', clock: new ManualClock() });
  try {
    for (const table of tables) {
      await runtime.scheduler.createRefreshWorkflow(new CreatePeriodicRefreshWorkflow(`\`cat\`.\`db\`.\`${table}\``, '', '0 0/5 * * * ? *'));
    }
  } finally {
    await runtime.close();
  }
}

/** The error openFreshet fails with, or an error saying it opened. */
export async function openError(dataDir: string, store: string): Promise<Error> {
  try {
    const runtime = await openFreshet({ dataDir, store, timeZone: 'UTC', clock: new ManualClock() });
    const listed = runtime.scheduler.queries.list().total;
    await runtime.close();
    return new Error(`freshet opened (${listed} workflow(s) listed)`);
  } catch (error) {
    return error as Error;
  }
}
