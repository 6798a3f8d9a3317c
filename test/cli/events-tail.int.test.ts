/**
 * Defects 2 and 3 of issue 11: `events tail` gave up when the server restarted (exit 3) though it is meant to resume
 * after the last id; `--json | head -1` died with an EPIPE stack trace; a fire printed five lines of raw JSON.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/index.ts';
import { createClient } from '../../src/cli/client.ts';
import { backoffMs, tailEvents } from '../../src/cli/tail.ts';
import { type FreshetRuntime, openFreshet } from '../../src/runtime/index.ts';
import { createWorkflow, ManualClock } from '../api/support/api-harness.ts';
import { until } from '../e2e/support/freshet-process.ts';
import { listeningApi, shell } from './support/cli.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'freshet-tail-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** freshet over the SQLite file in `dir`, listening on `port` (0 = any); a manual clock, so nothing fires by itself. */
async function serve(port: number): Promise<{ app: FastifyInstance; runtime: FreshetRuntime; port: number }> {
  const runtime = await openFreshet({ store: 'sqlite', dataDir: dir, timeZone: 'UTC', clock: new ManualClock() });
  const app = buildServer({ ...runtime, timeZone: runtime.config.timeZone });
  await app.listen({ host: '127.0.0.1', port });
  const address = app.server.address();
  return { app, runtime, port: typeof address === 'object' && address ? address.port : port };
}
const stop = async (s: { app: FastifyInstance; runtime: FreshetRuntime }) => {
  await s.app.close();
  await s.runtime.close();
};

describe('freshet events tail', () => {
  it('reconnects with backoff across a restart and resumes after the last id: no gap, no duplicate', async () => {
    let first = await serve(0);
    await createWorkflow(first.app);
    const lines: string[] = [];
    const warnings: string[] = [];
    const delays: number[] = [];
    let restarted!: () => void;
    const up = new Promise<void>((resolve) => (restarted = resolve));
    const controller = new AbortController();
    const tail = tailEvents(
      { types: [], json: true, time: (iso) => iso },
      {
        client: createClient(`http://127.0.0.1:${first.port}`, undefined),
        write: (l) => lines.push(l),
        warn: (l) => warnings.push(l),
        // Awaits the restart instead of sleeping: the test decides when the server is back.
        sleep: async (ms) => {
          delays.push(ms);
          await up;
        },
        signal: controller.signal,
      },
    );
    const head1 = await first.runtime.store.headPosition();
    const positions = () => lines.map((l) => (JSON.parse(l) as { position: number }).position);
    await until('the log so far', async () => (positions().at(-1) === head1 ? true : undefined), 10_000);

    await stop(first);
    await until('a reconnect attempt', async () => (delays.length > 0 ? true : undefined), 10_000);
    first = await serve(first.port);
    await first.app.inject({ method: 'POST', url: '/v3/workflow/embedded-scheduler/suspend', payload: { workflowName: 'quartz_job_`cat`.`db`.`orders`', workflowGroup: 'default_group' } });
    const head2 = await first.runtime.store.headPosition();
    expect(head2).toBeGreaterThan(head1);
    restarted();
    await until('the events written after the restart', async () => (positions().at(-1) === head2 ? true : undefined), 10_000);
    controller.abort();
    await tail;
    await stop(first);

    expect(positions()).toEqual(Array.from({ length: head2 }, (_, i) => i + 1));
    expect(delays[0]).toBe(backoffMs(1));
    expect(warnings.join('\n')).toContain(`resuming after #${head1}`);
    expect([backoffMs(1), backoffMs(2), backoffMs(3), backoffMs(20)]).toEqual([250, 500, 1000, 10_000]);
  });

  it('`--json | head -1` ends quietly: no EPIPE, no stack trace', async () => {
    const api = await listeningApi();
    try {
      // More than a pipe buffer (64 KiB) of log, so the tail is still writing when `head` closes the pipe.
      await createWorkflow(api.app, '`c`.`d`.`a`');
      for (let i = 0; i < 60; i++) await api.runtime.store.appendToStream(`note-${i}`, [{ type: 'Noted', schemaVersion: 1, data: { pad: 'x'.repeat(4000) }, metadata: { actor: 'test', correlationId: 'c', occurredAt: new Date(0).toISOString() } }]);
      const r = await shell('node bin/freshet.js events tail --json | head -1', { FRESHET_URL: api.url }, 20_000);
      expect(r.signal).toBeNull();
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toMatchObject({ position: 1, type: 'WorkflowCreated' });
      expect(r.err).not.toMatch(/EPIPE|Error/);
    } finally {
      await api.close();
    }
  });
});
