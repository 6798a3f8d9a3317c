import { AjvCompiler, type ErrorObject, type ValidatorFactory } from '@fastify/ajv-compiler';

const forParts = AjvCompiler();
const forBodies = AjvCompiler();

/**
 * Fastify's Ajv coerces every part of a request (`coerceTypes: 'array'`), so `{"statement": 42}` would run the SQL
 * `42` and `{"reason": ["a"]}` pass as `"a"`. A JSON body already carries its types: it is validated as sent.
 * Query strings, params and headers are text and still parse into the numbers and lists their schemas declare.
 */
export const buildValidator: ValidatorFactory = (externalSchemas, options = {}) => {
  const custom = { ...options.customOptions, verbose: true };
  const parts = forParts(externalSchemas, { ...options, mode: undefined, customOptions: custom });
  const bodies = forBodies(externalSchemas, { ...options, mode: undefined, customOptions: { ...custom, coerceTypes: false } });
  return (route) => (route.httpPart === 'body' ? bodies(route) : parts(route));
};

const quote = (value: unknown): string => (typeof value === 'string' ? `'${value}'` : JSON.stringify(value));

/** Ajv's words, except that an enum names what it allows ("must be equal to one of the allowed values" does not). */
function describe(e: ErrorObject): string {
  if (e.keyword === 'enum') {
    const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues ?? [];
    return `must be one of ${allowed.map(quote).join(', ')} (got ${quote(e.data)})`;
  }
  return e.message ?? 'is invalid';
}

export function schemaErrorFormatter(errors: ErrorObject[], dataVar: string): Error {
  return new Error(errors.map((e) => `${dataVar}${e.instancePath} ${describe(e)}`).join(', '));
}
