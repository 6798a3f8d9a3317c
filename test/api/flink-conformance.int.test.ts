import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, openApi } from './support/api-harness.ts';
import { endpointOf, errorsOf, loadSpec, SPEC_DIR, type SpecEndpoint } from './support/flink-spec.ts';

// Every endpoint of Flink's SQL Gateway spec, per version, called with a request the spec's schema accepts and
// answered with a body the spec's schema accepts: the validators are compiled from the YAML files themselves.

const SLOW = 'SELECT sum(i * i) FROM range(10000000000) t(i)';

// Flink's specs are reference files beside the project: without them (SPEC_DIR null) these suites report skipped.
describe.skipIf(SPEC_DIR === null).each([
  { version: 1, prefix: '/v1' },
  { version: 2, prefix: '/v2' },
  { version: 3, prefix: '/v3' },
  { version: 4, prefix: '/v4' },
  { version: 4, prefix: '' }, // unversioned paths are the default version's
])('SQL Gateway REST API v$version at "$prefix" against rest_v$version_sql_gateway.yml', ({ version, prefix }) => {
  let h: ApiHarness;
  let spec: SpecEndpoint[];
  const covered = new Set<string>();
  beforeAll(async () => {
    h = await openApi({ withTables: true });
    spec = loadSpec(version);
  });
  afterAll(async () => h.close());

  /** One exchange, checked against the spec: the request body by its requestBody schema, a 200 by its response. */
  async function call(method: string, path: string, body?: object) {
    const [bare = '', query] = path.split('?');
    const endpoint = endpointOf(spec, method, bare);
    expect(endpoint, `${method} ${bare} is in the v${version} spec`).toBeDefined();
    if (!endpoint) throw new Error('unreachable');
    covered.add(`${endpoint.method} ${endpoint.path}`);
    if (body && endpoint.request) expect(endpoint.request(body), `request of ${method} ${bare}: ${errorsOf(endpoint.request)}`).toBe(true);
    for (const q of endpoint.query.filter((p) => p.required)) expect(query ?? '', `${method} ${bare} sends ${q.name}`).toContain(`${q.name}=`);
    const res = await h.app.inject({ method: method as 'GET', url: `${prefix}${path}`, ...(body ? { payload: body } : {}) });
    expect(res.statusCode, `${method} ${prefix}${path}: ${res.body}`).toBe(200);
    const json = res.json() as Record<string, unknown>;
    if (endpoint.response) expect(endpoint.response(json), `response of ${method} ${bare}: ${errorsOf(endpoint.response)} in ${res.body}`).toBe(true);
    else expect(json).toStrictEqual({}); // the spec declares no body: Flink answers {}
    return json;
  }

  const rowFormat = version === 1 ? '' : '?rowFormat=JSON';
  const untilSettled = async (sh: string, op: string) => {
    for (;;) {
      const { status } = (await call('GET', `/sessions/${sh}/operations/${op}/status`)) as { status: string };
      if (status !== 'RUNNING') return status;
      await new Promise<void>((r) => setImmediate(r));
    }
  };

  it('serves every endpoint of the spec with its shapes, and nothing the spec lacks', async () => {
    expect((await call('GET', '/api_versions')).versions).toStrictEqual(['V1', 'V2', 'V3', 'V4']);
    expect(await call('GET', '/info')).toMatchObject({ productName: 'freshet' });
    const sh = (await call('POST', '/sessions', { sessionName: 'conformance', properties: { 'table.local-time-zone': 'UTC', 'my.password': 'hunter2' } })).sessionHandle as string;
    expect((await call('GET', `/sessions/${sh}`)).properties).toMatchObject({ 'table.local-time-zone': 'UTC', 'my.password': '******' });
    await call('POST', `/sessions/${sh}/heartbeat`, {});

    const run = async (statement: string) => {
      const op = (await call('POST', `/sessions/${sh}/statements`, { statement, executionTimeout: 0, executionConfig: { 'table.exec.resource.default-parallelism': '1' } })).operationHandle as string;
      expect(await untilSettled(sh, op)).toBe('FINISHED');
      return op;
    };
    await run("CREATE TABLE src AS SELECT * FROM (VALUES ('2026-03-01', 1), ('2026-03-02', 5)) t(ds, v)");
    const query = await run('SELECT ds, v FROM src ORDER BY ds');
    const page = await call('GET', `/sessions/${sh}/operations/${query}/result/0${rowFormat}`);
    expect(page).toMatchObject({ resultType: 'PAYLOAD', isQueryResult: true, resultKind: 'SUCCESS_WITH_CONTENT' });
    const next = String(page.nextResultUri);
    expect(next.startsWith(`/v${version}/`)).toBe(true);
    expect(await call('GET', next.replace(`/v${version}`, ''))).toMatchObject({ resultType: 'EOS' });
    expect(await call('DELETE', `/sessions/${sh}/operations/${query}/close`)).toStrictEqual({ status: 'CLOSED' });

    const slow = (await call('POST', `/sessions/${sh}/statements`, { statement: SLOW })).operationHandle as string;
    expect(await call('POST', `/sessions/${sh}/operations/${slow}/cancel`, {})).toStrictEqual({ status: 'CANCELED' });
    expect(await untilSettled(sh, slow)).toBe('CANCELED');

    if (version >= 2) {
      await call('POST', `/sessions/${sh}/configure-session`, { statement: "SET 'pipeline.name' = 'conformance'", executionTimeout: 0 });
      expect((await call('GET', `/sessions/${sh}`)).properties).toMatchObject({ 'pipeline.name': 'conformance' });
      expect((await call('GET', `/sessions/${sh}/complete-statement`, { statement: 'SEL', position: 3 })).candidates).toContain('SELECT');
    }
    if (version === 3) {
      await run("CREATE MATERIALIZED TABLE daily PARTITIONED BY (ds) WITH ('partition.fields.ds.date-formatter' = 'yyyy-MM-dd') FRESHNESS = INTERVAL '1' DAY AS SELECT ds, sum(v) AS total FROM src GROUP BY ds");
      const refresh = (await call('POST', `/sessions/${sh}/materialized-tables/daily/refresh`, { isPeriodic: true, scheduleTime: '2026-03-03 00:00:00', dynamicOptions: {}, staticPartitions: {}, executionConfig: {} })).operationHandle as string;
      const job = await call('GET', `/sessions/${sh}/operations/${refresh}/result/0${rowFormat}`);
      expect(job.jobID).toBe(refresh.replaceAll('-', ''));
    }
    if (version === 4) {
      expect(await call('POST', `/sessions/${sh}/scripts`, { script: 'CREATE TABLE s4 (x INTEGER); INSERT INTO s4 VALUES (1), (2);', executionConfig: {} })).toStrictEqual({ clusterID: 'freshet-embedded' });
      expect((await h.tables?.executeStatement('SELECT count(*) AS n FROM s4'))).toMatchObject({ rows: [[2]] });
    }
    expect(await call('DELETE', `/sessions/${sh}`)).toStrictEqual({ status: 'CLOSED' });
    expect([...covered].sort()).toStrictEqual(spec.map((e) => `${e.method} ${e.path}`).sort());
  });

  it('serves no gateway endpoint that this version of the spec lacks', async () => {
    const all = [loadSpec(1), loadSpec(2), loadSpec(3), loadSpec(4)].flat();
    for (const e of all) {
      const here = spec.some((s) => s.method === e.method && s.path === e.path);
      expect(h.app.hasRoute({ method: e.method as 'GET', url: `${prefix}${e.route}` }), `${e.method} ${prefix}${e.route}`).toBe(here);
    }
  });
});

describe.skipIf(SPEC_DIR === null)('the spec validators', () => {
  it('reject what the spec forbids, so the conformance checks can fail', () => {
    const spec = loadSpec(3);
    const fetch = endpointOf(spec, 'GET', '/sessions/a/operations/b/result/0');
    expect(fetch?.response?.({ resultType: 'PAYLOAD', jobID: '0123456789abcdef0123456789abcdef', resultKind: 'SUCCESS' })).toBe(true);
    expect(fetch?.response?.({ resultType: 'DONE' })).toBe(false);
    expect(fetch?.response?.({ resultType: 'PAYLOAD', jobID: 'not-a-job-id' })).toBe(false);
    expect(fetch?.response?.({ resultType: 'PAYLOAD', resultKind: 'OK' })).toBe(false);
    expect(endpointOf(spec, 'POST', '/sessions')?.request?.({ sessionName: 7 })).toBe(false);
    expect(endpointOf(spec, 'POST', '/sessions/a/statements')?.request?.({ statement: 'SELECT 1', executionConfig: { a: 1 } })).toBe(false);
    expect(endpointOf(spec, 'GET', '/api_versions')?.response?.({ versions: [1] })).toBe(false);
  });
});
