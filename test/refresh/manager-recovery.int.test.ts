import { afterEach, describe, expect, it } from 'vitest';
import { CreatePeriodicRefreshWorkflow, EmbeddedRefreshHandler, SuspendRefreshWorkflow } from '../../src/workflow-scheduler/index.ts';
import { tableStreamName } from '../../src/refresh/manager/index.ts';
import { type Harness, openHarness } from './manager-harness.ts';

/**
 * A crash between the three things a table command touches (table stream, workflow, warehouse) is simulated by doing
 * the first steps of a command by hand, then restarting: start-up must settle the table, never leave it stuck.
 */
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ID = '`freshet`.`default`.`t`';
const SOURCE = "CREATE TABLE src AS SELECT 'a' AS k, 1 AS n";
const meta = { actor: 'alice', correlationId: 'c-1', occurredAt: new Date().toISOString() };

describe('restart after a table command was interrupted', () => {
  it('rolls back a CREATE that never finished: no table, no workflow, and the name can be used again', async () => {
    h = await openHarness({ recover: false });
    await h.manager.executeStatement(SOURCE);
    const definition = {
      identifier: ID, catalog: 'freshet', database: 'default', table: 't', query: 'SELECT k, n FROM src', statement: 'CREATE MATERIALIZED TABLE t …',
      freshness: { interval: 1, unit: 'HOUR' }, cronExpression: '0 0 0/1 * * ? *', refreshMode: 'FULL', partitionKeys: [], options: {}, comment: null,
      columns: [{ name: 'k', type: 'VARCHAR' }, { name: 'n', type: 'INTEGER' }], timeZone: 'UTC',
    };
    // The crash: Creating recorded, warehouse table and workflow made, Activated never appended.
    await h.store.appendToStream(tableStreamName(ID), [{ type: 'MaterializedTableCreating', schemaVersion: 1, data: { identifier: ID, definition }, metadata: meta }], { expectedVersion: 'no_stream' });
    await h.warehouse.createTable({ catalog: 'freshet', database: 'default', table: 't' }, definition.columns, {});
    await h.scheduler.createRefreshWorkflow(new CreatePeriodicRefreshWorkflow(ID, definition.query, definition.cronExpression, {}, {}, '', { timeZone: 'UTC' }));
    h = await h.restart({ recover: false });
    expect(await h.manager.recoverInterruptedCommands()).toBe(1);
    expect(await h.manager.listTables()).toEqual([]);
    expect(await h.warehouse.tableExists({ catalog: 'freshet', database: 'default', table: 't' })).toBe(false);
    expect(h.scheduler.queries.list({ status: 'ACTIVE' }).total).toBe(0);
    const again = await h.manager.executeStatement("CREATE MATERIALIZED TABLE t FRESHNESS = INTERVAL '1' HOUR AS SELECT k, n FROM src");
    expect(again.kind).toBe('ddl');
    expect((await h.manager.getTable('t')).status).toBe('ACTIVATED');
  });

  it('completes a SUSPEND whose workflow was suspended but whose table event was lost', async () => {
    h = await openHarness({ recover: false });
    await h.manager.executeStatement(SOURCE);
    await h.manager.executeStatement("CREATE MATERIALIZED TABLE t FRESHNESS = INTERVAL '1' HOUR AS SELECT k, n FROM src");
    const workflow = (await h.manager.getTable('t')).workflow!;
    // The crash: the workflow is suspended, the table's MaterializedTableSuspended never appended.
    await h.scheduler.modifyRefreshWorkflow(new SuspendRefreshWorkflow(new EmbeddedRefreshHandler(workflow.workflowName, workflow.workflowGroup), { actor: 'bob', reason: 'maintenance' }));
    expect((await h.manager.getTable('t')).status).toBe('ACTIVATED');
    h = await h.restart({ recover: false });
    expect(await h.manager.recoverInterruptedCommands()).toBe(1);
    const table = await h.manager.getTable('t');
    expect(table).toMatchObject({ status: 'SUSPENDED', suspendedBy: 'bob', suspendReason: 'maintenance' });
    expect(await h.manager.recoverInterruptedCommands()).toBe(0); // settled once, then nothing to do
    await h.manager.executeStatement('ALTER MATERIALIZED TABLE t RESUME');
    expect((await h.manager.getTable('t')).status).toBe('ACTIVATED');
  });
});
