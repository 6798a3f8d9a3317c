import type { Clock } from '../../clock/index.ts';
import type { CommandContext } from '../../events/index.ts';
import { FlinkValidationError, getPeriodRefreshPartition, type ObjectIdentifier, validatePartitionSpec } from '../flink/index.ts';
import { resourcesOf } from '../operations/index.ts';
import { msg } from './messages.ts';
import { checkPolicy } from './overlap.ts';
import type { Refresher, SubmitResult } from './refresher.ts';
import type { TableState } from './table-events.ts';
import type { TableRegistry } from './table-registry.ts';
import type { TableQueries } from './table-queries.ts';
import { OVERLAP_OPTION, type OverlapPolicy } from './types.ts';

/** One refresh asked for: Flink's `refreshMaterializedTable` arguments, plus the fire it comes from (if any). */
export interface RefreshAsk {
  identifier: string | ObjectIdentifier;
  isPeriodic: boolean;
  /** Flink's schedule-time text of a periodic refresh; null for a one-time refresh. */
  scheduleTime: string | null;
  dynamicOptions: Record<string, string>;
  staticPartitions: Record<string, string>;
  executionConfig: Record<string, string>;
  workflowId: string | null;
  /** The fire's nominal time, when a workflow's fire asks (see RefreshSubmittedData.nominalTime). */
  nominalTime?: number;
  manual: boolean;
  backfill?: { id: string; index: number };
}

/**
 * Turns a refresh request into a submitted operation: which partitions (from the schedule time minus the freshness,
 * or the static ones), checked against the table; what DuckDB may use; the table's overlap policy at the lane's door.
 */
export class RefreshSubmission {
  constructor(
    private readonly deps: {
      refresher: Refresher;
      registry: TableRegistry;
      queries: TableQueries;
      clock: Clock;
      overlapDefault: OverlapPolicy;
    },
  ) {}

  async submit(ask: RefreshAsk, ctx: CommandContext): Promise<SubmitResult> {
    const table = await this.deps.queries.requireTable(ask.identifier, ask.workflowId === null);
    const d = table.definition;
    const objectId = { catalog: d.catalog, database: d.database, table: d.table };
    for (const [key, value] of Object.entries(ask.staticPartitions ?? {})) {
      if (typeof value !== 'string') throw new FlinkValidationError(msg.nonStringPartitionValue(key));
    }
    const partitions = ask.isPeriodic
      ? getPeriodRefreshPartition(ask.scheduleTime, d.freshness, objectId, d.options, d.timeZone)
      : { ...ask.staticPartitions };
    validatePartitionSpec(partitions, { columns: d.columns, partitionKeys: d.partitionKeys });
    const { threads, timeoutMs } = resourcesOf(ask.executionConfig ?? {});
    const policy = this.policyOf(table);
    const result = await this.deps.refresher.submit(
      {
        table,
        kind: ask.isPeriodic ? 'periodic' : 'one-time',
        scheduleTime: ask.isPeriodic ? ask.scheduleTime : null,
        partitions,
        dynamicOptions: { ...ask.dynamicOptions },
        executionConfig: { ...ask.executionConfig },
        threads,
        timeoutMs,
        workflowId: ask.workflowId,
        ...(ask.nominalTime !== undefined ? { nominalTime: ask.nominalTime } : {}),
        ...(ask.backfill ? { backfill: ask.backfill } : {}),
        manual: ask.manual,
        policy,
      },
      ctx,
    );
    if (result.disposition === 'skipped-overlap' || result.disposition === 'skipped-backlog') {
      const data = { identifier: d.identifier, scheduleTime: ask.scheduleTime, policy, skippedAt: this.deps.clock.now() };
      await this.deps.registry.append(d.identifier, [{ type: 'RefreshFireSkipped', data }], ctx);
    }
    return result;
  }

  /** The table's overlap policy: its `freshet.refresh.overlap` option, else the manager's default. */
  policyOf(table: TableState): OverlapPolicy {
    const configured = table.definition.options[OVERLAP_OPTION];
    return configured === undefined ? this.deps.overlapDefault : checkPolicy(configured, `table option '${OVERLAP_OPTION}'`);
  }
}
