import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/index.ts';
import { openFreshet } from '../../src/runtime/index.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('a server that listens before its engine has loaded', () => {
  it('answers health and reads at once, says on /readyz that it is starting, and is ready once the engine runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'freshet-start-'));
    dirs.push(dir);
    // A log with workflows in it, written by an earlier process.
    const first = await openFreshet({ dataDir: dir, timeZone: 'UTC' });
    for (let i = 0; i < 3; i++) {
      await first.tables.executeStatement(`CREATE TABLE s${i} (v INTEGER)`);
      await first.tables.executeStatement(`CREATE MATERIALIZED TABLE m${i} FRESHNESS = INTERVAL '1' HOUR AS SELECT * FROM s${i}`);
    }
    await first.close();

    const runtime = await openFreshet({ dataDir: dir, timeZone: 'UTC', engine: 'deferred' });
    const app = buildServer({ ...runtime, timeZone: 'UTC' });
    try {
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
      const starting = await app.inject({ url: '/readyz' });
      expect(starting.statusCode).toBe(503);
      expect(starting.json().errors[0]).toMatch(/freshet is starting: \d+ workflow\(s\) loaded so far/);
      const list = await app.inject({ url: '/v1/workflows' });
      expect(list.statusCode).toBe(200);
      expect(list.json().total).toBe(3); // reads come from the read model, not the engine
      expect(runtime.scheduler.engine.size).toBe(0);

      await runtime.startEngine();
      expect(runtime.scheduler.engine.size).toBe(3);
      const ready = await app.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ status: 'ready' });
    } finally {
      await app.close();
      await runtime.close();
    }
  });
});
