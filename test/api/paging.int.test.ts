/**
 * Defect 5 of issue 11: the ledger was oldest first and silently cut at 1,000; history had no paging. Newest first
 * by default, cursor paging both ways, filters (type, outcome, time range), and an explicit sign when more exists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createWorkflow, openApi, T0 } from './support/api-harness.ts';

const MINUTE = 60_000;
const iso = (t: number) => new Date(t).toISOString();
type Page = { order: string; limit: number; more: boolean; older: string | null; newer: string | null };

let api: ApiHarness;
let id: string;
beforeAll(async () => {
  api = await openApi();
  id = await createWorkflow(api.app, '`c`.`d`.`every_minute`', '0 * * * * ?');
  // Under the manual clock nothing fires: 1,500 minutes go by, then a delete settles each of them as skipped.
  api.clock.advance(1500 * MINUTE);
  await api.app.inject({ method: 'DELETE', url: `/v1/workflows/${id}`, payload: { reason: 'done' } });
});
afterAll(async () => api.close());

const get = async <T>(url: string): Promise<T> => {
  const r = await api.app.inject({ method: 'GET', url });
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as T;
};
type Ledger = { occurrences: { nominalTime: string; outcome: string }[]; page: Page };

describe('ledger paging', () => {
  it('newest first by default, more than 1,000 in range is not cut silently: the page says more exists', async () => {
    const range = `from=${iso(T0)}&to=${iso(T0 + 1500 * MINUTE)}`;
    const first = await get<Ledger>(`/v1/workflows/${id}/occurrences?${range}`);
    expect(first.occurrences).toHaveLength(1000);
    expect(first.occurrences[0]!.nominalTime).toBe(iso(T0 + 1500 * MINUTE));
    expect(first.page).toEqual({ order: 'newest', limit: 1000, more: true, older: iso(T0 + 501 * MINUTE), newer: null });

    const older = await get<Ledger>(`/v1/workflows/${id}/occurrences?${range}&before=${first.page.older}`);
    expect(older.occurrences.map((o) => o.nominalTime)).toEqual(Array.from({ length: 500 }, (_, i) => iso(T0 + (500 - i) * MINUTE)));
    expect(older.page).toMatchObject({ more: false, older: null, newer: iso(T0 + 500 * MINUTE) });

    // And back: the page newer than the oldest page is the 1,000 right after it.
    const back = await get<Ledger>(`/v1/workflows/${id}/occurrences?${range}&after=${older.page.newer}&limit=3`);
    expect(back.occurrences.map((o) => o.nominalTime)).toEqual([iso(T0 + 503 * MINUTE), iso(T0 + 502 * MINUTE), iso(T0 + 501 * MINUTE)]);
    expect(back.page).toMatchObject({ more: true, older: iso(T0 + 501 * MINUTE), newer: iso(T0 + 503 * MINUTE) });
  });

  it('oldest first on request; filtered by outcome and time range; bad values are 400s naming the choices', async () => {
    const page = await get<Ledger>(`/v1/workflows/${id}/occurrences?from=${iso(T0)}&to=${iso(T0 + 10 * MINUTE)}&order=oldest&limit=2&outcome=skipped`);
    expect(page.occurrences.map((o) => o.nominalTime)).toEqual([iso(T0 + MINUTE), iso(T0 + 2 * MINUTE)]);
    expect(page.page).toMatchObject({ order: 'oldest', more: true, older: null, newer: iso(T0 + 2 * MINUTE) });
    expect((await get<Ledger>(`/v1/workflows/${id}/occurrences?from=${iso(T0)}&to=${iso(T0 + 10 * MINUTE)}&outcome=fired`)).occurrences).toEqual([]);
    const bad = await api.app.inject({ method: 'GET', url: `/v1/workflows/${id}/occurrences?order=sideways` });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/newest.*oldest/);
  });
});

describe('history paging', () => {
  type History = { events: { version: number; type: string }[]; page: Page };
  it('newest first, paged by version both ways, filtered by type', async () => {
    const all = await get<History>(`/v1/workflows/${id}/history`);
    const versions = all.events.map((e) => e.version);
    expect(versions).toEqual([...versions].sort((a, b) => b - a));
    expect(all.events.map((e) => e.type).slice(0, 2).sort()).toEqual(['OccurrencesSkipped', 'WorkflowDeleted']); // the delete settles the backlog
    expect(all.page.more).toBe(false);

    const top = await get<History>(`/v1/workflows/${id}/history?limit=1`);
    expect(top.events.map((e) => e.version)).toEqual([versions[0]]);
    expect(top.page).toMatchObject({ more: true, older: String(versions[0]), newer: null });
    const next = await get<History>(`/v1/workflows/${id}/history?limit=1&before=${top.page.older}`);
    expect(next.events.map((e) => e.version)).toEqual([versions[1]]);
    const created = await get<History>(`/v1/workflows/${id}/history?type=WorkflowCreated`);
    expect(created.events.map((e) => e.type)).toEqual(['WorkflowCreated']);
  });
});
