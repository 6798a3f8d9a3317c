import { CronExpressionError } from '../cron/index.ts';
import { planCatchUp } from './misfire.ts';
import type { WorkflowCommand } from './commands.ts';
import { jobKey, WorkflowError } from './errors.ts';
import type { WorkflowEvent } from './events.ts';
import { type ScheduleSpec, scheduleOfSpec } from './schedule.ts';
import { isPending, type WorkflowState } from './state.ts';

const exists = (s: WorkflowState | undefined): s is WorkflowState => s !== undefined && s.status !== 'deleted';

function missing(verb: string, state: WorkflowState | undefined, fallbackKey: string): WorkflowError {
  const key = state ? jobKey(state.def.workflowGroup, state.def.workflowName) : fallbackKey;
  return new WorkflowError('WORKFLOW_NOT_FOUND', `Failed to ${verb} a non-existent quartz schedule job: ${key}.`);
}

/**
 * Claims still waiting for their fire time become a skipped outcome when a command takes their fire away — but only
 * the claims of the engine deciding: it cancels its own timers in the same step. A claim is the commit point, so a
 * claim another engine made before this command still fires (at most the claim lead earlier than its time).
 */
function dropFutureClaims(state: WorkflowState, now: number, engineId: string, reason: 'suspended' | 'deleted' | 'schedule-modified'): WorkflowEvent[] {
  return state.pending
    .filter((p) => p.t > now && p.by === engineId)
    .map((p) => ({ type: 'OccurrencesSkipped', data: { fromExclusive: p.t - 1, toInclusive: p.t, reason, at: now } }) as const);
}

/**
 * Quartz refuses a trigger that will never fire (`0 0 0 30 2 ?`: February has no 30th); so does freshet, at
 * create and at a schedule change, instead of storing a workflow that silently waits forever.
 */
function requireFutureFire(spec: ScheduleSpec, now: number): void {
  if (scheduleOfSpec(spec).nextAfter(now) !== null) return; // compiling throws CronExpressionError first
  const end = spec.endAt === undefined ? '' : ` before its end ${new Date(spec.endAt).toISOString()}`;
  throw new CronExpressionError(
    `Based on configured schedule, the given trigger will never fire: '${spec.cronExpression}' has no fire time after ${new Date(now).toISOString()}${end} in ${spec.timeZone}.`,
  );
}

/** A bound of a schedule change: the command's (null: removed), else the workflow's own. */
function bound<K extends 'startAt' | 'endAt'>(key: K, given: number | null | undefined, current: number | undefined): Partial<Record<K, number>> {
  const value = given === undefined ? current : given === null ? undefined : given;
  return value === undefined ? {} : ({ [key]: value } as Partial<Record<K, number>>);
}

/** Scheduled fires in a row whose trigger failed, after which a workflow suspends itself (whatever created it). */
export const AUTO_SUSPEND_AFTER_FAILED_FIRES = 5;

/**
 * Pure business rules: what a command means for a workflow in a given state.
 * `key` names the workflow in errors when its stream does not exist yet (`group.name`).
 */
