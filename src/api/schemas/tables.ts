import { Type } from '@fastify/type-provider-typebox';
import { StringMap } from './common.ts';
import { WorkflowInfo } from './workflow.ts';

const NullableString = Type.Union([Type.String(), Type.Null()]);
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

export const OperationSummary = Type.Object({
  operationHandle: Type.String(),
  status: Type.String(),
  kind: Type.Union([Type.Literal('periodic'), Type.Literal('one-time')]),
  scheduleTime: NullableString,
  partitions: StringMap,
  attempt: Type.Integer(),
  retryCount: Type.Integer(),
  submittedAt: Type.String(),
  startedAt: NullableString,
  endedAt: NullableString,
  durationMs: NullableNumber,
  rowsWritten: NullableNumber,
  rowsDeleted: NullableNumber,
  error: NullableString,
  nextAttemptAt: NullableString,
  disposition: Type.String(),
});

export const Operation = Type.Object({ table: Type.String(), ...OperationSummary.properties });

export const RefreshStatus = Type.Object({
  status: Type.String({ description: 'idle | queued | running | retrying | completed | failed | timed-out | cancelled' }),
  progress: NullableNumber,
  errorMessage: NullableString,
  durationMs: NullableNumber,
  retryCount: Type.Integer(),
  isHealthy: Type.Boolean(),
  consecutiveFailures: Type.Integer(),
  lastSuccessfulRefresh: NullableString,
  running: Type.Array(OperationSummary),
  queued: Type.Array(OperationSummary),
  lastOperation: Type.Union([OperationSummary, Type.Null()]),
});

export const TableDefinition = Type.Object({
  identifier: Type.String(),
  catalog: Type.String(),
  database: Type.String(),
  table: Type.String(),
  query: Type.String(),
  statement: Type.String(),
  freshness: Type.Object({ interval: Type.Number(), unit: Type.String() }),
  cronExpression: Type.String(),
  refreshMode: Type.String(),
  partitionKeys: Type.Array(Type.String()),
  options: StringMap,
  comment: NullableString,
  columns: Type.Array(Type.Object({ name: Type.String(), type: Type.String() })),
  timeZone: Type.String(),
});

export const TableInfo = Type.Object({
  definition: TableDefinition,
  status: Type.String({ description: 'INITIALIZING | ACTIVATED | SUSPENDED' }),
  refreshHandlerDescription: NullableString,
  overlapPolicy: Type.String(),
  suspendedBy: NullableString,
  suspendReason: NullableString,
  suspendedUntil: Type.Union([Type.String({ description: 'ISO instant a pause ends by itself' }), Type.Null()]),
  workflow: Type.Union([WorkflowInfo, Type.Null()]),
  refresh: RefreshStatus,
  lag: Type.Object(
    {
      dataTime: NullableString,
      stalenessMs: Type.Union([Type.Number(), Type.Null()]),
      freshnessMs: Type.Number(),
      behind: Type.Boolean({ description: 'Data older than twice the freshness (at least one refresh missing); never refreshed: twice the freshness since its workflow was created.' }),
    },
    { description: "Freshness lag: when the newest successful refresh began reading its sources (dataTime), and the data's age against the declared freshness." },
  ),
});

/** POST /v1/statements: a query's columns and rows, a DDL's table and message, or a refresh's operation. */
export const StatementResult = Type.Object({
  kind: Type.Union([Type.Literal('query'), Type.Literal('ddl'), Type.Literal('operation')]),
  columns: Type.Optional(Type.Array(Type.String())),
  rows: Type.Optional(Type.Array(Type.Array(Type.Unknown()))),
  rowsChanged: Type.Optional(Type.Integer()),
  table: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
  operationHandle: Type.Optional(Type.String()),
});
