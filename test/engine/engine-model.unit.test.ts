import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryEventStore, type EventStore } from '../../src/events/index.ts';
import { MISFIRE_POLICIES, type MisfirePolicy, WorkflowError, workflowIdOf, workflowStreamName } from '../../src/workflows/index.ts';
import { diffProjections, explainInstant, memoryProjectionPersistence, occurrencesFromEvents, rebuildWorkflows, WorkflowProjection } from '../../src/projections/index.ts';
import { WorkflowQueries } from '../../src/workflow-scheduler/index.ts';
import { WorkflowEngine } from '../../src/engine/index.ts';
import { ledgerProblems } from '../support/ledger-check.ts';
import { definition } from '../support/workflow-fixtures.ts';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-03-07T22:00:00.000Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

const NAMES = ['a', 'b', 'c'];
const CRONS = ['0 0/5 * * * ?', '0 0/7 * * * ? *', '0 30 2 * * ?', '0 0 * ? * MON-FRI'];
type Step =
  | { kind: 'create'; name: string; policy: MisfirePolicy; windowMs: number }
  | { kind: 'suspend' | 'resume' | 'trigger' | 'delete'; name: string }
  | { kind: 'justBefore'; ms: number }
  | { kind: 'modify'; name: string; cron: string }
  | { kind: 'advance'; ms: number }
  | { kind: 'restart' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('create'), name: fc.constantFrom(...NAMES), policy: fc.constantFrom(...MISFIRE_POLICIES), windowMs: fc.constantFrom(3_600_000, 86_400_000) }) as fc.Arbitrary<Step>,
  fc.record({ kind: fc.constantFrom('suspend', 'resume', 'trigger', 'delete'), name: fc.constantFrom(...NAMES) }) as fc.Arbitrary<Step>,
  // Lands inside the claim lead of the next 5-minute fire: where a command races a claimed fire.
  fc.record({ kind: fc.constant('justBefore'), ms: fc.integer({ min: 1, max: 240 }) }) as fc.Arbitrary<Step>,
  fc.record({ kind: fc.constant('modify'), name: fc.constantFrom(...NAMES), cron: fc.constantFrom(...CRONS) }) as fc.Arbitrary<Step>,
  fc.record({ kind: fc.constant('advance'), ms: fc.integer({ min: 1, max: 3 * 3_600_000 }) }) as fc.Arbitrary<Step>,
  fc.constant({ kind: 'restart' } as Step),
);

class World {
  store: EventStore = createMemoryEventStore();
  engine!: WorkflowEngine;
  projection!: WorkflowProjection;
  firedWhileNotActive: string[] = [];
  engineCount = 0;
  /** The read model outlives restarts, as its file does: each boot loads its checkpoint. */
  readonly persistence = memoryProjectionPersistence();

  async boot(): Promise<void> {
    // Every other engine starts from the read model's rows at its position instead of folding the log.
    const fromReadModel = this.engineCount % 2 === 1;
    const engine: WorkflowEngine = new WorkflowEngine({
      store: this.store,
      ...(fromReadModel ? { snapshot: async () => this.projection.snapshotAt() } : {}),
      engineId: `engine-${++this.engineCount}`,
      trigger: {
        fire: async (r) => {
          const status = engine.workflow(r.workflowId)?.status;
          if (status !== 'active') this.firedWhileNotActive.push(`${r.workflowId} fired while ${status}`);
        },
      },
      onError: (e) => {
        throw e;
      },
    });
    this.engine = engine;
    this.projection = new WorkflowProjection(this.store, this.persistence);
    await this.projection.start();
    await engine.start();
  }

  async shutdown(): Promise<void> {
    await this.engine.stop();
    await this.projection.stop();
  }