export function decide(command: WorkflowCommand, state: WorkflowState | undefined, key: string): WorkflowEvent[] {
  switch (command.type) {
    case 'CreateWorkflow': {
      if (exists(state)) {
        const { tableIdentifier: id, workflowGroup: g, workflowName: n } = state.def;
        throw new WorkflowError('WORKFLOW_ALREADY_EXISTS', `Materialized table ${id} quartz schedule job already exist, job info: ${jobKey(g, n)}.`);
      }
      requireFutureFire(command.def, command.now); // before anything is written
      return [{ type: 'WorkflowCreated', data: { ...command.def, createdAt: command.now } }];
    }
    case 'SuspendWorkflow': {
      if (!exists(state)) throw missing('suspend', state, key);
      if (state.status === 'suspended') {
        throw new WorkflowError('WORKFLOW_ALREADY_SUSPENDED', `Materialized table ${state.def.tableIdentifier} refresh workflow has been suspended.`);
      }
      const { until } = command;
      if (until !== undefined && !(until > command.now)) {
        throw new WorkflowError('INVALID_WORKFLOW_ARGUMENT', `A pause must end in the future: until ${new Date(until).toISOString()} is not after now (${new Date(command.now).toISOString()}).`);
      }
      const data = until === undefined ? { at: command.now } : { at: command.now, until };
      return [{ type: 'WorkflowSuspended', data }, ...dropFutureClaims(state, command.now, command.engineId, 'suspended')];
    }
    case 'ResumeWorkflow': {
      if (!exists(state)) throw missing('resume', state, key);
      if (state.status === 'active') {
        throw new WorkflowError('WORKFLOW_ALREADY_ACTIVE', `Materialized table ${state.def.tableIdentifier} refresh workflow has been resumed.`);
      }
      const resumed: WorkflowEvent = {
        type: 'WorkflowResumed',
        data: command.dynamicOptions ? { at: command.now, dynamicOptions: command.dynamicOptions } : { at: command.now },
      };
      const active: WorkflowState = { ...state, status: 'active' };
      return [resumed, ...planCatchUp(active, command.now, command.misfireThresholdMs, command.engineId, 'suspended')];
    }
    case 'ModifySchedule': {
      if (!exists(state)) throw missing('modify', state, key);
      const def = state.def;
      const next = {
        at: command.now,
        cronExpression: command.cronExpression ?? def.cronExpression,
        timeZone: command.timeZone ?? def.timeZone,
        misfirePolicy: command.misfirePolicy ?? def.misfirePolicy,
        catchUpWindowMs: command.catchUpWindowMs ?? def.catchUpWindowMs,
        ...((command.cronDialect ?? def.cronDialect ?? 'quartz') === 'unix' ? { cronDialect: 'unix' as const } : {}),
        ...bound('startAt', command.startAt, def.startAt),
        ...bound('endAt', command.endAt, def.endAt),
      };
      if (next.startAt !== undefined && next.endAt !== undefined && !(next.startAt < next.endAt)) {
        throw new WorkflowError('INVALID_WORKFLOW_ARGUMENT', `The schedule's start (${new Date(next.startAt).toISOString()}) must be before its end (${new Date(next.endAt).toISOString()}).`);
      }
      requireFutureFire(next, command.now);
      // Nominal times of the old schedule that went by unclaimed are settled under the old schedule, as given up
      // by the change — a suspended workflow's backlog too: a later resume replays the times of the schedule in
      // force from the change on, not those of a schedule that no longer exists (Quartz: a rescheduled trigger's
      // misfires go with it). The reason says so, rather than blaming the suspension.
      const gap = oldScheduleGap(state, command.now, 'schedule-modified');
      // The gap is recorded before the change, so the ledger expands it under the cron that was in force.
      return [...gap, { type: 'WorkflowScheduleModified', data: next }, ...dropFutureClaims(state, command.now, command.engineId, 'schedule-modified')];
    }
    case 'TriggerWorkflow': {
      if (!exists(state)) throw missing('trigger', state, key);
      if (state.status === 'suspended') {
        // A suspended workflow never fires; a one-time refresh of the table is the manager's job, not the schedule's.
        throw new WorkflowError('WORKFLOW_NOT_ACTIVE', `Materialized table ${state.def.tableIdentifier} refresh workflow is suspended: resume it before triggering it, or refresh the table once with ALTER MATERIALIZED TABLE ... REFRESH.`);
      }
      // Two triggers in one millisecond (or one at a claimed or just-fired time) would share a nominal time and its
      // outcome; the later one takes the next free millisecond instead.
      let nominalTime = command.now;
      while (isPending(state, nominalTime) || nominalTime === state.lastFiredNominal) nominalTime += 1;
      return [{ type: 'FireClaimed', data: { nominalTime, claimedAt: command.now, engineId: command.engineId, manual: true } }];
    }
    case 'DeleteWorkflow': {
      if (!exists(state)) return []; // Flink: deleting a missing workflow is not an error
      const gap = oldScheduleGap(state, command.now, state.status === 'suspended' ? 'suspended' : 'deleted');
      return [{ type: 'WorkflowDeleted', data: { at: command.now } }, ...gap, ...dropFutureClaims(state, command.now, command.engineId, 'deleted')];
    }
    case 'ClaimFire': {
      if (!state || state.status !== 'active') return [];
      const expected = scheduleOfSpec(state.def).nextAfter(state.cursor);
      if (expected !== command.nominalTime || isPending(state, command.nominalTime)) return [];
      return [{ type: 'FireClaimed', data: { nominalTime: command.nominalTime, claimedAt: command.now, engineId: command.engineId, manual: false } }];
    }
    case 'RecordFired': {
      if (!state || !isPending(state, command.nominalTime)) return [];
      const { nominalTime, firedAt, manual, recovered, error, operationHandle, disposition, yieldedTo } = command;
      const extra = {
        ...(yieldedTo !== undefined ? { yieldedTo } : {}),
        ...(error !== undefined ? { error } : {}),
        ...(operationHandle !== undefined ? { operationHandle } : {}),
        ...(disposition !== undefined ? { disposition } : {}),
      };
      const fired: WorkflowEvent = { type: 'OccurrenceFired', data: { nominalTime, firedAt, manual, recovered, ...extra } };
      // A workflow whose trigger fails fire after fire (its table is gone, say) stops itself instead of failing forever.
      const failedFires = (state.failedFires ?? 0) + 1;
      if (manual || error === undefined || state.status !== 'active' || failedFires < AUTO_SUSPEND_AFTER_FAILED_FIRES) return [fired];
      const by = state.pending.find((p) => p.t === nominalTime)?.by ?? '';
      const reason = `suspended by freshet after ${failedFires} scheduled fires in a row failed; the last: ${error}`;
      return [fired, { type: 'WorkflowSuspended', data: { at: command.now, reason } }, ...dropFutureClaims(state, command.now, by, 'suspended')];
    }
    case 'AbandonClaim': {
      const t = command.nominalTime;
      if (!state || !isPending(state, t)) return [];
      return [{ type: 'OccurrencesSkipped', data: { fromExclusive: t - 1, toInclusive: t, reason: command.reason, at: command.now } }];
    }
    case 'CatchUp': {
      if (!state || state.status !== 'active') return [];
      return planCatchUp(state, command.now, command.misfireThresholdMs, command.engineId, 'misfire-skip');
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

/** The unclaimed nominal times in (cursor, now] of the schedule in force, as one skipped range. */
function oldScheduleGap(state: WorkflowState, now: number, reason: 'suspended' | 'deleted' | 'schedule-modified'): WorkflowEvent[] {
  const next = scheduleOfSpec(state.def).nextAfter(state.cursor);
  if (next === null || next > now) return [];
  return [{ type: 'OccurrencesSkipped', data: { fromExclusive: state.cursor, toInclusive: now, reason, at: now } }];
}
