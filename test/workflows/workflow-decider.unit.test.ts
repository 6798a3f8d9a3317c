import { describe, expect, it } from 'vitest';
import { WorkflowError } from '../../src/workflows/index.ts';
import { created, DAY, definition, given, HOUR, MINUTE, SECOND, T0 } from '../support/workflow-fixtures.ts';

const E = 'engine-a';
const claim = (t: number, by = E) => ({ type: 'FireClaimed', data: { nominalTime: t, claimedAt: t - 250, engineId: by, manual: false } }) as const;
const fired = (t: number) => ({ type: 'OccurrenceFired', data: { nominalTime: t, firedAt: t + 1, manual: false, recovered: false } }) as const;
const suspended = (at: number) => ({ type: 'WorkflowSuspended', data: { at } }) as const;
const Q = 15 * MINUTE; // the fixture cron fires every 15 minutes

describe('workflow decider: create', () => {
  it('records the definition and the creation instant', () => {
    given([]).when({ type: 'CreateWorkflow', now: T0, def: definition() }).then([created()]);
  });

  it("refuses a second create with Flink's message", () => {
    given([created()])
      .when({ type: 'CreateWorkflow', now: T0 + 1, def: definition() })
      .thenThrows('Materialized table `c`.`d`.`t` quartz schedule job already exist, job info: default_group.quartz_job_`c`.`d`.`t`.');
  });

  it('refuses a cron Quartz would refuse, before anything is written', () => {
    given([]).when({ type: 'CreateWorkflow', now: T0, def: definition({ cronExpression: '0 0 3 * * *' }) }).thenThrows(/day-of-week AND a day-of-month/);
  });

  it('may create again after a delete (Flink drops and recreates the job)', () => {
    const events = given([created(), { type: 'WorkflowDeleted', data: { at: T0 + 1 } }]).when({ type: 'CreateWorkflow', now: T0 + 2, def: definition() }).events();
    expect(events.map((e) => e.type)).toEqual(['WorkflowCreated']);
  });
});

