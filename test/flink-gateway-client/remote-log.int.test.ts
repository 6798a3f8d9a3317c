import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RefreshRequest, RefreshTrigger } from '../../src/engine/index.ts';
import { createMemoryEventStore } from '../../src/events/index.ts';
import { GatewayAllowList, RemoteExecutor, remoteRefreshStreamName } from '../../src/flink-gateway-client/index.ts';
import { type FlinkDouble, startFlinkDouble } from './support/flink-double.ts';

// The executor's record of a remote fire in the scheduler's own log, against a protocol double of a Flink gateway
// (no JobManager configured, so nothing follows the job): what the ledger and a restarted engine read back.

const T = Date.UTC(2026, 2, 3, 6, 0, 0);
const clock = { now: () => T + 5 };
const local: RefreshTrigger = { fire: () => Promise.reject(new Error('not local')), recall: async () => null, outcomes: async () => new Map() };

describe('the remote refresh log', () => {
  let flink: FlinkDouble;
  beforeAll(async () => (flink = await startFlinkDouble()));
  afterAll(async () => flink?.close());

  const request = (workflowId: string): RefreshRequest => ({
    workflowId, workflowName: 'w', workflowGroup: 'g', tableIdentifier: '`cat`.`db`.`t`', scheduleTime: T, scheduleTimeText: '2026-03-03 06:00:00',
    timeZone: 'UTC', dynamicOptions: {}, executionConfig: {}, initConfig: {}, restEndpointUrl: flink.url, manual: false,
  });

  it("answers outcomes and recall from the log alone, after the executor that fired is gone; an unfollowed job stays 'fired'", async () => {
    const store = createMemoryEventStore();
    const gateways = new GatewayAllowList({ allowed: [flink.url] });
    const first = new RemoteExecutor({ store, clock, gateways });
    const fired = await first.trigger(local).fire(request('wf-1'));
    await first.whenFollowed();
    await first.stop();
    const handle = String(fired?.operationHandle);

    const again = new RemoteExecutor({ store, clock, gateways }).trigger(local); // a restart: nothing in memory
    expect(await again.recall!('wf-1', T)).toStrictEqual({ operationHandle: handle, disposition: 'started', firedAt: T + 5 });
    expect(await again.recall!('wf-1', T + 1)).toBeNull();
    const outcome = (await again.outcomes!([handle, 'not-remote'])).get(handle);
    expect(outcome).toMatchObject({ state: 'fired', error: null, endedAt: null, attempts: 1, remote: { gateway: flink.url, clusterInfo: { 'execution.target': 'remote' }, jobState: null, followedVia: null } });
    expect(outcome?.remote?.jobId).toMatch(/^[0-9a-f]{32}$/);
    expect((await again.outcomes!(['not-remote'])).size).toBe(0);
    const events = await store.readStream(remoteRefreshStreamName(handle));
    expect(events.map((e) => ({ type: e.type, schemaVersion: e.schemaVersion, actor: e.metadata.actor, correlationId: e.metadata.correlationId }))).toStrictEqual([
      { type: 'RemoteRefreshSubmitted', schemaVersion: 1, actor: 'freshet-engine', correlationId: `wf-1@${T}` },
    ]);
    expect(JSON.parse(JSON.stringify(events[0]!.data))).toStrictEqual(events[0]!.data); // round-trips through JSON
  });

  it('names a stream by a digest when the gateway answers a handle that is no safe stream name', () => {
    expect(remoteRefreshStreamName('3f2a-b')).toBe('remote-refresh-3f2a-b');
    expect(remoteRefreshStreamName('../x y')).toMatch(/^remote-refresh-sha256-[0-9a-f]{64}$/);
  });
});
