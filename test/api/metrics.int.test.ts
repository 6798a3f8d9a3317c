/**
 * Issue 11, "Metrics from prom-client": process and Node metrics, an HTTP latency histogram, per-table series
 * (staleness against freshness, last success time, consecutive failures, refresh duration by table), and catch-up
 * fires counted apart from the fire-lateness histogram.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../e2e/support/freshet-process.ts';
import { type ApiHarness, createWorkflow, openApi, T0 } from './support/api-harness.ts';

let api: ApiHarness;
const metrics = async () => (await api.app.inject({ method: 'GET', url: '/metrics' })).body;
/** The value of one series line, found by its exact name and labels. */
const value = (text: string, series: string): number => Number(text.split('\n').find((l) => l.startsWith(`${series} `))?.slice(series.length + 1));
const TABLE = '`freshet`.`default`.`hourly`';

beforeAll(async () => {
  api = await openApi({ withTables: true });
  const sql = (statement: string) => api.app.inject({ method: 'POST', url: '/v1/statements', payload: { statement } });
  await sql('CREATE TABLE src AS SELECT range AS id FROM range(5)');
  const created = await sql("CREATE MATERIALIZED TABLE hourly FRESHNESS = INTERVAL '1' HOUR AS SELECT count(*) AS n FROM src");
  expect(created.statusCode, created.body).toBe(200);
  const refresh = await api.app.inject({ method: 'POST', url: '/v1/materialized-tables/hourly/refresh', payload: {} });
  await api.tables!.waitForOperation((refresh.json() as { operationHandle: string }).operationHandle);
});
afterAll(async () => api.close());

describe('/metrics (prom-client)', () => {
  it('process and Node metrics, and an HTTP latency histogram by route', async () => {
    const text = await metrics();
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    expect(text).toContain('# TYPE freshet_http_request_duration_seconds histogram');
    expect(text).toMatch(/freshet_http_request_duration_seconds_count\{method="POST",route="\/v1\/statements",status="200"\} 2/);
  });

  it('per-table series: freshness, staleness from the clock, last success, consecutive failures, refresh duration', async () => {
    api.clock.advance(90_000);
    const text = await metrics();
    expect(text).toContain(`freshet_table_freshness_seconds{table="${TABLE}"} 3600`);
    const lastSuccess = value(text, `freshet_table_last_success_timestamp_seconds{table="${TABLE}"}`);
    expect(lastSuccess).toBeGreaterThanOrEqual(T0 / 1000);
    expect(value(text, `freshet_table_staleness_seconds{table="${TABLE}"}`)).toBeCloseTo((T0 + 90_000) / 1000 - lastSuccess, 3);
    expect(value(text, `freshet_table_consecutive_failures{table="${TABLE}"}`)).toBe(0);
    // The data is as old as the time since its refresh began; inside twice the hourly freshness, so not behind.
    expect(value(text, `freshet_table_data_age_seconds{table="${TABLE}"}`)).toBeGreaterThanOrEqual(90);
    expect(value(text, `freshet_table_behind_freshness{table="${TABLE}"}`)).toBe(0);
    api.clock.advance(2 * 3_600_000);
    expect(value(await metrics(), `freshet_table_behind_freshness{table="${TABLE}"}`)).toBe(1);
    api.clock.advance(-2 * 3_600_000);
    expect(value(text, `freshet_refresh_duration_seconds_count{table="${TABLE}",result="ok"}`)).toBe(1);
  });

  it('catch-up fires are counted apart and stay out of the lateness histogram', async () => {
    const id = await createWorkflow(api.app, '`c`.`d`.`minutely`', '0 * * * * ?');
    await api.app.inject({ method: 'POST', url: `/v1/workflows/${id}/suspend`, payload: {} });
    api.clock.advance(5 * 60_000);
    // fire-all: the resume replays the minutes missed while suspended, each minutes late.
    await api.app.inject({ method: 'POST', url: `/v1/workflows/${id}/resume`, payload: {} });
    await until('the replayed fires', async () => (/^freshet_catch_up_fires_total [1-9]/m.test(await metrics()) ? true : undefined), 10_000, 20);
    const text = await metrics();
    expect(Number(/^freshet_catch_up_fires_total (\d+)/m.exec(text)?.[1])).toBeGreaterThanOrEqual(4);
    // The histogram holds the on-time scheduled fires only (the last missed minute, within the misfire threshold).
    const scheduled = value(text, 'freshet_fires_total{kind="scheduled",result="error"}') + (value(text, 'freshet_fires_total{kind="scheduled",result="ok"}') || 0);
    expect(value(text, 'freshet_fire_lateness_seconds_count')).toBe(scheduled);
    expect(value(text, 'freshet_fire_lateness_seconds_sum')).toBeLessThanOrEqual(60 * scheduled);
    expect(value(text, 'freshet_fires_total{kind="catch-up",result="error"}')).toBe(value(text, 'freshet_catch_up_fires_total'));
  });
});
