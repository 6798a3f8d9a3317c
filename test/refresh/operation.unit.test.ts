import { describe, expect, it } from 'vitest';
import { canApply, nextOperationStatus, type OperationMachineEvent } from '../../src/refresh/operations/index.ts';
import { admit, MAX_WAITING } from '../../src/refresh/manager/index.ts';
import { evolveOperation, OPERATION_STATUSES, type OperationEvent, type OperationStatus, resourcesOf, retryDelayMs } from '../../src/refresh/operations/index.ts';

// Flink's OperationStatus.isValidStatusTransition table (research note §2).
const LEGAL: Record<OperationStatus, OperationStatus[]> = {
  INITIALIZED: ['PENDING', 'CANCELED', 'CLOSED', 'TIMEOUT', 'ERROR'],
  PENDING: ['RUNNING', 'CANCELED', 'CLOSED', 'TIMEOUT', 'ERROR'],
  RUNNING: ['FINISHED', 'CANCELED', 'CLOSED', 'TIMEOUT', 'ERROR'],
  FINISHED: ['CLOSED'],
  CANCELED: ['CLOSED'],
  TIMEOUT: ['CLOSED'],
  ERROR: ['CLOSED'],
  CLOSED: [],
};
const EVENT_TO: Record<OperationStatus, OperationMachineEvent | undefined> = {
  INITIALIZED: undefined,
  PENDING: { type: 'SUBMIT' },
  RUNNING: { type: 'START' },
  FINISHED: { type: 'FINISH' },
  CANCELED: { type: 'CANCEL' },
  CLOSED: { type: 'CLOSE' },
  ERROR: { type: 'FAIL' },
  TIMEOUT: { type: 'TIME_OUT' },
};

describe('operation machine', () => {
  it("allows exactly Flink's transitions", () => {
    for (const from of OPERATION_STATUSES) {
      for (const to of OPERATION_STATUSES) {
        const event = EVENT_TO[to];
        if (!event) continue;
        const legal = LEGAL[from].includes(to);
        expect([from, to, canApply(from, event)]).toEqual([from, to, legal]);
        if (legal) expect(nextOperationStatus(from, event, 'h')).toBe(to);
        else expect(() => nextOperationStatus(from, event, 'h')).toThrow(`Failed to convert the Operation Status from ${from} to ${to} for h.`);
      }
    }
  });
});

const submitted = (kind: 'periodic' | 'one-time' = 'periodic'): OperationEvent => ({
  type: 'RefreshSubmitted',
  data: { operationHandle: 'h', table: 't', kind, scheduleTime: null, partitions: {}, dynamicOptions: {}, executionConfig: {}, threads: null, timeoutMs: null, maxAttempts: 3, disposition: 'started', workflowId: null, manual: false, submittedAt: 1000 },
});
const d = { operationHandle: 'h', table: 't' };

