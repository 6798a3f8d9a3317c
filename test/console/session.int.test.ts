import { afterEach, describe, expect, it } from 'vitest';
import { type ApiHarness, openApi } from '../api/support/api-harness.ts';

const TOKEN = 'f3c9a1e07b5d42c68e1f9a3b7c5d2e40';

describe('console sessions: the token exchanged for an HttpOnly, SameSite=Strict cookie', () => {
  let h: ApiHarness;
  afterEach(async () => h.close());

  const signIn = async (token = TOKEN) => h.app.inject({ method: 'POST', url: '/v1/session', headers: { 'x-freshet-csrf': '1' }, payload: { token } });
  const cookieOf = (setCookie: string | string[] | undefined) => String(setCookie).split(';')[0] ?? '';

  it('signs in, reads and commands with the cookie, refuses cross-site commands, signs out', async () => {
    h = await openApi({ token: TOKEN });
    expect((await h.app.inject({ method: 'GET', url: '/v1/workflows' })).statusCode).toBe(401);

    expect((await h.app.inject({ method: 'GET', url: '/v1/session' })).json()).toStrictEqual({ required: true, signedIn: false, actor: null });
    const wrong = await signIn('not-the-token');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().errors[0]).toBe("That token does not match the server's FRESHET_TOKEN.");
    expect((await h.app.inject({ method: 'POST', url: '/v1/session', payload: { token: TOKEN } })).statusCode).toBe(403); // no CSRF header

    const ok = await signIn();
    expect(ok.statusCode).toBe(200);
    expect(String(ok.headers['set-cookie'])).toMatch(/^freshet_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    const cookie = cookieOf(ok.headers['set-cookie']);
    expect((await h.app.inject({ method: 'GET', url: '/v1/session', headers: { cookie } })).json()).toMatchObject({ signedIn: true, actor: expect.stringMatching(/^token:/) });
    expect((await h.app.inject({ method: 'GET', url: '/v1/workflows', headers: { cookie } })).statusCode).toBe(200);

    const created = await h.app.inject({ method: 'POST', url: '/v3/workflow/embedded-scheduler/create', headers: { authorization: `Bearer ${TOKEN}` }, payload: { materializedTableIdentifier: '`c`.`d`.`t`', cronExpression: '0 0/5 * * * ? *' } });
    expect(created.statusCode).toBe(200);
    const wid = (await h.app.inject({ method: 'GET', url: '/v1/workflows', headers: { cookie } })).json().items[0].workflowId as string;
    const suspend = (headers: Record<string, string>) => h.app.inject({ method: 'POST', url: `/v1/workflows/${wid}/suspend`, headers: { cookie, ...headers }, payload: { reason: 'r' } });
    const forged = await suspend({});
    expect(forged.statusCode).toBe(403);
    expect(forged.json().errors[0]).toContain('x-freshet-csrf: 1');
    expect((await suspend({ 'x-freshet-csrf': '1', origin: 'http://attacker.example' })).statusCode).toBe(403);
    const done = await suspend({ 'x-freshet-csrf': '1', origin: 'http://localhost:80' });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ status: 'SUSPENDED', suspendedBy: expect.stringMatching(/^token:/), suspendReason: 'r' });

    const out = await h.app.inject({ method: 'DELETE', url: '/v1/session', headers: { cookie, 'x-freshet-csrf': '1' } });
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect((await h.app.inject({ method: 'GET', url: '/v1/workflows', headers: { cookie } })).statusCode).toBe(401);
  });

  it('without a token there is nothing to sign in to', async () => {
    h = await openApi();
    expect((await h.app.inject({ method: 'GET', url: '/v1/session' })).json()).toStrictEqual({ required: false, signedIn: true, actor: 'anonymous' });
    const page = await h.app.inject({ method: 'GET', url: '/', headers: { 'accept-encoding': 'gzip' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-encoding']).toBe('gzip');
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    expect((await h.app.inject({ method: 'GET', url: '/console/nope.mjs' })).statusCode).toBe(404);
  });
});
