/**
 * Defect 6 of issue 11: with FRESHET_TOKEN set, /docs answered 401, so the page the banner advertises could not be
 * opened. The docs page and the OpenAPI document answer without a token (they hold no data), the document asks for
 * the bearer token ("Authorize"), every operation has a unique operationId, and `GET /` leads to the docs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, openApi } from './support/api-harness.ts';

const TOKEN = 'x'.repeat(40);
let api: ApiHarness;
beforeAll(async () => {
  api = await openApi({ token: TOKEN });
});
afterAll(async () => api.close());

type OpenApiDoc = { security?: unknown[]; paths: Record<string, Record<string, { operationId?: string }>> };

describe('the API docs with a token set', () => {
  it('/docs and /docs/json answer without a token; data routes still need it', async () => {
    const page = await api.app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger-ui');
    expect((await api.app.inject({ method: 'GET', url: '/docs/static/swagger-ui.css' })).statusCode).toBe(200);
    const doc = await api.app.inject({ method: 'GET', url: '/docs/json' });
    expect(doc.statusCode).toBe(200);
    expect((doc.json() as OpenApiDoc).security).toEqual([{ bearer: [] }]);
    expect((await api.app.inject({ method: 'GET', url: '/v1/workflows' })).statusCode).toBe(401);
  });

  it('every operation has an operationId, all distinct', async () => {
    const doc = (await api.app.inject({ method: 'GET', url: '/docs/json' })).json() as OpenApiDoc;
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, id: op.operationId })));
    expect(ops.length).toBeGreaterThan(20);
    expect(ops.filter((o) => !o.id)).toEqual([]);
    expect(new Set(ops.map((o) => o.id)).size).toBe(ops.length);
    expect(ops.find((o) => o.path === '/v1/workflows/{id}/history')?.id).toBe('getV1WorkflowsByIdHistory');
  });

  it('GET / is the console page (which links to the docs), without a token', async () => {
    const root = await api.app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(200);
    expect(root.headers['content-type']).toMatch(/^text\/html/);
    expect(root.body).toContain('href="/docs"');
  });
});
