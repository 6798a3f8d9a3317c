import { Type } from '@fastify/type-provider-typebox';

/** Flink's ErrorResponseBody, used by every route: its REST client reads it with a strict mapper, so nothing else. */
export const ErrorBody = Type.Object({ errors: Type.Array(Type.String()) }, { description: 'What went wrong and how to fix it.' });

/** The error statuses every route can answer with (validation, auth, not found, conflict, limits, outages). */
export const errorResponses = {
  '4xx': ErrorBody,
  '5xx': ErrorBody,
} as const;

/**
 * Any key, a string value. Not `Type.Record(Type.String(), …)`: that matches keys with `^(.*)$`, which a key
 * holding a newline escapes, and such a key's value was then not checked at all.
 */
export const StringMap = Type.Unsafe<Record<string, string>>({ type: 'object', additionalProperties: { type: 'string' } });

/** Flink's nullable maps: `null` and a missing field both mean `{}`. */
export const NullableStringMap = Type.Optional(Type.Union([StringMap, Type.Null()]));

/** Why the caller does this; recorded on every event the command appends (also `X-Freshet-Reason`). */
export const Reason = Type.Optional(Type.String({ maxLength: 1000, description: 'Why; recorded in the audit history.' }));

export const Empty = Type.Object({}, { description: 'Flink answers an empty object.' });