describe('workflow decider: suspend and resume', () => {
  it("refuses to suspend a suspended workflow with Flink's message", () => {
    given([created(), suspended(T0 + 1)])
      .when({ type: 'SuspendWorkflow', now: T0 + 2, engineId: E })
      .thenThrows('Materialized table `c`.`d`.`t` refresh workflow has been suspended.');
  });

  it("refuses to resume an active workflow with Flink's message", () => {
    given([created()]).when({ type: 'ResumeWorkflow', now: T0 + 1, engineId: E, misfireThresholdMs: MINUTE }).thenThrows('Materialized table `c`.`d`.`t` refresh workflow has been resumed.');
  });

  it("names the missing job as Flink does", () => {
    given([]).when({ type: 'SuspendWorkflow', now: T0, engineId: E }).thenThrows('Failed to suspend a non-existent quartz schedule job: default_group.quartz_job_`c`.`d`.`t`.');
    given([]).when({ type: 'ResumeWorkflow', now: T0, engineId: E, misfireThresholdMs: MINUTE }).thenThrows('Failed to resume a non-existent quartz schedule job: default_group.quartz_job_`c`.`d`.`t`.');
  });

  it('typed errors carry a code for the REST catalog', () => {
    try {
      given([created(), suspended(T0 + 1)]).when({ type: 'SuspendWorkflow', now: T0 + 2, engineId: E }).events();
    } catch (error) {
      expect(error).toBeInstanceOf(WorkflowError);
      expect((error as WorkflowError).code).toBe('WORKFLOW_ALREADY_SUSPENDED');
    }
  });

  it("skips this engine's claim that was waiting for its time", () => {
    given([created(), claim(T0 + Q)])
      .when({ type: 'SuspendWorkflow', now: T0 + Q - 100, engineId: E })
      .then([suspended(T0 + Q - 100), { type: 'OccurrencesSkipped', data: { fromExclusive: T0 + Q - 1, toInclusive: T0 + Q, reason: 'suspended', at: T0 + Q - 100 } }]);
  });

  it("leaves another engine's claim alone: the claim was the commit point", () => {
    given([created(), claim(T0 + Q, 'engine-b')]).when({ type: 'SuspendWorkflow', now: T0 + Q - 100, engineId: E }).then([suspended(T0 + Q - 100)]);
  });

  it('fire-all: resume claims every missed time inside the window, oldest first (Quartz IGNORE_MISFIRE)', () => {
    const now = T0 + HOUR + 5 * MINUTE;
    const events = given([created(), suspended(T0 + 1)]).when({ type: 'ResumeWorkflow', now, engineId: E, misfireThresholdMs: MINUTE }).events();
    expect(events.map((e) => e.type)).toEqual(['WorkflowResumed', 'FireClaimed', 'FireClaimed', 'FireClaimed', 'FireClaimed']);
    expect(events.slice(1).map((e) => (e.data as { nominalTime: number }).nominalTime)).toEqual([1, 2, 3, 4].map((k) => T0 + k * Q));
  });

  it('fire-once-now: resume fires the latest missed time and coalesces the rest', () => {
    const now = T0 + HOUR + 5 * MINUTE;
    given([created({ misfirePolicy: 'fire-once-now' }), suspended(T0 + 1)])
      .when({ type: 'ResumeWorkflow', now, engineId: E, misfireThresholdMs: MINUTE })
      .then([
        { type: 'WorkflowResumed', data: { at: now } },
        { type: 'OccurrencesSkipped', data: { fromExclusive: T0, toInclusive: T0 + HOUR - 1, reason: 'coalesced', at: now } },
        { type: 'FireClaimed', data: { nominalTime: T0 + HOUR, claimedAt: now, engineId: E, manual: false } },
      ]);
  });

  it('skip: resume records the missed times as skipped while suspended and fires nothing', () => {
    const now = T0 + HOUR + 5 * MINUTE;
    given([created({ misfirePolicy: 'skip' }), suspended(T0 + 1)])
      .when({ type: 'ResumeWorkflow', now, engineId: E, misfireThresholdMs: MINUTE })
      .then([
        { type: 'WorkflowResumed', data: { at: now } },
        { type: 'OccurrencesSkipped', data: { fromExclusive: T0, toInclusive: T0 + HOUR, reason: 'suspended', at: now } },
      ]);
  });

  it('times older than the catch-up window are never fired', () => {
    const now = T0 + 2 * DAY;
    const events = given([created({ catchUpWindowMs: HOUR }), suspended(T0 + 1)]).when({ type: 'ResumeWorkflow', now, engineId: E, misfireThresholdMs: MINUTE }).events();
    expect(events[1]).toEqual({ type: 'OccurrencesSkipped', data: { fromExclusive: T0, toInclusive: now - HOUR - 1, reason: 'outside-catch-up-window', at: now } });
    expect(events.slice(2).every((e) => e.type === 'FireClaimed' && e.data.nominalTime >= now - HOUR)).toBe(true);
    expect(events).toHaveLength(2 + 5); // the window is inclusive: 47:00, 47:15, 47:30, 47:45, 48:00
  });

  it('resume with options replaces the dynamic options', () => {
    const events = given([created(), suspended(T0 + 1)]).when({ type: 'ResumeWorkflow', now: T0 + 2, engineId: E, misfireThresholdMs: MINUTE, dynamicOptions: { k: 'v' } }).events();
    expect(events[0]).toEqual({ type: 'WorkflowResumed', data: { at: T0 + 2, dynamicOptions: { k: 'v' } } });
  });
});

