import { type TSchema, Type } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { RecordedEvent } from '../../events/index.ts';
import type { OperationEventType } from '../operations/index.ts';
import type { TableEvent } from './table-events.ts';

const text = Type.String();
const instant = Type.Number();
const stringMap = Type.Record(Type.String(), Type.String());
const nullable = (t: TSchema): TSchema => Type.Union([t, Type.Null()]);

const definition = Type.Object({
  identifier: text,
  catalog: text,
  database: text,
  table: text,
  query: text,
  statement: text,
  freshness: Type.Object({ interval: Type.Number(), unit: text }),
  cronExpression: text,
  partitionKeys: Type.Array(text),
  options: stringMap,
  columns: Type.Array(Type.Object({ name: text, type: text })),
  timeZone: text,
});
const op = { operationHandle: text, table: text };

/**
 * The fields the table manager reads of each table and operation event at schema version 1 (table-events.ts,
 * operations/events.ts), checked when it loads the log at start: one a bug or a tool wrote without them is named by
 * its place in the log instead of failing later as `Cannot read properties of undefined`. Extra fields are allowed.
 */
const VERSION_1: Record<TableEvent['type'] | OperationEventType, TSchema> = {
  MaterializedTableCreating: Type.Object({ identifier: text, definition }),
  MaterializedTableActivated: Type.Object({ identifier: text, workflowId: text, refreshHandlerBytes: text, refreshHandlerDescription: text }),
  MaterializedTableCreationFailed: Type.Object({ identifier: text, error: text }),
  MaterializedTableSuspended: Type.Object({ identifier: text, by: text, reason: nullable(text), automatic: Type.Boolean(), until: Type.Optional(instant) }),
  MaterializedTableResumed: Type.Object({ identifier: text, by: text, dynamicOptions: nullable(stringMap) }),
  MaterializedTableDropped: Type.Object({ identifier: text, by: text }),
  MaterializedTableAltered: Type.Object({ identifier: text, by: text, change: Type.Union([Type.Literal('freshness'), Type.Literal('query')]), definition }),
  RefreshFireSkipped: Type.Object({ identifier: text, scheduleTime: nullable(text), policy: text, skippedAt: instant }),
  RefreshSubmitted: Type.Object({
    ...op,
    kind: Type.Union([Type.Literal('periodic'), Type.Literal('one-time')]),
    scheduleTime: nullable(text),
    partitions: stringMap,
    dynamicOptions: stringMap,
    executionConfig: stringMap,
    maxAttempts: Type.Number(),
    backfill: Type.Optional(Type.Object({ id: text, index: Type.Number() })),
    submittedAt: instant,
  }),
  RefreshAttemptStarted: Type.Object({ ...op, attempt: Type.Number(), startedAt: instant }),
  RefreshAttemptFailed: Type.Object({ ...op, attempt: Type.Number(), error: text, failedAt: instant, retryAt: instant }),
  RefreshFinished: Type.Object({ ...op, attempt: Type.Number(), rowsWritten: Type.Number(), rowsDeleted: Type.Number(), finishedAt: instant }),
  RefreshFailed: Type.Object({ ...op, attempt: Type.Number(), error: text, failedAt: instant }),
  RefreshTimedOut: Type.Object({ ...op, attempt: Type.Number(), error: text, failedAt: instant }),
  RefreshCanceled: Type.Object({ ...op, reason: text, canceledAt: instant }),
  RefreshClosed: Type.Object({ ...op, closedAt: instant }),
};

const checks = new Map<string, TypeCheck<TSchema>>(Object.entries(VERSION_1).map(([type, schema]) => [type, TypeCompiler.Compile(schema)]));

/** Why a table or operation event does not parse under its schema version, or undefined when it does (or is not one). */
export function refreshEventProblem(e: RecordedEvent): string | undefined {
  const check = checks.get(e.type);
  if (!check) return undefined;
  if (e.schemaVersion !== 1) return `${e.type} has schema version ${e.schemaVersion}; this freshet reads version 1 (a newer freshet wrote it?)`;
  if (check.Check(e.data)) return undefined;
  const first = check.Errors(e.data).First();
  return `${e.type} data ${first ? `${first.path || '/'}: ${first.message}` : 'does not match its schema'}`;
}
