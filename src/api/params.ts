import { ApiRequestError } from './errors.ts';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** An ISO-8601 instant with an offset (`2026-03-08T01:30:00Z`) as epoch ms; a clear 400 otherwise. */
export function parseInstant(text: string, field: string): number {
  const ms = ISO_INSTANT.test(text.trim()) ? Date.parse(text.trim()) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new ApiRequestError('invalid', `${field} '${text}' is not an ISO-8601 instant with an offset; use e.g. '2026-03-08T01:30:00Z' or '2026-03-08T01:30:00+01:00'.`);
  }
  return ms;
}

/** Query lists accept repeats (`?type=a&type=b`) and commas (`?type=a,b`). */
export function listParam(values: readonly string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  const items = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  return items.length > 0 ? items : undefined;
}

/** preValidation for commands whose body is optional: no body (or `null`) means `{}`. */
export async function emptyBody(request: { body: unknown }): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {};
}

/**
 * preHandler for every route. Ajv coerces a query string `1e309` to `Infinity` and lets it through `integer`
 * and `maximum` alike, and `9007199254740993` to a rounded neighbour; neither may reach a read or the log.
 */
export async function finiteNumbers(request: { query: unknown; params: unknown }): Promise<void> {
  for (const [part, values] of [['query', request.query], ['path', request.params]] as const) {
    if (typeof values !== 'object' || values === null) continue;
    for (const [name, value] of Object.entries(values)) {
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new ApiRequestError('invalid', `Invalid request: ${part} parameter ${name} must be <= ${Number.MAX_SAFE_INTEGER} (a finite number).`);
      }
    }
  }
}