describe('workflow decider: fires', () => {
  it('claims only the next nominal time, once', () => {
    given([created()]).when({ type: 'ClaimFire', now: T0 + Q - 250, nominalTime: T0 + Q, engineId: E }).then([claim(T0 + Q)]);
    given([created(), claim(T0 + Q)]).when({ type: 'ClaimFire', now: T0 + Q - 200, nominalTime: T0 + Q, engineId: 'engine-b' }).thenNothingHappened();
    given([created()]).when({ type: 'ClaimFire', now: T0 + Q, nominalTime: T0 + 2 * Q, engineId: E }).thenNothingHappened();
  });

  it('never claims for a suspended or deleted workflow', () => {
    given([created(), suspended(T0 + 1)]).when({ type: 'ClaimFire', now: T0 + Q - 250, nominalTime: T0 + Q, engineId: E }).thenNothingHappened();
    given([created(), { type: 'WorkflowDeleted', data: { at: T0 + 1 } }]).when({ type: 'ClaimFire', now: T0 + Q - 250, nominalTime: T0 + Q, engineId: E }).thenNothingHappened();
  });

  it('records a fire only for a pending claim, and only once', () => {
    const record = { type: 'RecordFired', now: T0 + Q + 5, nominalTime: T0 + Q, firedAt: T0 + Q + 1, manual: false, recovered: false } as const;
    given([created(), claim(T0 + Q)]).when(record).then([fired(T0 + Q)]);
    given([created(), claim(T0 + Q), fired(T0 + Q)]).when(record).thenNothingHappened();
    given([created()]).when(record).thenNothingHappened();
  });

  it('a fire late by less than the misfire threshold is not a misfire', () => {
    given([created({ misfirePolicy: 'skip' })]).when({ type: 'CatchUp', now: T0 + Q + 30 * SECOND, misfireThresholdMs: MINUTE, engineId: E }).then([{ type: 'FireClaimed', data: { nominalTime: T0 + Q, claimedAt: T0 + Q + 30 * SECOND, engineId: E, manual: false } }]);
  });

  it('after an outage, skip records the missed times as misfires', () => {
    const now = T0 + 3 * HOUR + 1;
    given([created({ misfirePolicy: 'skip' })]).when({ type: 'CatchUp', now, misfireThresholdMs: MINUTE, engineId: E }).then([{ type: 'OccurrencesSkipped', data: { fromExclusive: T0, toInclusive: T0 + 3 * HOUR, reason: 'misfire-skip', at: now } }]);
  });

  it("re-claims a claim whose engine died before firing it (fire-all)", () => {
    const now = T0 + Q + 5 * MINUTE;
    const events = given([created(), claim(T0 + Q, 'dead-engine')]).when({ type: 'CatchUp', now, misfireThresholdMs: MINUTE, engineId: E }).events();
    expect(events[0]).toEqual({ type: 'FireClaimed', data: { nominalTime: T0 + Q, claimedAt: now, engineId: E, manual: false } });
  });

  it('a manual trigger claims now, outside the schedule', () => {
    given([created()]).when({ type: 'TriggerWorkflow', now: T0 + 7, engineId: E }).then([{ type: 'FireClaimed', data: { nominalTime: T0 + 7, claimedAt: T0 + 7, engineId: E, manual: true } }]);
  });

  it('a second manual trigger in the same millisecond takes the next one, so each has its own outcome', () => {
    const manual = (t: number) => ({ type: 'FireClaimed', data: { nominalTime: t, claimedAt: T0 + 7, engineId: E, manual: true } }) as const;
    const firedManual = { type: 'OccurrenceFired', data: { nominalTime: T0 + 7, firedAt: T0 + 7, manual: true, recovered: false } } as const;
    given([created(), manual(T0 + 7)]).when({ type: 'TriggerWorkflow', now: T0 + 7, engineId: E }).then([manual(T0 + 8)]);
    given([created(), manual(T0 + 7), firedManual]).when({ type: 'TriggerWorkflow', now: T0 + 7, engineId: E }).then([manual(T0 + 8)]);
  });
});

describe('workflow decider: modify and delete', () => {
  it('a new cron starts after the change; claims of the old one are skipped', () => {
    const now = T0 + Q - 100;
    given([created(), claim(T0 + Q)])
      .when({ type: 'ModifySchedule', now, cronExpression: '0 0 * * * ?', engineId: E })
      .then([
        { type: 'WorkflowScheduleModified', data: { at: now, cronExpression: '0 0 * * * ?', timeZone: 'UTC', misfirePolicy: 'fire-all', catchUpWindowMs: DAY } },
        { type: 'OccurrencesSkipped', data: { fromExclusive: T0 + Q - 1, toInclusive: T0 + Q, reason: 'schedule-modified', at: now } },
      ]);
  });

  it('a schedule changed while suspended gives up the old schedule’s backlog, named as the change (issue 11 defect 13)', () => {
    given([created(), suspended(T0 + 1)])
      .when({ type: 'ModifySchedule', now: T0 + HOUR, cronExpression: '0 0 * * * ?', engineId: E })
      .then([
        { type: 'OccurrencesSkipped', data: { fromExclusive: T0, toInclusive: T0 + HOUR, reason: 'schedule-modified', at: T0 + HOUR } },
        { type: 'WorkflowScheduleModified', data: { at: T0 + HOUR, cronExpression: '0 0 * * * ?', timeZone: 'UTC', misfirePolicy: 'fire-all', catchUpWindowMs: DAY } },
      ]);
  });

  it('deleting a missing workflow is not an error (Flink)', () => {
    given([]).when({ type: 'DeleteWorkflow', now: T0, engineId: E }).thenNothingHappened();
  });

  it('deleting a suspended workflow settles the times it slept through', () => {
    given([created(), suspended(T0 + 1)])
      .when({ type: 'DeleteWorkflow', now: T0 + HOUR, engineId: E })
      .then([
        { type: 'WorkflowDeleted', data: { at: T0 + HOUR } },
        { type: 'OccurrencesSkipped', data: { fromExclusive: T0, toInclusive: T0 + HOUR, reason: 'suspended', at: T0 + HOUR } },
      ]);
  });
});