  async run(s: Step): Promise<void> {
    if (s.kind === 'advance') return void (await vi.advanceTimersByTimeAsync(s.ms));
    if (s.kind === 'justBefore') {
      const boundary = Math.floor((Date.now() + s.ms) / 300_000) * 300_000 + 300_000;
      return void (await vi.advanceTimersByTimeAsync(boundary - s.ms - Date.now()));
    }
    if (s.kind === 'restart') {
      await this.shutdown();
      return this.boot();
    }
    const def = definition({
      workflowName: `quartz_job_${s.name}`,
      tableIdentifier: s.name,
      cronExpression: CRONS[0]!,
      timeZone: 'America/New_York',
      ...(s.kind === 'create' ? { misfirePolicy: s.policy, catchUpWindowMs: s.windowMs } : {}),
    });
    const id = workflowIdOf(def.workflowGroup, def.workflowName);
    const key = `${def.workflowGroup}.${def.workflowName}`;
    const meta = { actor: 'model' };
    try {
      await this.engine.execute(id, key, (now, engineId) => {
        switch (s.kind) {
          case 'create':
            return { type: 'CreateWorkflow', now, def: { ...def, workflowId: id } };
          case 'suspend':
            return { type: 'SuspendWorkflow', now, engineId };
          case 'resume':
            return { type: 'ResumeWorkflow', now, engineId, misfireThresholdMs: this.engine.misfireThresholdMs };
          case 'trigger':
            return { type: 'TriggerWorkflow', now, engineId };
          case 'delete':
            return { type: 'DeleteWorkflow', now, engineId };
          case 'modify':
            return { type: 'ModifySchedule', now, engineId, cronExpression: s.cron };
        }
      }, meta);
    } catch (error) {
      if (!(error instanceof WorkflowError)) throw error; // invalid commands are expected; anything else is a bug
    }
  }

  async check(): Promise<void> {
    await vi.advanceTimersByTimeAsync(0);
    const rebuilt = await rebuildWorkflows(this.store);
    await this.projection.waitFor(rebuilt.position);
    expect(diffProjections(this.projection.snapshot(), rebuilt.rows)).toEqual([]);
    expect(this.firedWhileNotActive).toEqual([]);
    const queries = new WorkflowQueries(this.store, this.projection);
    // Lists page in creation order over the rows kept in that order, with the filter's total.
    const sorted = this.projection.list().sort((a, b) => a.creationTime.localeCompare(b.creationTime) || a.workflowId.localeCompare(b.workflowId));
    expect(queries.list({ limit: 1_000 })).toEqual({ items: sorted, total: sorted.length });
    const active = sorted.filter((w) => w.status === 'ACTIVE');
    expect(queries.list({ status: 'ACTIVE', offset: 1, limit: 2 })).toEqual({ items: active.slice(1, 3), total: active.length });
    for (const id of rebuilt.rows.keys()) {
      const events = await this.store.readStream(workflowStreamName(id));
      expect(ledgerProblems(events)).toEqual([]);
      // explain agrees with the ledger: every scheduled time the ledger holds was a fire time of the schedule in
      // force then, and explain reports the ledger's own outcome for it.
      const all = occurrencesFromEvents(events, { from: 0, to: Date.now() + 86_400_000, limit: 1_000_000 });
      for (const o of all) {
        const why = explainInstant(events, Date.parse(o.nominalTime), o);
        if (!o.manual) expect(why.nominal, `${o.nominalTime} ${o.outcome} ${o.reason ?? ''}`).toBe(true);
        expect(why.outcome).toBe(o);
      }
      // Explain from the indexed ledger (a few rows and events) says what explain over the whole stream says:
      // at times the ledger holds, and at instants it does not (between fires, before the workflow, long after).
      const sample = [...all.slice(0, 4), ...all.slice(-4)].map((o) => Date.parse(o.nominalTime));
      for (const t of [...sample, ...sample.map((x) => x + 1_000), Date.parse('2026-03-07T21:00:00Z'), Date.now() + 3_600_000]) {
        const [o] = occurrencesFromEvents(events, { from: t, to: t, limit: 1 });
        expect(await queries.explain(id, t), new Date(t).toISOString()).toEqual(explainInstant(events, t, o ?? null));
      }
      // The newest page of the indexed ledger is the whole fold's newest page.
      for (const limit of [1, 3, 20]) {
        const tail = await queries.newestOccurrences(id, { from: 0, to: Date.now() + 86_400_000, limit });
        expect(tail.items).toEqual(all.slice(-limit));
      }
    }
  }
}

