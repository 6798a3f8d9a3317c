import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { Clock } from '../../clock/index.ts';
import { CRON_DIALECTS, type CronDialect, previewFireTimes } from '../../cron/index.ts';
import { errorResponses } from '../schemas/common.ts';

/** Preview a cron expression (Quartz or unix): its next fire times in a zone, or 400 with what is wrong with it. */
export function cronRoutes(clock: Clock, defaultZone: string): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/cron/preview',
      {
        schema: {
          tags: ['cron'],
          summary: 'Next fire times of a cron expression',
          querystring: Type.Object({
            expression: Type.String({ minLength: 1, description: "Quartz cron, e.g. '0 0/5 * * * ?'." }),
            timeZone: Type.Optional(Type.String({ minLength: 1, description: 'IANA zone; default the server zone.' })),
            after: Type.Optional(Type.String({ minLength: 1, description: 'Exclusive ISO instant (or wall time in the zone); default now.' })),
            count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 5 })),
            dialect: Type.Optional(Type.Unsafe<CronDialect>({ type: 'string', enum: [...CRON_DIALECTS], default: 'quartz', description: 'quartz (Flink) or unix (5 fields, crontab).' })),
          }),
          response: {
            200: Type.Object({
              fireTimes: Type.Array(Type.String()),
              daylightSaving: Type.Array(
                Type.Object({
                  kind: Type.Union([Type.Literal('skipped'), Type.Literal('repeated')], { description: 'skipped: the wall time falls in a spring-forward gap and does not fire that day (Quartz); repeated: a fire whose wall time the fall-back overlap shows twice (it fires once).' }),
                  wallTime: Type.String({ description: 'The wall time in the zone, without offset, e.g. 2026-03-29T02:30:00.' }),
                  at: Type.String({ description: 'ISO instant: the repeated fire, or where the skipped wall time would land.' }),
                }),
                { description: 'The fire times (and skipped ones, up to the last fire listed) a daylight-saving change touches.' },
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const q = request.query;
        const preview = previewFireTimes(q.expression, {
          after: q.after ?? new Date(clock.now()),
          timeZone: q.timeZone ?? defaultZone,
          count: q.count ?? 5,
          dialect: q.dialect ?? 'quartz',
        });
        return {
          fireTimes: preview.fireTimes.map((t) => t.toISOString()),
          daylightSaving: preview.daylightSaving.map((n) => ({ kind: n.kind, wallTime: n.wallTime, at: n.at.toISOString() })),
        };
      },
    );
  };
}
