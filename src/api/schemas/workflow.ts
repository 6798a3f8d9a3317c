import { Type } from '@fastify/type-provider-typebox';
import { StringMap } from './common.ts';

const Instant = Type.String({ description: 'ISO-8601 instant (UTC).' });
const NullableInstant = Type.Union([Instant, Type.Null()]);

export const WorkflowStatus = Type.Union([Type.Literal('ACTIVE'), Type.Literal('SUSPENDED'), Type.Literal('DELETED')]);
export const MisfirePolicy = Type.Union([Type.Literal('fire-all'), Type.Literal('fire-once-now'), Type.Literal('skip')]);

export const WorkflowInfo = Type.Object(
  {
    workflowId: Type.String(),
    workflowName: Type.String(),
    workflowGroup: Type.String(),
    materializedTableIdentifier: Type.String(),
    status: WorkflowStatus,
    cronExpression: Type.String(),
    timeZone: Type.String(),
    misfirePolicy: Type.String(),
    catchUpWindowMs: Type.Number(),
    nextExecutionTime: NullableInstant,
    lastExecutionTime: NullableInstant,
    creationTime: Instant,
    lastModifiedTime: Instant,
    lastModifiedBy: Type.Union([Type.String(), Type.Null()]),
    suspendedAt: NullableInstant,
    suspendedBy: Type.Union([Type.String(), Type.Null()]),
    suspendReason: Type.Union([Type.String(), Type.Null()]),
    dynamicOptions: StringMap,
    executionConfig: StringMap,
    initConfig: StringMap,
    version: Type.Integer({ description: 'Stream version the view was built from.' }),
  },
);

export const WorkflowPage = Type.Object({
  items: Type.Array(WorkflowInfo),
  total: Type.Integer(),
  offset: Type.Integer(),
  limit: Type.Integer(),
});

export const HistoryEntry = Type.Object({
  version: Type.Integer(),
  position: Type.Integer(),
  type: Type.String(),
  schemaVersion: Type.Integer(),
  data: Type.Unknown(),
  actor: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  correlationId: Type.String(),
  causationId: Type.Union([Type.String(), Type.Null()]),
  occurredAt: Instant,
  recordedAt: Instant,
});

export const Occurrence = Type.Object({
  nominalTime: Instant,
  outcome: Type.Union([Type.Literal('fired'), Type.Literal('skipped'), Type.Literal('claimed')]),
  reason: Type.Union([Type.String(), Type.Null()]),
  manual: Type.Boolean(),
  recovered: Type.Boolean(),
  claimedAt: NullableInstant,
  firedAt: NullableInstant,
  latenessMs: Type.Union([Type.Number(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  operationHandle: Type.Union([Type.String(), Type.Null()]),
  disposition: Type.Union([Type.String(), Type.Null()]),
  cronExpression: Type.String(),
});
