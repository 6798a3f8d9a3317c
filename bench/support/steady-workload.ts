import type { EventStore, NewEvent } from '../../src/events/index.ts';
import { tableStreamName } from '../../src/refresh/index.ts';
import { WORKFLOW_EVENT_SCHEMA_VERSION, workflowIdOf, workflowStreamName } from '../../src/workflows/index.ts';

/** A clock the store stamps recordedAt with: the workload moves it to each tick's instant (virtual time). */
export class VirtualClock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
}

const meta = (at: number, actor = 'freshet-engine') => ({ actor, correlationId: 'steady', occurredAt: new Date(at).toISOString() });
export const tableOf = (i: number): string => `\`freshet\`.\`default\`.\`t${i}\``;
export const workflowOf = (i: number): string => workflowIdOf('default_group', `quartz_job_${i}`);

/**
 * A steady workload with the events and shapes freshet writes for a scheduled refresh that succeeds: per workflow
 * and tick, FireClaimed, then OccurrenceFired naming the operation, whose own stream holds RefreshSubmitted with
 * the first attempt's start, then RefreshFinished. Each append takes its stream's expected version, as the engine
 * and the manager do.
 */
export class SteadyWorkload {
  private readonly versions = new Map<string, number>();
  private operations = 0;

  constructor(
    private readonly store: EventStore,
    private readonly clock: VirtualClock,
    readonly workflows: number,
    readonly cron = '0 * * * * ? *',
  ) {}

  async create(at: number): Promise<void> {
    this.clock.t = at;
    await Promise.all(
      Array.from({ length: this.workflows }, async (_, i) => {
        const id = workflowOf(i);
        const created: NewEvent = {
          type: 'WorkflowCreated',
          schemaVersion: WORKFLOW_EVENT_SCHEMA_VERSION,
          data: { workflowId: id, workflowName: `quartz_job_${i}`, workflowGroup: 'default_group', tableIdentifier: tableOf(i), cronExpression: this.cron, timeZone: 'UTC', misfirePolicy: 'fire-all', catchUpWindowMs: 86_400_000, initConfig: {}, executionConfig: {}, dynamicOptions: {}, createdAt: at },
          metadata: meta(at, 'alice'),
        };
        const identifier = tableOf(i);
        const definition = {
          identifier, catalog: 'freshet', database: 'default', table: `t${i}`, query: 'SELECT k, n FROM src', statement: `CREATE MATERIALIZED TABLE t${i} …`,
          freshness: { interval: 1, unit: 'MINUTE' }, cronExpression: this.cron, refreshMode: 'FULL', partitionKeys: [], options: {}, comment: null,
          columns: [{ name: 'k', type: 'VARCHAR' }, { name: 'n', type: 'INTEGER' }], timeZone: 'UTC',
        };
        const table = tableStreamName(identifier);
        await this.store.appendToStream(table, [{ type: 'MaterializedTableCreating', schemaVersion: 1, data: { identifier, definition }, metadata: meta(at, 'alice') }], { expectedVersion: 'no_stream' });
        this.versions.set(workflowStreamName(id), (await this.store.appendToStream(workflowStreamName(id), [created], { expectedVersion: 'no_stream' })).nextExpectedVersion);
        await this.store.appendToStream(table, [{ type: 'MaterializedTableActivated', schemaVersion: 1, data: { identifier, workflowId: id, refreshHandlerBytes: '', refreshHandlerDescription: `workflow ${id}` }, metadata: meta(at, 'alice') }], { expectedVersion: 1 });
      }),
    );
  }

  /** A command on workflow i (suspend or resume), as a user's request appends it. */
  async command(i: number, type: 'WorkflowSuspended' | 'WorkflowResumed', at: number): Promise<void> {
    this.clock.t = at;
    const id = workflowOf(i);
    await this.append(workflowStreamName(id), [{ type, schemaVersion: 1, data: { at }, metadata: { ...meta(at, 'bob'), reason: 'maintenance' } }]);
  }

  /** One fire of each listed workflow at nominal time t, its refresh and the refresh's end. */
  async tick(t: number, which: readonly number[] = Array.from({ length: this.workflows }, (_, i) => i), error?: string): Promise<void> {
    this.clock.t = t;
    const handles = which.map(() => `00000000-0000-4000-8000-${String(++this.operations).padStart(12, '0')}`);
    await Promise.all(which.map((i) => this.append(workflowStreamName(workflowOf(i)), [{ type: 'FireClaimed', schemaVersion: 1, data: { nominalTime: t, claimedAt: t - 250, engineId: 'steady', manual: false }, metadata: meta(t - 250) }])));
    await Promise.all(
      which.map(async (i, k) => {
        const handle = handles[k]!;
        const table = tableOf(i);
        const stream = `operation-${handle}`;
        const submitted: NewEvent = {
          type: 'RefreshSubmitted', schemaVersion: 1, metadata: meta(t),
          data: { operationHandle: handle, table, kind: 'periodic', scheduleTime: new Date(t).toISOString().slice(0, 19).replace('T', ' '), partitions: {}, dynamicOptions: {}, executionConfig: {}, threads: null, timeoutMs: null, maxAttempts: 3, disposition: 'started', workflowId: workflowOf(i), nominalTime: t, manual: false, submittedAt: t },
        };
        const started: NewEvent = { type: 'RefreshAttemptStarted', schemaVersion: 1, metadata: meta(t), data: { operationHandle: handle, table, attempt: 1, startedAt: t } };
        await this.append(stream, [submitted, started]);
        const fired = { nominalTime: t, firedAt: t + 2, manual: false, recovered: false, operationHandle: handle, disposition: 'started', ...(error ? { error } : {}) };
        await this.append(workflowStreamName(workflowOf(i)), [{ type: 'OccurrenceFired', schemaVersion: 1, data: fired, metadata: meta(t + 2) }]);
      }),
    );
    this.clock.t = t + 5;
    await Promise.all(
      which.map((i, k) => {
        const handle = handles[k]!;
        const end: NewEvent = error
          ? { type: 'RefreshFailed', schemaVersion: 1, metadata: meta(t + 5), data: { operationHandle: handle, table: tableOf(i), attempt: 1, error, failedAt: t + 5 } }
          : { type: 'RefreshFinished', schemaVersion: 1, metadata: meta(t + 5), data: { operationHandle: handle, table: tableOf(i), attempt: 1, rowsWritten: 10, rowsDeleted: 10, finishedAt: t + 5 } };
        return this.append(`operation-${handle}`, [end]);
      }),
    );
  }

  private async append(stream: string, events: NewEvent[]): Promise<void> {
    const expectedVersion = this.versions.get(stream) ?? 'no_stream';
    const { nextExpectedVersion } = await this.store.appendToStream(stream, events, { expectedVersion });
    // Operation streams end here: only the workflow streams' versions are worth keeping.
    if (stream.startsWith('workflow-')) this.versions.set(stream, nextExpectedVersion);
    else if (events.length > 1) this.versions.set(stream, nextExpectedVersion);
    else this.versions.delete(stream);
  }
}