describe('engine model: random commands, invalid ones included, with random restarts', () => {
  it('keeps the read model rebuildable, never fires a suspended or deleted workflow, and settles every nominal time once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        vi.setSystemTime(new Date('2026-03-07T22:00:00.000Z')); // spans the New York spring-forward night
        const world = new World();
        await world.boot();
        try {
          for (const s of steps) {
            await world.run(s);
            await world.check();
          }
        } finally {
          await world.shutdown();
        }
      }),
      { numRuns: 100 },
    );
  });

  it('lists a workflow deleted and created again under its id at its new creation time (a shrunk counterexample)', async () => {
    vi.setSystemTime(new Date('2026-03-07T22:00:00.000Z'));
    const world = new World();
    await world.boot();
    try {
      const steps: Step[] = [
        { kind: 'create', name: 'c', policy: 'fire-all', windowMs: 3_600_000 },
        { kind: 'justBefore', ms: 1 },
        { kind: 'create', name: 'b', policy: 'fire-all', windowMs: 3_600_000 },
        { kind: 'delete', name: 'c' },
        { kind: 'create', name: 'c', policy: 'fire-all', windowMs: 3_600_000 },
      ];
      for (const s of steps) {
        await world.run(s);
        await world.check(); // the list in (creation time, id) order: b (6b25…) before c (c033…), both made at 22:04:59.999
      }
    } finally {
      await world.shutdown();
    }
  });

  it('concurrent commands on one workflow from two engines never both succeed when they conflict', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('suspend', 'resume', 'delete'), fc.constantFrom('suspend', 'resume', 'delete'), async (first, second) => {
        vi.setSystemTime(new Date('2026-03-02T10:00:00.000Z'));
        const store = createMemoryEventStore();
        const engines = [new WorkflowEngine({ store, engineId: 'x' }), new WorkflowEngine({ store, engineId: 'y' })];
        for (const e of engines) await e.start();
        const def = definition();
        const id = workflowIdOf(def.workflowGroup, def.workflowName);
        await engines[0]!.execute(id, 'k', (now) => ({ type: 'CreateWorkflow', now, def: { ...def, workflowId: id } }), { actor: 't' });
        if (first === 'resume' || second === 'resume') await engines[0]!.execute(id, 'k', (now, engineId) => ({ type: 'SuspendWorkflow', now, engineId }), { actor: 't' });
        await vi.advanceTimersByTimeAsync(0);
        const versionBefore = await store.streamVersion(workflowStreamName(id));
        const command = (kind: string) => (now: number, engineId: string) =>
          kind === 'suspend' ? ({ type: 'SuspendWorkflow', now, engineId } as const)
            : kind === 'resume' ? ({ type: 'ResumeWorkflow', now, engineId, misfireThresholdMs: 60_000 } as const)
              : ({ type: 'DeleteWorkflow', now, engineId } as const);
        const results = await Promise.allSettled([
          engines[0]!.execute(id, 'k', command(first), { actor: 'x' }),
          engines[1]!.execute(id, 'k', command(second), { actor: 'y' }),
        ]);
        const changed = results.filter((r) => r.status === 'fulfilled' && r.value.events.length > 0);
        if (first === second) expect(changed).toHaveLength(1); // the same change twice: one wins, the other is refused or a no-op
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(WorkflowError);
        const events = await store.readStream(workflowStreamName(id), { fromVersion: versionBefore + 1 });
        const decisions = new Set(events.map((e) => e.metadata.correlationId));
        expect(decisions.size).toBe(changed.length);
        for (const e of engines) await e.stop();
      }),
      { numRuns: 30 },
    );
  });
});
