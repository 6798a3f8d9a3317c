/**
 * Generated requests for the fuzz test (in process, `app.inject`) and bench/fuzz.ts (a real server on a port): body
 * fields and query keys the routes read, given wrong types, malformed JSON, huge and non-finite numbers (JSON
 * literals such as 1e309 that parse to Infinity), odd strings and bad path segments.
 */
import fc from 'fast-check';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';

export const FIELDS = ['materializedTableIdentifier', 'cronExpression', 'initConfig', 'executionConfig', 'dynamicOptions', 'workflowName', 'workflowGroup', 'reason', 'statement', 'isPeriodic', 'scheduleTime', 'staticPartitions', 'partitions', 'options', 'timeZone', 'misfirePolicy', 'catchUpWindowMs', 'sessionName', 'properties', 'executionTimeout', 'position', 'script', 'scriptUri', 'periodic', 'until', 'cronDialect', 'from', 'to', 'dryRun', 'reprocess', 'workflowId', 'identifier', 'limit', 'count', 'threads', 'timeoutMs', 'maxAttempts'];
export const QUERY = ['status', 'table', 'offset', 'limit', 'asOf', 'from', 'to', 'expression', 'timeZone', 'after', 'count', 'type', 'stream', 'rowFormat', 'at', 'dialect', 'before', 'cursor', 'statement', 'position', 'token'];

