import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { Clock } from '../../clock/index.ts';
import type { EmbeddedWorkflowScheduler } from '../../workflow-scheduler/index.ts';
import { commandContext } from '../auth.ts';
import { ApiRequestError } from '../errors.ts';
import { emptyBody, listParam, parseInstant } from '../params.ts';
import { OrderQuery, PageInfo, pageInfo } from '../paging.ts';
import { errorResponses, Reason, StringMap } from '../schemas/common.ts';
import { Explanation as ExplanationSchema, HistoryEntry, MisfirePolicy, Occurrence, OccurrenceOutcome, WorkflowInfo, WorkflowPage, WorkflowStatus } from '../schemas/workflow.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200, description: 'workflowId (UUID-shaped).' }) });
const ReasonBody = Type.Object({ reason: Reason });
const tags = ['workflows'];
const DAY_MS = 86_400_000;

/** freshet's own workflow API: read models, audit history, the occurrence ledger, and commands by id. */
export function workflowRoutes(scheduler: EmbeddedWorkflowScheduler, clock: Clock): FastifyPluginAsyncTypebox {
  const queries = scheduler.queries;
  const ok = { 200: WorkflowInfo, ...errorResponses };
  return async (app) => {
    app.get(
      '/workflows',
      {
        schema: {
          tags,
          summary: 'List workflows',
          querystring: Type.Object({
            status: Type.Optional(WorkflowStatus),
            table: Type.Optional(Type.String({ minLength: 1, description: 'Table identifier, with or without backticks.' })),
            offset: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
          }),
          response: { 200: WorkflowPage, ...errorResponses },
        },
      },
      async (request) => {
        const { status, table, offset = 0, limit = 100 } = request.query;
        const page = queries.list({ ...(status ? { status } : {}), ...(table ? { table } : {}), offset, limit });
        return { items: page.items, total: page.total, offset, limit };
      },
    );

    app.get(
      '/workflows/:id',
      {
        schema: {
          tags,
          summary: 'Get a workflow, now or as it stood at an instant',
          params: IdParams,
          querystring: Type.Object({ asOf: Type.Optional(Type.String({ description: 'ISO-8601 instant, e.g. 2026-03-08T01:30:00Z.' })) }),
          response: ok,
        },
      },
      async (request) => {
        const { asOf } = request.query;
        return asOf === undefined ? queries.get(request.params.id) : queries.asOf(request.params.id, parseInstant(asOf, 'asOf'));
      },
    );

    app.get(
      '/workflows/:id/history',
      {
        schema: {
          tags,
          summary: 'Every event of the workflow, with actor, reason and time; newest first, cursor paged by version',
          params: IdParams,
          querystring: Type.Object({
            order: OrderQuery,
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
            before: Type.Optional(Type.Integer({ minimum: 0, description: 'Versions before this one (exclusive): the older page.' })),
            after: Type.Optional(Type.Integer({ minimum: 0, description: 'Versions after this one (exclusive): the newer page.' })),
            type: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Only events of this type; repeat or comma-separate for several.' })),
            from: Type.Optional(Type.String({ description: 'ISO instant, inclusive: recorded at or after.' })),
            to: Type.Optional(Type.String({ description: 'ISO instant, inclusive: recorded at or before.' })),
          }),
          response: { 200: Type.Object({ events: Type.Array(HistoryEntry), page: PageInfo }), ...errorResponses },
        },
      },
      async (request) => {
        const q = request.query;
        const types = listParam(q.type);
        const from = q.from === undefined ? undefined : parseInstant(q.from, 'from');
        const to = q.to === undefined ? undefined : parseInstant(q.to, 'to');
        const query = { order: q.order ?? 'newest', limit: q.limit ?? 100, ...(q.before !== undefined ? { before: q.before } : {}), ...(q.after !== undefined ? { after: q.after } : {}) } as const;
        const page = await queries.historyPage(request.params.id, { ...query, ...(types ? { types } : {}), ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
        return { events: page.items, page: pageInfo(query, page, String) };
      },
    );

    app.get(
      '/workflows/:id/explain',
      {
        schema: {
          tags,
          summary: "Why did (or didn't) it fire at an instant: the schedule in force then, the outcome and the chain of reasons",
          params: IdParams,
          querystring: Type.Object({ at: Type.String({ description: 'ISO-8601 instant, e.g. 2026-03-08T03:00:00Z.' }) }),
          response: { 200: ExplanationSchema, ...errorResponses },
        },
      },
      async (request) => queries.explain(request.params.id, parseInstant(request.query.at, 'at')),
    );

    app.get(
      '/workflows/:id/occurrences',
      {
        schema: {
          tags,
          summary: 'The occurrence ledger: each nominal fire time and its outcome; newest first, cursor paged by nominal time',
          params: IdParams,
          querystring: Type.Object({
            from: Type.Optional(Type.String({ description: 'ISO instant, inclusive; default 24 h before `to`.' })),
            to: Type.Optional(Type.String({ description: 'ISO instant, inclusive; default now.' })),
            order: OrderQuery,
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 })),
            before: Type.Optional(Type.String({ description: 'A nominal time (ISO), exclusive: the older page.' })),
            after: Type.Optional(Type.String({ description: 'A nominal time (ISO), exclusive: the newer page.' })),
            outcome: Type.Optional(OccurrenceOutcome),
          }),
          response: { 200: Type.Object({ occurrences: Type.Array(Occurrence), page: PageInfo }), ...errorResponses },
        },
      },
      async (request) => {
        const q = request.query;
        const to = q.to === undefined ? clock.now() : parseInstant(q.to, 'to');
        const from = q.from === undefined ? to - DAY_MS : parseInstant(q.from, 'from');
        if (from > to) throw new ApiRequestError('invalid', `from (${q.from}) must not be after to (${new Date(to).toISOString()}).`);
        const before = q.before === undefined ? undefined : parseInstant(q.before, 'before');
        const after = q.after === undefined ? undefined : parseInstant(q.after, 'after');
        // Read from the indexed ledger: a page and a probe each way, whatever the range holds.
        const query = { order: q.order ?? 'newest', limit: q.limit ?? 1000, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) } as const;
        const page = await queries.ledgerPage(request.params.id, { ...query, from, to, ...(q.outcome !== undefined ? { outcome: q.outcome } : {}) });
        return { occurrences: page.items, page: pageInfo(query, page, (t) => new Date(t).toISOString()) };
      },
    );

    app.patch(
      '/workflows/:id',
      {
        schema: {
          tags,
          summary: 'Change the schedule: cron, time zone, misfire policy, catch-up window',
          params: IdParams,
          body: Type.Object({
            cronExpression: Type.Optional(Type.String({ minLength: 1 })),
            cronDialect: Type.Optional(Type.Unsafe<'quartz' | 'unix'>({ type: 'string', enum: ['quartz', 'unix'], description: "The expression's dialect; default: the workflow's own." })),
            timeZone: Type.Optional(Type.String({ minLength: 1 })),
            startAt: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'ISO instant: no fire time before it; null removes the bound.' })),
            endAt: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'ISO instant: no fire time at or after it; null removes the bound.' })),
            misfirePolicy: Type.Optional(MisfirePolicy),
            catchUpWindowMs: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
            reason: Reason,
          }),
          response: ok,
        },
      },
      async (request) => {
        const { reason, startAt, endAt, ...rest } = request.body;
        const instantOrNull = (v: string | null, field: string) => (v === null ? null : parseInstant(v, field));
        const change = { ...rest, ...(startAt !== undefined ? { startAt: instantOrNull(startAt, 'startAt') } : {}), ...(endAt !== undefined ? { endAt: instantOrNull(endAt, 'endAt') } : {}) };
        if (Object.keys(change).length === 0) {
          throw new ApiRequestError('invalid', 'Nothing to change: send at least one of cronExpression, cronDialect, timeZone, startAt, endAt, misfirePolicy, catchUpWindowMs.');
        }
        queries.get(request.params.id);
        await scheduler.modifyWorkflow(request.params.id, change, commandContext(request, reason));
        return queries.get(request.params.id);
      },
    );

    app.post(
      '/workflows/:id/suspend',
      {
        schema: {
          tags,
          summary: 'Suspend, or pause until an instant (then freshet resumes it, recorded like any resume)',
          params: IdParams,
          body: Type.Object({ reason: Reason, until: Type.Optional(Type.String({ description: 'ISO instant: the pause ends by itself then.' })) }),
          response: ok,
        },
        preValidation: emptyBody,
      },
      async (request) => {
        const { reason, until } = request.body;
        const end = until === undefined ? undefined : parseInstant(until, 'until');
        await scheduler.suspendWorkflow(request.params.id, commandContext(request, reason), end);
        return queries.get(request.params.id);
      },
    );

    app.post(
      '/workflows/:id/resume',
      { schema: { tags, summary: 'Resume (optionally with new dynamic options)', params: IdParams, body: Type.Object({ reason: Reason, dynamicOptions: Type.Optional(StringMap) }), response: ok }, preValidation: emptyBody },
      async (request) => {
        const { reason, dynamicOptions } = request.body;
        await scheduler.resumeWorkflow(request.params.id, dynamicOptions, commandContext(request, reason));
        return queries.get(request.params.id);
      },
    );

    app.post(
      '/workflows/:id/trigger',
      { schema: { tags, summary: 'Fire once now, outside the schedule', params: IdParams, body: ReasonBody, response: { 202: WorkflowInfo, ...errorResponses } }, preValidation: emptyBody },
      async (request, reply) => {
        await scheduler.triggerWorkflow(request.params.id, commandContext(request, request.body.reason));
        return reply.code(202).send(queries.get(request.params.id));
      },
    );

    app.delete(
      '/workflows/:id',
      { schema: { tags, summary: 'Delete (the history stays readable)', params: IdParams, body: ReasonBody, response: ok }, preValidation: emptyBody },
      async (request) => {
        queries.get(request.params.id); // unlike Flink's idempotent delete, an unknown id here is a 404
        await scheduler.deleteWorkflow(request.params.id, commandContext(request, request.body.reason));
        return queries.get(request.params.id);
      },
    );
  };
}
