import { type TSchema, Type } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { RecordedEvent } from '../events/index.ts';
import { MISFIRE_POLICIES, WORKFLOW_EVENT_SCHEMA_VERSION, type WorkflowEventType } from '../workflows/index.ts';

const instant = Type.Number();
const text = Type.String();
const stringMap = Type.Record(Type.String(), Type.String());
const misfirePolicy = Type.Union(MISFIRE_POLICIES.map((p) => Type.Literal(p)));
const skipReason = Type.Union(['suspended', 'outside-catch-up-window', 'coalesced', 'misfire-skip', 'schedule-modified', 'deleted'].map((r) => Type.Literal(r)));

/**
 * The data of each workflow event at schema version 1 (src/workflows/events.ts), checked before it is folded: an
 * event a bug or an older tool wrote without a field it needs is reported with its place in the log instead of
 * surfacing as `Cannot read properties of undefined` somewhere in evolve. Extra fields are allowed.
 */
const VERSION_1: Record<WorkflowEventType, TSchema> = {
  WorkflowCreated: Type.Object({
    workflowId: text,
    workflowName: text,
    workflowGroup: text,
    tableIdentifier: text,
    cronExpression: text,
    cronDialect: Type.Optional(Type.Literal('unix')),
    timeZone: text,
    startAt: Type.Optional(instant),
    endAt: Type.Optional(instant),
    misfirePolicy,
    catchUpWindowMs: Type.Number(),
    initConfig: stringMap,
    executionConfig: stringMap,
    dynamicOptions: stringMap,
    restEndpointUrl: Type.Optional(text),
    descriptionStatement: Type.Optional(text),
    createdAt: instant,
  }),
  WorkflowSuspended: Type.Object({ at: instant, reason: Type.Optional(text), until: Type.Optional(instant) }),
  WorkflowResumed: Type.Object({ at: instant, dynamicOptions: Type.Optional(stringMap) }),
  WorkflowScheduleModified: Type.Object({ at: instant, cronExpression: text, cronDialect: Type.Optional(Type.Literal('unix')), timeZone: text, startAt: Type.Optional(instant), endAt: Type.Optional(instant), misfirePolicy, catchUpWindowMs: Type.Number() }),
  WorkflowDeleted: Type.Object({ at: instant }),
  FireClaimed: Type.Object({ nominalTime: instant, claimedAt: instant, engineId: text, manual: Type.Boolean() }),
  OccurrenceFired: Type.Object({
    nominalTime: instant,
    firedAt: instant,
    manual: Type.Boolean(),
    recovered: Type.Boolean(),
    error: Type.Optional(text),
    operationHandle: Type.Optional(text),
    disposition: Type.Optional(Type.Union(['started', 'queued', 'skipped-overlap', 'cancelled-other', 'skipped-backlog'].map((d) => Type.Literal(d)))),
    yieldedTo: Type.Optional(text),
  }),
  OccurrencesSkipped: Type.Object({ fromExclusive: instant, toInclusive: instant, reason: skipReason, at: instant }),
};

const checks = new Map<string, TypeCheck<TSchema>>(Object.entries(VERSION_1).map(([type, schema]) => [type, TypeCompiler.Compile(schema)]));

/** Why a workflow event does not parse under its schema version, or undefined when it does. */
export function workflowEventProblem(e: RecordedEvent): string | undefined {
  if (e.schemaVersion !== WORKFLOW_EVENT_SCHEMA_VERSION) {
    return `${e.type} has schema version ${e.schemaVersion}; this freshet reads workflow events of version ${WORKFLOW_EVENT_SCHEMA_VERSION} (a newer freshet wrote it?)`;
  }
  const check = checks.get(e.type);
  if (!check) return `${e.type} is not a workflow event type this freshet knows`;
  if (check.Check(e.data)) return undefined;
  const first = check.Errors(e.data).First();
  return `${e.type} data ${first ? `${first.path || '/'}: ${first.message}` : 'does not match its schema'}`;
}
