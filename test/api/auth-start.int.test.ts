import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { actorOfToken, InsecureBindError, isLoopbackHost, startServer } from '../../src/api/index.ts';
import { openFreshet } from '../../src/runtime/index.ts';
import { type ApiHarness, JOB_NAME, openApi, TABLE_ID } from './support/api-harness.ts';

const TOKEN = 's3cret-token-value';

describe('bearer authentication', () => {
  let h: ApiHarness | undefined;
  afterEach(async () => h?.close());

  it('guards every route but the health checks and the docs, and records the token holder as the actor', async () => {
    h = await openApi({ token: TOKEN });
    const body = { materializedTableIdentifier: TABLE_ID, cronExpression: '0 0/5 * * * ? *' };
    const none = await h.app.inject({ method: 'POST', url: '/v3/workflow/embedded-scheduler/create', payload: body });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.json().errors[0]).toContain('Authorization: Bearer');
    const wrong = await h.app.inject({ method: 'POST', url: '/v3/workflow/embedded-scheduler/create', payload: body, headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    for (const url of ['/v1/workflows', '/metrics', '/v1/events', '/nothing-here']) {
      expect((await h.app.inject({ method: 'GET', url })).statusCode, url).toBe(401);
    }
    // The docs hold no data: public (issue 11, defect 6; test/api/docs-public.int.test.ts).
    expect((await h.app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);

    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await h.app.inject({ method: 'POST', url: '/v3/workflow/embedded-scheduler/create', payload: body, headers: auth })).statusCode).toBe(200);
    await h.app.inject({ method: 'POST', url: '/v3/workflow/embedded-scheduler/suspend', payload: { workflowName: JOB_NAME, workflowGroup: 'default_group', reason: 'body reason wins' }, headers: { ...auth, 'x-freshet-reason': 'header' } });
    const info = (await h.app.inject({ method: 'GET', url: '/v1/workflows', headers: auth })).json().items[0];
    expect(info).toMatchObject({ suspendedBy: actorOfToken(TOKEN), suspendReason: 'body reason wins' });
    expect(actorOfToken(TOKEN)).toMatch(/^token:[0-9a-f]{6}$/);
    expect(JSON.stringify((await h.app.inject({ method: 'GET', url: '/v1/events', headers: auth })).json())).not.toContain(TOKEN);
  });
});

describe('startServer', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });
  const runtime = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'freshet-start-'));
    dirs.push(dir);
    return openFreshet({ store: 'memory', dataDir: dir, timeZone: 'UTC' });
  };

  it('refuses a non-loopback address without a token, saying why', async () => {
    const rt = await runtime();
    try {
      await expect(startServer({ runtime: rt, host: '0.0.0.0', port: 0, logger: false })).rejects.toThrow(InsecureBindError);
      await expect(startServer({ runtime: rt, host: '0.0.0.0', port: 0, logger: false })).rejects.toThrow(/without a token.*FRESHET_TOKEN/s);
    } finally {
      await rt.close();
    }
  });

  it('listens on loopback, serves requests, and closes the runtime on close (idempotent)', async () => {
    const rt = await runtime();
    const server = await startServer({ runtime: rt, host: '127.0.0.1', port: 0, logger: false });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/healthz`);
    expect(await res.json()).toStrictEqual({ status: 'ok' });
    await Promise.all([server.close(), server.close()]);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    await expect(rt.store.headPosition()).rejects.toThrow();
  });

  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1']) expect(isLoopbackHost(host), host).toBe(false);
  });
});