/** Number literals as a client may write them: JSON.parse reads 1e309 as Infinity and -0 as -0. */
const NUMBER_LITERALS = ['1e309', '-1e309', '1e21', '9007199254740993', '-9007199254740993', '1.5', '-0', '0', '-1', '2147483648', '1e-400', '123456789012345678901234567890'];
export const nasty = fc.constantFrom('', ' ', '..', '%', '%zz', '`a`.`b`', 'a.b.c.d', '```', "'; DROP TABLE src; --", '\u0000', 'x'.repeat(2000), '-1', '1e309', '-1e309', 'NaN', 'Infinity', '0x10', '1e21', '9007199254740993', '00', '+1', ' 1', '1.0', 'null', '[]', '{}', '0 0 * * * ?', '0 30 2 * * ?', 'ACTIVE', 'JSON', 'Europe/Berlin', 'Mars/Olympus', '2026-03-29T02:30:00', '2026-13-45T99:99:99Z', '9999-12-31T23:59:59Z', '-271821-04-20T00:00:00Z', '\ud800', '🙂', '<script>');
export const text = fc.oneof(fc.string({ maxLength: 40 }), nasty, fc.uuid());
const value = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(text, { maxLength: 3 }), fc.dictionary(text, fc.oneof(text, fc.integer()), { maxKeys: 3 }));
/** An object whose values are raw number literals, written out by hand: JSON.stringify can never write 1e309. */
const numericObject = fc.dictionary(fc.constantFrom(...FIELDS), fc.constantFrom(...NUMBER_LITERALS), { minKeys: 1, maxKeys: 4 }).map((o) => `{${Object.entries(o).map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);

/** Values each field is valid with somewhere, so a request gets past the schema and one odd field reaches the code. */
const DATES = ['2026-03-29T00:00:00Z', '2026-03-29T02:30:00+02:00', '2026-10-25T00:30:00Z', '2026-03-29T02:30:00', '1970-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '2026-01-01T00:00:00.000Z', '2026-01-01', '1767225600000'];
const COUNTS = ['1', '10', '1000', '0'];
const PLAUSIBLE: Record<string, string[]> = {
  materializedTableIdentifier: ['`freshet`.`default`.`daily`', 'daily', 'freshet.default.daily'],
  identifier: ['daily'],
  cronExpression: ['0 0 3 * * ?', '0 30 2 * * ?', '*/5 * * * * ?', '0 0 0 29 2 ? 2099', '0 0 0 31 2 ?', '30 2 * * *'],
  expression: ['0 30 2 * * ?', '0 0 0 31 2 ?', '30 2 * * *', '* * * * * ?'],
  cronDialect: ['quartz', 'unix'],
  dialect: ['quartz', 'unix'],
  timeZone: ['Europe/Berlin', 'UTC', 'America/New_York', 'Australia/Lord_Howe'],
  misfirePolicy: ['fire-all', 'fire-once', 'skip', 'catch-up', 'FIRE_ONCE'],
  status: ['ACTIVE', 'SUSPENDED', 'DELETED', 'running', 'FINISHED'],
  type: ['OccurrenceFired', 'WorkflowCreated'],
  stream: ['workflow-', 'refresh-'],
  rowFormat: ['JSON', 'PLAIN_TEXT'],
  catchUpWindowMs: ['60000', '0'],
  until: DATES, from: DATES, to: DATES, at: DATES, startAt: DATES, endAt: DATES, asOf: DATES, after: [...DATES, ...COUNTS], before: [...DATES, ...COUNTS], scheduleTime: ['2026-03-01 00:00:00', '2026-03-29 02:30:00'],
  partitions: ['{"ds":"2026-03-01"}', '{}'], staticPartitions: ['{"ds":"2026-03-01"}'],
  dryRun: ['true', 'false'], reprocess: ['true', 'false'], isPeriodic: ['true', 'false'], periodic: ['true', 'false'],
  reason: ['"late data"'],
  statement: ['SELECT 1', 'ALTER MATERIALIZED TABLE daily SUSPEND', 'ALTER MATERIALIZED TABLE daily REFRESH PARTITION (ds = \'2026-03-01\')', 'SELECT * FROM src'],
  initConfig: ['{}', '{"k":"v"}'], executionConfig: ['{}'], dynamicOptions: ['{}'], options: ['{}'], properties: ['{}'],
  workflowName: ['w'], workflowGroup: ['g'], sessionName: ['s'],
  limit: COUNTS, count: COUNTS, offset: COUNTS, threads: COUNTS, timeoutMs: COUNTS, maxAttempts: COUNTS, executionTimeout: COUNTS, position: COUNTS, token: COUNTS, cursor: COUNTS,
};
/** As JSON text: a plausible value is JSON if it parses (objects, numbers, booleans), else a string. */
const jsonText = (v: string): string => {
  try {
    JSON.parse(v);
    return v;
  } catch {
    return JSON.stringify(v);
  }
};
const odd = fc.oneof(nasty.map((v) => JSON.stringify(v)), fc.constantFrom(...NUMBER_LITERALS), fc.constantFrom('true', 'null', '[]', '{}', '[1e309]', '{"ds":null}', '{"":""}'));
/** Field names and JSON texts: mostly valid values, some odd ones. */
const plausibleFields = (keys: string[]) =>
  fc.uniqueArray(fc.constantFrom(...keys), { maxLength: 6 }).chain((ks) =>
    fc.tuple(...ks.map((k) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...(PLAUSIBLE[k] ?? ['1'])).map(jsonText) }, { weight: 1, arbitrary: odd }).map((v): [string, string] => [k, v]))),
  );
const plausibleBody = plausibleFields(FIELDS).map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);
/** A query value as text: a JSON string loses its quotes. */
const plausibleQuery = plausibleFields(QUERY).map((entries) => Object.fromEntries(entries.map(([k, v]) => [k, v.startsWith('"') ? (JSON.parse(v) as string) : v])));

export interface Body {
  payload: string | undefined;
  type: string | undefined;
}

export const body: fc.Arbitrary<Body> = fc.oneof(
  { weight: 4, arbitrary: plausibleBody.map((payload) => ({ payload, type: 'application/json' })) },
  fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 6 }).map((b) => ({ payload: JSON.stringify(b), type: 'application/json' })),
  fc.jsonValue().map((v) => ({ payload: JSON.stringify(v), type: 'application/json' })),
  numericObject.map((payload) => ({ payload, type: 'application/json' })),
  fc.constantFrom('1e309', '[1e309]', '{"a":', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}', 'null', '"s"', '{}'.repeat(3)).map((payload) => ({ payload, type: 'application/json' })),
  fc.string({ maxLength: 60 }).map((s) => ({ payload: s, type: 'application/json' })),
  fc.string({ maxLength: 60 }).map((s) => ({ payload: s, type: 'text/plain' })),
  fc.constant({ payload: undefined, type: undefined }),
);
/** encodeURIComponent refuses a lone surrogate: such text goes as its raw bytes, which are not UTF-8. */
function encoded(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80';
  }
}
export const segment = fc.oneof(text.map(encoded), fc.constantFrom('%zz', '%', '..', 'a%2Fb', '%00', '%ED%A0%80', '%C0%AF', '1e309', '-1', '00000000-0000-0000-0000-000000000000'));
export const query = fc.oneof(plausibleQuery, fc.dictionary(fc.constantFrom(...QUERY), fc.oneof(text, fc.integer().map(String), fc.constantFrom(...NUMBER_LITERALS)), { maxKeys: 4 }));

export interface FuzzRequest {
  method: Method;
  /** Path and query as sent, never normalised (`..` and `%zz` reach the server as written). */
  url: string;
  body: Body;
}

/** A request on one of `routes` (`{param}` templates), path parameters from the generated segments or `real` ids. */
export function requestOf(routes: readonly [Method, string][], real: readonly string[]): fc.Arbitrary<FuzzRequest> {
  const realOrSegment = real.length > 0 ? fc.oneof(segment, fc.constantFrom(...real)) : segment;
  return fc.tuple(fc.constantFrom(...routes), fc.array(realOrSegment, { minLength: 3, maxLength: 3 }), query, body).map(([[method, template], segs, q, b]) => {
    let i = 0;
    const path = template.replace(/\{[^}]+\}/g, () => segs[i++] ?? 'x');
    const qs = new URLSearchParams(q).toString();
    return { method, url: qs ? `${path}?${qs}` : path, body: method === 'GET' ? { payload: undefined, type: undefined } : b };
  });
}
