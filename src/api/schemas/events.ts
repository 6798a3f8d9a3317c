import { Type } from '@fastify/type-provider-typebox';

export const EventMetadata = Type.Object({
  actor: Type.String(),
  reason: Type.Optional(Type.String()),
  correlationId: Type.String(),
  causationId: Type.Optional(Type.String()),
  occurredAt: Type.String(),
});

/** One event of the global log, as the store recorded it. */
export const LogEvent = Type.Object(
  {
    position: Type.Integer({ description: 'Global position; strictly increasing, not necessarily contiguous.' }),
    streamName: Type.String(),
    version: Type.Integer(),
    id: Type.String(),
    type: Type.String(),
    schemaVersion: Type.Integer(),
    data: Type.Unknown(),
    metadata: EventMetadata,
    recordedAt: Type.String(),
  },
);

/** Filters shared by the paged log and the SSE stream. */
export const LogFilterQuery = {
  stream: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Stream name prefix; repeat or comma-separate for several.' })),
  type: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Event type; repeat or comma-separate for several.' })),
};
