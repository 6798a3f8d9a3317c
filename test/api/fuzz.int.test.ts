import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createWorkflow, openApi } from './support/api-harness.ts';
import { loadSpec, SPEC_DIR } from './support/flink-spec.ts';
import { type Method, requestOf } from './support/fuzz-input.ts';

// Every route but the SSE stream (a valid random query would open an endless stream; its bad input is tested in sse).
const ROUTES: [Method, string][] = [
  ['GET', '/healthz'],
  ['GET', '/readyz'],
  ['GET', '/metrics'],
  ['POST', '/v3/workflow/embedded-scheduler/create'],
  ['POST', '/v3/workflow/embedded-scheduler/suspend'],
  ['POST', '/v3/workflow/embedded-scheduler/resume'],
  ['DELETE', '/v3/workflow/embedded-scheduler/delete'],
  ['POST', '/v1/statements'],
  ['GET', '/v1/materialized-tables'],
  ['GET', '/v1/materialized-tables/{identifier}'],
  ['POST', '/v1/materialized-tables/{identifier}/suspend'],
  ['POST', '/v1/materialized-tables/{identifier}/resume'],
  ['POST', '/v1/materialized-tables/{identifier}/refresh'],
  ['GET', '/v1/materialized-tables/{identifier}/operations'],
  ['DELETE', '/v1/materialized-tables/{identifier}'],
  ['GET', '/v1/operations/{handle}'],
  ['POST', '/v1/operations/{handle}/cancel'],
  ['GET', '/v1/workflows'],
  ['GET', '/v1/workflows/{id}'],
  ['GET', '/v1/workflows/{id}/history'],
  ['GET', '/v1/workflows/{id}/occurrences'],
  ['GET', '/v1/workflows/{id}/explain'],
  ['POST', '/v1/materialized-tables/{identifier}/backfills'],
  ['GET', '/v1/backfills'],
  ['GET', '/v1/backfills/{id}'],
  ['POST', '/v1/backfills/{id}/cancel'],
  ['GET', '/v1/console/overview'],
  ['PATCH', '/v1/workflows/{id}'],
  ['POST', '/v1/workflows/{id}/suspend'],
  ['POST', '/v1/workflows/{id}/resume'],
  ['POST', '/v1/workflows/{id}/trigger'],
  ['DELETE', '/v1/workflows/{id}'],
  ['GET', '/v1/cron/preview'],
  ['GET', '/v1/events'],
  // Flink's SQL Gateway API, every endpoint of each version's spec, and the unversioned paths (the default, V4).
  // Flink's SQL Gateway routes, from its specs when they are beside the project (see SPEC_DIR).
  ...(SPEC_DIR === null ? [] : [1, 2, 3, 4].flatMap((v) => loadSpec(v).map((e): [Method, string] => [e.method as Method, `/v${v}${e.route.replace(/:(\w+)/g, '{$1}')}`]))),
  ...(SPEC_DIR === null ? [] : loadSpec(4).map((e): [Method, string] => [e.method as Method, e.route.replace(/:(\w+)/g, '{$1}')])),
];

describe('random and malformed input on every route', () => {
  let h: ApiHarness;
  let realId: string;
  beforeAll(async () => {
    h = await openApi({ withTables: true });
    realId = await createWorkflow(h.app);
    await h.app.inject({ method: 'POST', url: '/v1/statements', payload: { statement: "CREATE TABLE src AS SELECT 'a' AS ds, 1 AS v" } });
  });
  afterAll(async () => h.close());

  it.skipIf(SPEC_DIR === null)('the route list covers the OpenAPI document', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const listed = new Set([...ROUTES.map(([m, p]) => `${m} ${p}`), 'GET /v1/events/stream']);
    expect(documented.filter((r) => !listed.has(r))).toStrictEqual([]);
  });

  it('never answers 5xx; every error is {"errors": [strings]}', async () => {
    await fc.assert(
      fc.asyncProperty(requestOf(ROUTES, [realId]), async ({ method, url, body: b }) => {
        const res = await h.app.inject({
          method,
          url,
          ...(b.payload !== undefined ? { payload: b.payload, headers: { 'content-type': b.type ?? 'application/json' } } : {}),
        });
        expect(res.statusCode, `${method} ${url} ${b.payload} → ${res.body}`).toBeLessThan(500);
        if (res.statusCode >= 400) {
          const parsed = res.json() as { errors?: unknown };
          expect(Object.keys(parsed)).toStrictEqual(['errors']);
          expect(Array.isArray(parsed.errors) && parsed.errors.length > 0 && parsed.errors.every((e) => typeof e === 'string' && e.length > 0)).toBe(true);
        }
      }),
      { numRuns: 600 },
    );
  }, 120_000);
});
