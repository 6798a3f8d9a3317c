import { delay } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryEventStore, type EventStore } from '../../src/events/index.ts';
import { workflowIdOf, workflowStreamName } from '../../src/workflows/index.ts';
import { WorkflowEngine } from '../../src/engine/index.ts';
import { advanceTo, harness } from '../support/engine-harness.ts';
import { ledgerProblems } from '../support/ledger-check.ts';
import { definition } from '../support/workflow-fixtures.ts';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-03-02T10:00:00.000Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

const EVERY_10S = '0/10 * * * * ? *';

async function createMany(engine: WorkflowEngine, n: number, cronExpression = EVERY_10S): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const def = definition({ workflowName: `quartz_job_${i}`, tableIdentifier: `t${i}`, cronExpression, timeZone: 'UTC' });
    const id = workflowIdOf(def.workflowGroup, def.workflowName);
    await engine.execute(id, id, (now) => ({ type: 'CreateWorkflow', now, def: { ...def, workflowId: id } }), { actor: 'test' });
    ids.push(id);
  }
  return ids;
}

describe('engine fire path: batched claims and outcomes', () => {
  it('claims every workflow due at one instant in one pass, before the time, one correlation id for the pass', async () => {
    const h = harness();
    await h.engine.start();
    const ids = await createMany(h.engine, 20);
    await advanceTo('2026-03-02T10:00:09.800Z'); // inside the 250 ms claim lead of 10:00:10
    const claims = [];
    for (const id of ids) {
      const events = await h.store.readStream(workflowStreamName(id));
      expect(events.map((e) => e.type)).toEqual(['WorkflowCreated', 'FireClaimed']);
      claims.push(events[1]!);
    }
    expect(h.fires).toEqual([]);
    expect(new Set(claims.map((e) => e.metadata.correlationId)).size).toBe(1);
    expect(claims.every((e) => e.metadata.actor === 'freshet-engine' && e.version === 2)).toBe(true);
    await advanceTo('2026-03-02T10:00:10.100Z');
    expect(h.fires).toHaveLength(20);
    await h.engine.stop();
  });

  it("a frequent cron's outcome shares one append with the next claim; a rare cron's outcome is recorded at once", async () => {
    const h = harness();
    await h.engine.start();
    const [everySecond] = await createMany(h.engine, 1, '* * * * * ? *');
    const quarterly = await h.create({ workflowName: 'quartz_job_rare', cronExpression: '0 0/15 * * * ? *', timeZone: 'UTC' });
    await advanceTo('2026-03-02T10:00:03.100Z');
    const frequent = await h.store.readStream(workflowStreamName(everySecond!));
    // :01 fired; its outcome went in with the claim of :02, and so on: one append (one correlation id) per fire.
    const appends = new Map<string, string[]>();
    for (const e of frequent.slice(1)) appends.set(e.metadata.correlationId, [...(appends.get(e.metadata.correlationId) ?? []), e.type]);
    expect([...appends.values()]).toEqual([['FireClaimed'], ['OccurrenceFired', 'FireClaimed'], ['OccurrenceFired', 'FireClaimed']]);
    await advanceTo('2026-03-02T10:15:00.050Z');
    const rare = await h.store.readStream(workflowStreamName(quarterly));
    expect(rare.map((e) => e.type)).toEqual(['WorkflowCreated', 'FireClaimed', 'OccurrenceFired']);
    await h.engine.stop();
    expect(ledgerProblems(await h.store.readStream(workflowStreamName(everySecond!)))).toEqual([]);
  });

  it('records each outcome after its trigger returns, and stop() waits for a slow trigger and records its outcome', async () => {
    let release!: () => void;
    const invoked: number[] = [];
    const { store, engine } = harness(undefined, 'engine-a', {
      fire: (r) => {
        invoked.push(r.scheduleTime);
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    await engine.start();
    const [id] = await createMany(engine, 1);
    await advanceTo('2026-03-02T10:00:10.050Z');
    expect(invoked).toEqual([Date.parse('2026-03-02T10:00:10.000Z')]);
    const stream = workflowStreamName(id!);
    expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['WorkflowCreated', 'FireClaimed']); // trigger still running
    let stopped = false;
    const stopping = engine.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false); // stop waits for the fire in flight
    release();
    await stopping;
    const events = await store.readStream(stream);
    expect(events.map((e) => e.type)).toEqual(['WorkflowCreated', 'FireClaimed', 'OccurrenceFired']);
    expect(ledgerProblems(events)).toEqual([]);
  });

  it('a trigger slower than the cron period fires each time once: the next claim does not re-arm a fired claim', async () => {
    const fired: number[] = [];
    const { store, engine } = harness(undefined, 'engine-a', {
      fire: (r) => {
        fired.push(r.scheduleTime);
        return new Promise<void>((resolve) => setTimeout(resolve, 3_500)); // outlives three later claims
      },
    });
    await engine.start();
    const [id] = await createMany(engine, 1, '* * * * * ? *');
    await advanceTo('2026-03-02T10:00:10.500Z');
    const stopping = engine.stop();
    await vi.advanceTimersByTimeAsync(4_000); // the last triggers return
    await stopping;
    const times = fired.map((t) => new Date(t).toISOString().slice(17, 19));
    expect(times).toEqual(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10']);
    const events = await store.readStream(workflowStreamName(id!));
    expect(events.filter((e) => e.type === 'OccurrenceFired')).toHaveLength(10);
    expect(ledgerProblems(events)).toEqual([]);
  });

  it('two engines claiming the same bucket on stale state: conflicts fall back to a fresh decision, each time fires once', async () => {
    const store = createMemoryEventStore();
    // Engine b hears the log 300 ms late, so at each claim wake its live state misses a's claim: its appends conflict.
    const lagging: EventStore = { ...store, subscribe: (options) => store.subscribe(options).pipe(delay(300)) };
    const a = harness(store, 'engine-a');
    const b = harness(lagging, 'engine-b');
    await a.engine.start();
    await b.engine.start();
    const ids = await createMany(a.engine, 10);
    await advanceTo('2026-03-02T10:01:00.500Z');
    await a.engine.stop();
    await b.engine.stop();
    const all = [...a.fires, ...b.fires].map((f) => `${f.workflowId} ${f.scheduleTime}`);
    expect(all).toHaveLength(10 * 6); // 10:00:10 … 10:01:00
    expect(new Set(all).size).toBe(all.length);
    for (const id of ids) expect(ledgerProblems(await store.readStream(workflowStreamName(id)))).toEqual([]);
  });

  it('an engine running behind claims every due time of a workflow in one append and fires each once', async () => {
    const h = harness();
    await h.engine.start();
    const [id] = await createMany(h.engine, 1, '* * * * * ? *');
    await advanceTo('2026-03-02T10:00:02.100Z');
    // Block the event loop for 5 s (a long GC or commit): the claim wake comes when six more times are due.
    vi.setSystemTime(Date.now() + 5_000); // the wall clock moves on; the pending timers do not
    await vi.advanceTimersByTimeAsync(700); // the claim wake for :03 comes at 10:00:07.750
    const events = await h.store.readStream(workflowStreamName(id!));
    const lateClaims = events.filter((e) => e.type === 'FireClaimed' && (e.data as { nominalTime: number }).nominalTime >= Date.parse('2026-03-02T10:00:03.000Z'));
    const claimAppends = new Set(lateClaims.filter((e) => (e.data as { nominalTime: number }).nominalTime <= Date.parse('2026-03-02T10:00:07.000Z')).map((e) => e.metadata.correlationId));
    expect(h.fires.map((f) => f.scheduleTime.slice(17, 19))).toEqual(['01', '02', '03', '04', '05', '06', '07']);
    expect(claimAppends.size).toBe(1);
    expect(ledgerProblems(events)).toEqual([]);
    await h.engine.stop();
  });

  it('a claim that waits for a busy stream takes the held outcome along: still one append per fire', async () => {
    const inner = createMemoryEventStore();
    // An append issued in this window (a manual trigger, below) takes 500 ms: the claim of :02, due at :01.750,
    // finds the stream busy and waits in its queue past :02.000, when the outcome of :01 would be due on its own.
    const slow = { from: Date.parse('2026-03-02T10:00:01.700Z'), to: Date.parse('2026-03-02T10:00:01.710Z') };
    const store: EventStore = {
      ...inner,
      appendToStream: async (stream, events, options) => {
        if (Date.now() >= slow.from && Date.now() < slow.to) await new Promise((resolve) => setTimeout(resolve, 500));
        return inner.appendToStream(stream, events, options);
      },
    };
    const h = harness(store);
    await h.engine.start();
    const [id] = await createMany(h.engine, 1, '* * * * * ? *');
    await advanceTo('2026-03-02T10:00:01.700Z');
    const manual = h.command(id!, (now, engineId) => ({ type: 'TriggerWorkflow', now, engineId }));
    await advanceTo('2026-03-02T10:00:03.100Z');
    await manual;
    const events = await inner.readStream(workflowStreamName(id!));
    const ofSchedule = events.filter((e) => !(e.data as { manual?: boolean }).manual);
    const appends = new Map<string, string[]>();
    for (const e of ofSchedule) appends.set(e.metadata.correlationId, [...(appends.get(e.metadata.correlationId) ?? []), e.type]);
    // :01 claimed alone (the first fire), then every outcome rides with the next claim — :02's claim included.
    expect([...appends.values()].slice(1)).toEqual([['FireClaimed'], ['OccurrenceFired', 'FireClaimed'], ['OccurrenceFired', 'FireClaimed']]);
    await h.engine.stop();
    expect(ledgerProblems(await inner.readStream(workflowStreamName(id!)))).toEqual([]);
  });
});
