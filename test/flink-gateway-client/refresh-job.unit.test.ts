import { describe, expect, it } from 'vitest';
import { type GatewayClient, GatewayError, GatewayAllowList, refreshSessionName, runRemoteRefresh } from '../../src/flink-gateway-client/index.ts';

// The job's sequence against a scripted gateway: what it sends, in which order, and what it does on each answer.

const REFRESH = { tableIdentifier: '`c`.`d`.`t`', scheduleTimeText: '2026-03-03 00:00:00', initConfig: { a: 'b' }, dynamicOptions: {}, executionConfig: {} };

function scripted(pages: (() => object)[], opening: (() => string)[] = [() => 'S']) {
  const calls: string[] = [];
  const client = {
    baseUrl: 'http://gw',
    openSession: async (name: string, props: object) => {
      calls.push(`open ${name} ${JSON.stringify(props)}`);
      return (opening.shift() ?? (() => 'S'))();
    },
    refresh: async (s: string, id: string, body: object) => (calls.push(`refresh ${s} ${id} ${JSON.stringify(body)}`), 'OP'),
    resultUri: (s: string, o: string, t: number) => `/r/${s}/${o}/${t}`,
    fetch: async (uri: string) => (calls.push(`fetch ${uri}`), (pages.shift() ?? (() => ({ resultType: 'EOS' })))()),
    closeOperation: async (s: string, o: string) => void calls.push(`close-op ${s} ${o}`),
    closeSession: async (s: string) => void calls.push(`close-session ${s}`),
  };
  return { client: client as unknown as GatewayClient, calls };
}

describe("Flink's embedded scheduler job, over REST", () => {
  it('names the session, refreshes at the schedule time, fetches past NOT_READY to the job id, closes both', async () => {
    const sleeps: number[] = [];
    const { client, calls } = scripted([() => ({ resultType: 'NOT_READY', nextResultUri: '/r/S/OP/0' }), () => ({ resultType: 'PAYLOAD', results: { data: [{ fields: ['job-1', { 'execution.target': 'remote' }] }] }, nextResultUri: '/r/S/OP/1' })]);
    const result = await runRemoteRefresh(client, REFRESH, { sleep: async (ms) => void sleeps.push(ms) });
    expect(result).toStrictEqual({ operationHandle: 'OP', jobId: 'job-1', clusterInfo: { 'execution.target': 'remote' } });
    expect(refreshSessionName(REFRESH)).toBe('`c`.`d`.`t`-quartz-refresh-session-2026-03-03 00:00:00');
    expect(calls).toStrictEqual([
      'open `c`.`d`.`t`-quartz-refresh-session-2026-03-03 00:00:00 {"a":"b"}',
      'refresh S `c`.`d`.`t` {"scheduleTime":"2026-03-03 00:00:00","dynamicOptions":{},"executionConfig":{}}',
      'fetch /r/S/OP/0',
      'fetch /r/S/OP/0',
      'close-op S OP',
      'close-session S',
    ]);
    expect(sleeps).toStrictEqual([10]);
  });

  it('retries an outage with backoff, not a refusal; closes the session whatever happened', async () => {
    const sleeps: number[] = [];
    const down = () => {
      throw new GatewayError('down', 0);
    };
    const { client, calls } = scripted([() => ({ resultType: 'PAYLOAD', results: { data: [{ fields: ['job-2', {}] }] } })], [down, down, () => 'S2']);
    expect((await runRemoteRefresh(client, REFRESH, { attempts: 3, baseDelayMs: 100, sleep: async (ms) => void sleeps.push(ms) })).jobId).toBe('job-2');
    expect(sleeps).toStrictEqual([100, 200]);
    expect(calls.filter((c) => c.startsWith('close'))).toStrictEqual(['close-op S2 OP', 'close-session S2']);

    const refused = scripted([() => {
      throw new GatewayError('Table not found', 404);
    }]);
    await expect(runRemoteRefresh(refused.client, REFRESH, { attempts: 3, sleep: async () => undefined })).rejects.toThrow('Table not found');
    expect(refused.calls.filter((c) => c.startsWith('open'))).toHaveLength(1);
    expect(refused.calls.slice(-2)).toStrictEqual(['close-op S OP', 'close-session S']);
  });

  it('allows freshet itself, the upstream and allowed gateways, by origin', () => {
    const list = new GatewayAllowList({ upstream: 'http://flink:8083/', allowed: ['https://other.example:9443'] });
    list.addOwn('http://127.0.0.1:8083');
    for (const ok of ['', 'http://127.0.0.1:8083/', 'http://FLINK:8083', 'https://other.example:9443/x']) expect(() => list.check(ok)).not.toThrow();
    expect(list.isOwn('http://localhost:8083', 'http://localhost:8083')).toBe(true);
    for (const bad of ['http://flink:8084', 'http://169.254.169.254', 'file:///etc/passwd', 'not a url']) expect(() => list.check(bad)).toThrow(/is not an allowed gateway/);
    expect(() => new GatewayAllowList({ allowed: ['ftp://x'] })).toThrow(/not an http\(s\) URL/);
  });
});
