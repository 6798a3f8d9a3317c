/**
 * Defect 3 of issue 11: a fire printed five lines with epoch-millisecond times and JSON cut at 120 characters. Given
 * the events of one fire, when described, then one line: table, partition, rows, duration, outcome.
 */
import { describe, expect, it } from 'vitest';
import { createDescriber, type LogEventView } from '../../src/cli/describe-event.ts';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const WF = 'workflow-2bde92e2-ead1-52bd-b296-2fc1c176c4c9';
const OP = 'operation-750c';
let position = 0;
const ev = (streamName: string, type: string, data: unknown, actor?: string, reason?: string): LogEventView => ({
  position: ++position, streamName, type, recordedAt: new Date(T0).toISOString(), data, ...(actor ? { metadata: { actor, ...(reason ? { reason } : {}) } } : {}),
});

describe('one line per thing that happened', () => {
  it('a fire is one line with table, partition, rows, duration and outcome; its other events print nothing', () => {
    const describe_ = createDescriber();
    const fire = [
      ev(WF, 'WorkflowCreated', { tableIdentifier: '`freshet`.`default`.`daily`', cronExpression: '0 0 * * * ?', timeZone: 'UTC' }, 'anonymous'),
      ev(WF, 'FireClaimed', { nominalTime: T0 }),
      ev(WF, 'OccurrenceFired', { nominalTime: T0, operationHandle: '750c' }),
      ev(OP, 'RefreshSubmitted', { operationHandle: '750c', table: '`freshet`.`default`.`daily`', partitions: { ds: '2026-03-01' }, disposition: 'started' }),
      ev(OP, 'RefreshAttemptStarted', { operationHandle: '750c', attempt: 1, startedAt: T0 + 5 }),
      ev(OP, 'RefreshFinished', { operationHandle: '750c', attempt: 1, rowsWritten: 334, rowsDeleted: 0, finishedAt: T0 + 47 }),
      ev(OP, 'RefreshClosed', { operationHandle: '750c', closedAt: T0 + 48 }),
    ].map(describe_);
    expect(fire.filter((l) => l !== undefined)).toEqual([
      'freshet.default.daily: workflow created by anonymous, cron 0 0 * * * ? in UTC',
      'freshet.default.daily ds=2026-03-01: refreshed, 334 rows in 42 ms, ok',
    ]);
  });

  it('failures, suspensions (with who and why) and an automatic table suspension read as sentences', () => {
    const describe_ = createDescriber();
    describe_(ev(WF, 'WorkflowCreated', { tableIdentifier: '`c`.`d`.`t`', cronExpression: '0 0 * * * ?', timeZone: 'UTC' }, 'anonymous'));
    describe_(ev(OP, 'RefreshSubmitted', { operationHandle: 'h', table: '`c`.`d`.`t`', partitions: {} }));
    describe_(ev(OP, 'RefreshAttemptStarted', { operationHandle: 'h', startedAt: T0 }));
    expect(describe_(ev(OP, 'RefreshFailed', { operationHandle: 'h', error: 'Table src does not exist', failedAt: T0 + 9 }))).toBe('c.d.t: refresh failed after 9 ms: Table src does not exist');
    expect(describe_(ev(WF, 'WorkflowSuspended', { at: T0 }, 'alice', 'backfill'))).toBe('c.d.t: workflow suspended by alice (backfill)');
    expect(describe_(ev('mt-1', 'MaterializedTableSuspended', { identifier: '`c`.`d`.`t`', by: 'freshet', reason: '5 consecutive refresh failures', automatic: true }))).toBe(
      'c.d.t: table suspended automatically (5 consecutive refresh failures)',
    );
  });
});
