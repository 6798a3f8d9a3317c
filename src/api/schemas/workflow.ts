import { Type } from '@fastify/type-provider-typebox';
import { OCCURRENCE_OUTCOMES, type OccurrenceOutcome as OccurrenceOutcomeName } from '../../projections/index.ts';
import { StringMap } from './common.ts';

const Instant = Type.String({ description: 'ISO-8601 instant (UTC).' });
// `type: [x, 'null']` rather than anyOf: fast-json-stringify serializes it without trying each branch.
const nullable = <T extends 'string' | 'number' | 'integer'>(type: T, description?: string) =>
  Type.Unsafe<(T extends 'string' ? string : number) | null>({ type: [type, 'null'], ...(description ? { description } : {}) });
const NullableInstant = nullable('string', 'ISO-8601 instant (UTC), or null.');
const NullableString = nullable('string');

export const CronDialect = Type.Unsafe<'quartz' | 'unix'>({ type: 'string', enum: ['quartz', 'unix'], description: "quartz (Flink's dialect) or unix (5 fields, day-of-week 0 = Sunday)." });
export const WorkflowStatus = Type.Unsafe<'ACTIVE' | 'SUSPENDED' | 'DELETED'>({ type: 'string', enum: ['ACTIVE', 'SUSPENDED', 'DELETED'] });
export const MisfirePolicy = Type.Unsafe<'fire-all' | 'fire-once-now' | 'skip'>({ type: 'string', enum: ['fire-all', 'fire-once-now', 'skip'] });

export const WorkflowInfo = Type.Object(
  {
    workflowId: Type.String(),
    workflowName: Type.String(),
    workflowGroup: Type.String(),
    materializedTableIdentifier: Type.String(),
    status: WorkflowStatus,
    cronExpression: Type.String(),
    cronDialect: CronDialect,
    startAt: nullable('string', 'No fire time before this instant (ISO), or null.'),
    endAt: nullable('string', 'No fire time at or after this instant (ISO), or null.'),
    timeZone: Type.String(),
    misfirePolicy: Type.String(),
    catchUpWindowMs: Type.Number(),
    nextExecutionTime: NullableInstant,
    lastExecutionTime: NullableInstant,
    creationTime: Instant,
    lastModifiedTime: Instant,
    lastModifiedBy: NullableString,
    suspendedAt: NullableInstant,
    suspendedBy: NullableString,
    suspendReason: NullableString,
    suspendedUntil: nullable('string', 'A pause that ends by itself: freshet resumes the workflow at this instant (ISO), else null.'),
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
  reason: NullableString,
  correlationId: Type.String(),
  causationId: NullableString,
  occurredAt: Instant,
  recordedAt: Instant,
});

export const OccurrenceOutcome = Type.Unsafe<OccurrenceOutcomeName>({
  type: 'string',
  enum: [...OCCURRENCE_OUTCOMES],
  description: 'Terminal: succeeded, failed, skipped (see reason), cancelled. In flight: claimed, running. fired: a trigger that reports no refresh outcome.',
});

export const Occurrence = Type.Object({
  nominalTime: Instant,
  outcome: OccurrenceOutcome,
  reason: NullableString,
  manual: Type.Boolean(),
  recovered: Type.Boolean(),
  claimedAt: NullableInstant,
  firedAt: NullableInstant,
  latenessMs: nullable('number'),
  error: NullableString,
  operationHandle: NullableString,
  disposition: NullableString,
  yieldedTo: nullable('string', 'Skipped by the overlap policy: the operation that was running.'),
  partition: Type.Unsafe<Record<string, string> | null>({ type: ['object', 'null'], additionalProperties: { type: 'string' }, description: 'The partition the refresh wrote ({} when not partitioned).' }),
  rowsWritten: nullable('integer'),
  durationMs: nullable('number'),
  attempts: Type.Integer({ description: 'Attempts the refresh took, retries included.' }),
  endedAt: NullableInstant,
  remote: Type.Union([
    Type.Object(
      {
        gateway: Type.String(),
        jobId: Type.String(),
        clusterInfo: StringMap,
        jobState: nullable('string', "Flink's JobStatus (FINISHED, FAILED, CANCELED) or the freshet operation's status once the job ended; null before."),
        followedVia: nullable('string', 'The JobManager or freshet gateway the job is followed through; null when nothing follows it (outcome fired).'),
      },
      { description: 'A refresh submitted to another gateway: its refresh result (job id, cluster info) and the job end as followed.' },
    ),
    Type.Null(),
  ]),
  cronExpression: Type.String(),
  cronDialect: CronDialect,
});

export const Explanation = Type.Object({
  at: Instant,
  nominal: Type.Boolean({ description: 'Whether the instant was a nominal fire time under the schedule in force then.' }),
  schedule: Type.Union([
    Type.Object({ cronExpression: Type.String(), cronDialect: CronDialect, timeZone: Type.String(), misfirePolicy: Type.String(), since: Instant, by: Type.String() }),
    Type.Null(),
  ]),
  outcome: Type.Union([Occurrence, Type.Null()]),
  reasons: Type.Array(Type.String(), { description: 'The chain of reasons, oldest cause first.' }),
  previous: NullableInstant,
  next: NullableInstant,
});
