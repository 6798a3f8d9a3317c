import { createHash } from 'node:crypto';
import type { RecordedEvent } from '../../events/index.ts';
import type { MaterializedTableDefinition, TableStatus } from './types.ts';

export const TABLE_STREAM_PREFIX = 'mt-';

/** `mt-<hash>`: identifiers may hold any character, a stream name should not. */
export function tableStreamName(identifier: string): string {
  return `${TABLE_STREAM_PREFIX}${createHash('sha256').update(identifier).digest('hex').slice(0, 32)}`;
}

/** A materialized table's lifecycle, in its stream `mt-<hash>` (Flink's catalog changes, as facts). */
export type TableEvent =
  | { type: 'MaterializedTableCreating'; data: { identifier: string; definition: MaterializedTableDefinition } }
  | {
      type: 'MaterializedTableActivated';
      data: { identifier: string; workflowId: string; refreshHandlerBytes: string; refreshHandlerDescription: string };
    }
  | { type: 'MaterializedTableCreationFailed'; data: { identifier: string; error: string } }
  /** `until`: a pause, which its workflow ends by itself at that instant (epoch ms). */
  | { type: 'MaterializedTableSuspended'; data: { identifier: string; by: string; reason: string | null; automatic: boolean; until?: number } }
  | { type: 'MaterializedTableResumed'; data: { identifier: string; by: string; dynamicOptions: Record<string, string> | null } }
  | { type: 'MaterializedTableDropped'; data: { identifier: string; by: string } }
  /** ALTER … SET FRESHNESS or AS <query>: the definition from now on (`change` says which part moved). */
  | { type: 'MaterializedTableAltered'; data: { identifier: string; by: string; change: 'freshness' | 'query'; definition: MaterializedTableDefinition } }
  /** A fire the overlap policy dropped: recorded so the table's history shows it, not only the workflow's ledger. */
  | { type: 'RefreshFireSkipped'; data: { identifier: string; scheduleTime: string | null; policy: string; skippedAt: number } };

export const TABLE_EVENT_TYPES: readonly TableEvent['type'][] = [
  'MaterializedTableCreating',
  'MaterializedTableActivated',
  'MaterializedTableCreationFailed',
  'MaterializedTableSuspended',
  'MaterializedTableResumed',
  'MaterializedTableDropped',
  'MaterializedTableAltered',
  'RefreshFireSkipped',
];

export function asTableEvent(recorded: RecordedEvent): TableEvent | undefined {
  if (!(TABLE_EVENT_TYPES as readonly string[]).includes(recorded.type)) return undefined;
  return { type: recorded.type, data: recorded.data } as TableEvent;
}

export interface TableState {
  definition: MaterializedTableDefinition;
  /** `GONE` after a drop or a failed create: the identifier is free again. */
  status: TableStatus | 'GONE';
  workflowId: string | null;
  refreshHandlerBytes: string | null;
  refreshHandlerDescription: string | null;
  suspendedBy: string | null;
  suspendReason: string | null;
  suspendedAutomatically: boolean;
  /** When its pause ends (epoch ms); absent in states saved before pauses of a table. */
  suspendedUntil?: number | null;
  version: number;
}

export function evolveTable(state: TableState | undefined, event: TableEvent, version: number): TableState | undefined {
  switch (event.type) {
    case 'MaterializedTableCreating':
      return {
        definition: event.data.definition,
        status: 'INITIALIZING',
        workflowId: null,
        refreshHandlerBytes: null,
        refreshHandlerDescription: null,
        suspendedBy: null,
        suspendReason: null,
        suspendedAutomatically: false,
        version,
      };
    case 'MaterializedTableActivated':
      return state && { ...state, status: 'ACTIVATED', ...pick(event.data), version };
    case 'MaterializedTableCreationFailed':
    case 'MaterializedTableDropped':
      return state && { ...state, status: 'GONE', version };
    case 'MaterializedTableSuspended':
      return state && { ...state, status: 'SUSPENDED', suspendedBy: event.data.by, suspendReason: event.data.reason, suspendedAutomatically: event.data.automatic, suspendedUntil: event.data.until ?? null, version };
    case 'MaterializedTableResumed':
      return state && { ...state, status: 'ACTIVATED', suspendedBy: null, suspendReason: null, suspendedAutomatically: false, suspendedUntil: null, version };
    case 'MaterializedTableAltered':
      return state && { ...state, definition: event.data.definition, version };
    case 'RefreshFireSkipped':
      return state && { ...state, version };
    default: {
      const never: never = event;
      throw new Error(`Unknown table event ${JSON.stringify(never)}`);
    }
  }
}

function pick(d: { workflowId: string; refreshHandlerBytes: string; refreshHandlerDescription: string }) {
  return { workflowId: d.workflowId, refreshHandlerBytes: d.refreshHandlerBytes, refreshHandlerDescription: d.refreshHandlerDescription };
}