describe('evolveOperation', () => {
  it('given submitted, started, a failed attempt, a retry and a success: FINISHED with one retry and the timings', () => {
    const events: OperationEvent[] = [
      submitted(),
      { type: 'RefreshAttemptStarted', data: { ...d, attempt: 1, startedAt: 1000 } },
      { type: 'RefreshAttemptFailed', data: { ...d, attempt: 1, error: 'boom', failedAt: 1100, retryAt: 2100 } },
      { type: 'RefreshAttemptStarted', data: { ...d, attempt: 2, startedAt: 2100 } },
      { type: 'RefreshFinished', data: { ...d, attempt: 2, rowsWritten: 5, rowsDeleted: 4, finishedAt: 2300 } },
    ];
    const statuses: string[] = [];
    let s;
    for (const e of events) {
      s = evolveOperation(s, e);
      statuses.push(s.status);
    }
    expect(statuses).toEqual(['PENDING', 'RUNNING', 'RUNNING', 'RUNNING', 'FINISHED']);
    expect(s).toMatchObject({ attempt: 2, retryCount: 1, durationMs: 1300, rowsWritten: 5, rowsDeleted: 4, error: null, nextAttemptAt: null, version: 5 });
    // Round-trips through JSON unchanged.
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('refuses a history Flink would call illegal', () => {
    const finished = [submitted(), { type: 'RefreshAttemptStarted', data: { ...d, attempt: 1, startedAt: 1 } }, { type: 'RefreshFinished', data: { ...d, attempt: 1, rowsWritten: 0, rowsDeleted: 0, finishedAt: 2 } }] as OperationEvent[];
    const s = finished.reduce<ReturnType<typeof evolveOperation> | undefined>((acc, e) => evolveOperation(acc, e), undefined);
    expect(() => evolveOperation(s, { type: 'RefreshCanceled', data: { ...d, reason: 'x', canceledAt: 3 } })).toThrow('from FINISHED to CANCELED');
    expect(() => evolveOperation(s, { type: 'RefreshAttemptStarted', data: { ...d, attempt: 2, startedAt: 3 } })).toThrow('from FINISHED to RUNNING');
    expect(evolveOperation(s, { type: 'RefreshClosed', data: { ...d, closedAt: 4 } }).status).toBe('CLOSED');
  });
});

describe('overlap admission', () => {
  const idle = { running: null, queue: [] };
  const busy = { running: 'a', queue: ['b'] };
  it('starts when the lane is free, whatever the policy', () => {
    for (const p of ['skip', 'buffer-one', 'buffer-all', 'cancel-other'] as const) expect(admit(idle, p, 'periodic')).toEqual({ disposition: 'started', cancel: [], admit: true });
  });
  it('applies the policy when busy; one-time refreshes always wait', () => {
    expect(admit(busy, 'skip', 'periodic')).toMatchObject({ disposition: 'skipped-overlap', admit: false });
    expect(admit({ running: 'a', queue: [] }, 'buffer-one', 'periodic')).toMatchObject({ disposition: 'queued', admit: true });
    expect(admit(busy, 'buffer-one', 'periodic')).toMatchObject({ disposition: 'skipped-overlap', admit: false });
    expect(admit(busy, 'buffer-all', 'periodic')).toMatchObject({ disposition: 'queued', admit: true });
    expect(admit(busy, 'cancel-other', 'periodic')).toEqual({ disposition: 'cancelled-other', cancel: ['a', 'b'], admit: true });
    expect(admit(busy, 'skip', 'one-time')).toMatchObject({ disposition: 'queued', admit: true });
  });
  it('bounds the waiting queue of scheduled refreshes; one-time refreshes and cancel-other still get in', () => {
    const full = { running: 'a', queue: Array.from({ length: MAX_WAITING }, (_, i) => `q${i}`) };
    expect(admit({ ...full, queue: full.queue.slice(1) }, 'buffer-all', 'periodic')).toMatchObject({ disposition: 'queued', admit: true });
    expect(admit(full, 'buffer-all', 'periodic')).toEqual({ disposition: 'skipped-backlog', cancel: [], admit: false });
    expect(admit(full, 'buffer-all', 'one-time')).toMatchObject({ disposition: 'queued', admit: true });
    expect(admit(full, 'cancel-other', 'periodic')).toMatchObject({ disposition: 'cancelled-other', admit: true });
  });
});

describe('execution config and backoff', () => {
  it('maps parallelism to threads and freshet.refresh.timeout to a timeout', () => {
    expect(resourcesOf({})).toEqual({ threads: null, timeoutMs: null });
    expect(resourcesOf({ 'parallelism.default': '4', 'freshet.refresh.timeout': '90 s' })).toEqual({ threads: 4, timeoutMs: 90_000 });
    expect(resourcesOf({ 'table.exec.resource.default-parallelism': '2', 'parallelism.default': '8' })).toEqual({ threads: 2, timeoutMs: null });
    expect(resourcesOf({ 'parallelism.default': '-1', 'freshet.refresh.timeout': '5 min' })).toEqual({ threads: null, timeoutMs: 300_000 });
    expect(() => resourcesOf({ 'parallelism.default': 'many' })).toThrow("Could not parse value 'many' for key 'parallelism.default'");
    expect(() => resourcesOf({ 'freshet.refresh.timeout': 'soon' })).toThrow("Could not parse value 'soon' for key 'freshet.refresh.timeout'");
  });
  it('backs off exponentially up to the cap', () => {
    const p = { maxAttempts: 5, initialBackoffMs: 1000, maxBackoffMs: 5000 };
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, p))).toEqual([1000, 2000, 4000, 5000]);
  });
});
