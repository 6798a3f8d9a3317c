import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { type BackfillService, type BackfillState, type PlannedPartition, REPROCESS, type Reprocess, statusOf } from '../../refresh/index.ts';
import { commandContext } from '../auth.ts';
import { ApiRequestError } from '../errors.ts';
import { emptyBody, parseInstant } from '../params.ts';
import { errorResponses, Reason, StringMap } from '../schemas/common.ts';

const tags = ['backfills'];
const iso = (ms: number) => new Date(ms).toISOString();
const Instant = Type.String({ description: 'ISO-8601 instant.' });

const Planned = Type.Object({ partition: StringMap, nominalTimes: Type.Integer(), first: Instant, last: Instant });
const BackfillItem = Type.Object({
  partition: StringMap,
  nominalTimes: Type.Integer(),
  operationHandle: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.Union([Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('cancelled'), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
});
const Backfill = Type.Object({
  id: Type.String(),
  table: Type.String(),
  from: Instant,
  to: Instant,
  reprocess: Type.String(),
  status: Type.Unsafe<string>({ type: 'string', enum: ['running', 'cancelling', 'cancelled', 'succeeded', 'failed'] }),
  requestedBy: Type.String(),
  requestedAt: Instant,
  finishedAt: Type.Union([Instant, Type.Null()]),
  partitions: Type.Integer({ description: 'Partitions to refresh.' }),
  done: Type.Integer(),
  failed: Type.Integer(),
  covered: Type.Integer({ description: 'Partitions of the range left out: the table already covers them (see reprocess).' }),
  items: Type.Array(BackfillItem),
});
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

const plannedView = (p: PlannedPartition) => ({ partition: p.partition, nominalTimes: p.nominalTimes, first: iso(p.first), last: iso(p.last) });
function view(s: BackfillState) {
  const settled = s.partitions.filter((p) => p.outcome !== null);
  return {
    id: s.backfillId,
    table: s.table,
    from: iso(s.from),
    to: iso(s.to),
    reprocess: s.reprocess,
    status: statusOf(s),
    requestedBy: s.requestedBy,
    requestedAt: iso(s.requestedAt),
    finishedAt: s.finishedAt === null ? null : iso(s.finishedAt),
    partitions: s.partitions.length,
    done: settled.filter((p) => p.outcome === 'succeeded').length,
    failed: settled.filter((p) => p.outcome === 'failed').length,
    covered: s.covered,
    items: s.partitions.map((p) => ({ partition: p.partition, nominalTimes: p.nominalTimes, operationHandle: p.operationHandle, outcome: p.outcome, error: p.error })),
  };
}

/** Backfills: plan (dry run) or run a range of a table's nominal times; list, follow and cancel them. */
export function backfillRoutes(backfills: BackfillService): FastifyPluginAsyncTypebox {
  const existing = (id: string) => {
    const s = backfills.get(id);
    if (!s) throw new ApiRequestError('not-found', `Backfill '${id}' does not exist.`);
    return s;
  };
  return async (app) => {
    app.post(
      '/materialized-tables/:identifier/backfills',
      {
        schema: {
          tags,
          summary: 'Backfill nominal times [from, to) of the table: one refresh per distinct partition (dryRun: only the plan)',
          params: Type.Object({ identifier: Type.String({ minLength: 1, maxLength: 1000 }) }),
          body: Type.Object({
            from: Instant,
            to: Instant,
            dryRun: Type.Optional(Type.Boolean({ default: false })),
            reprocess: Type.Optional(Type.Unsafe<Reprocess>({ type: 'string', enum: [...REPROCESS], default: 'none', description: 'none: only partitions never refreshed; failed: also those whose last refresh failed; all: every partition.' })),
            reason: Reason,
          }),
          response: { 200: Type.Object({ table: Type.String(), partitions: Type.Array(Planned), covered: Type.Array(Planned) }), 202: Type.Object({ backfill: Backfill }), ...errorResponses },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const from = parseInstant(b.from, 'from');
        const to = parseInstant(b.to, 'to');
        const reprocess = b.reprocess ?? 'none';
        if (b.dryRun === true) {
          const plan = await backfills.plan(request.params.identifier, from, to, reprocess);
          return { table: plan.table, partitions: plan.partitions.map(plannedView), covered: plan.covered.map(plannedView) };
        }
        const started = await backfills.start(request.params.identifier, from, to, reprocess, commandContext(request, b.reason));
        return reply.code(202).send({ backfill: view(started) });
      },
    );

    app.get(
      '/backfills',
      { schema: { tags, summary: 'Backfills, newest first, with their progress', querystring: Type.Object({ table: Type.Optional(Type.String({ minLength: 1 })) }), response: { 200: Type.Object({ backfills: Type.Array(Backfill) }), ...errorResponses } } },
      async (request) => ({ backfills: (await backfills.list(request.query.table)).map(view) }),
    );

    app.get('/backfills/:id', { schema: { tags, summary: 'One backfill and each of its partitions', params: IdParams, response: { 200: Backfill, ...errorResponses } } }, async (request) => view(existing(request.params.id)));

    app.post(
      '/backfills/:id/cancel',
      { schema: { tags, summary: 'Stop submitting and cancel the running refresh', params: IdParams, body: Type.Object({ reason: Reason }), response: { 200: Backfill, ...errorResponses } }, preValidation: emptyBody },
      async (request) => {
        existing(request.params.id);
        return view(await backfills.cancel(request.params.id, commandContext(request, request.body.reason)));
      },
    );
  };
}
