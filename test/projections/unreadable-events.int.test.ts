import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createSqliteEventStore } from '../../src/events/index.ts';
import { memoryProjectionPersistence, UnreadableEventError, WorkflowProjection } from '../../src/projections/index.ts';
import { created, definition, T0 } from '../support/workflow-fixtures.ts';
import { openError, tempDir } from './read-model-support.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const metadata = { actor: 'test', correlationId: 'c-1', occurredAt: new Date(T0).toISOString() };

/** A data directory whose log holds, after a sound workflow, one event written (checksum and all) with `data`. */
async function logWith(type: string, data: unknown, schemaVersion = 1): Promise<string> {
  const dir = tempDir('unreadable-events');
  dirs.push(dir);
  const store = createSqliteEventStore({ path: join(dir, 'events.sqlite'), writer: 'inline' });
  await store.appendToStream('workflow-ok', [{ type: 'WorkflowCreated', schemaVersion: 1, data: created({ workflowId: 'ok' }).data, metadata }]);
  await store.appendToStream('workflow-abc', [{ type, schemaVersion, data, metadata }]);
  await store.close();
  return dir;
}

describe('an event whose data does not parse under its schema version is refused at open, named by file, position and stream', () => {
  const cases: [string, string, unknown, number, RegExp][] = [
    ['a missing field', 'WorkflowCreated', (({ dynamicOptions: _, ...rest }) => ({ ...rest, createdAt: T0 }))(definition({ workflowId: 'abc' })), 1, /WorkflowCreated data \/dynamicOptions: Expected required property/],
    ['a field of the wrong type', 'WorkflowCreated', { ...definition({ workflowId: 'abc' }), cronExpression: 42, createdAt: T0 }, 1, /WorkflowCreated data \/cronExpression: Expected string/],
    ['data that is not an object', 'WorkflowCreated', 'oops', 1, /WorkflowCreated data \/: Expected object/],
    ['a newer schema version', 'WorkflowCreated', created({ workflowId: 'abc' }).data, 2, /WorkflowCreated has schema version 2; this freshet reads workflow events of version 1/],
    ['an unknown type', 'WorkflowTeleported', {}, 1, /WorkflowTeleported is not a workflow event type this freshet knows/],
  ];
  for (const [what, type, data, schemaVersion, problem] of cases) {
    it(what, async () => {
      const dir = await logWith(type, data, schemaVersion);
      const error = await openError(dir, 'sqlite');
      expect(error).toBeInstanceOf(UnreadableEventError);
      expect(error.message.startsWith(`${join(dir, 'events.sqlite')} position 2 stream workflow-abc: `), error.message).toBe(true);
      expect(error.message).toMatch(problem);
    });
  }
});

describe('a table event the manager cannot load is refused at open, named the same way', () => {
  it('a MaterializedTableCreating without its fields (today: Cannot read properties of undefined)', async () => {
    const dir = tempDir('unreadable-events');
    dirs.push(dir);
    const store = createSqliteEventStore({ path: join(dir, 'events.sqlite'), writer: 'inline' });
    await store.appendToStream('mt-abc', [{ type: 'MaterializedTableCreating', schemaVersion: 1, data: {}, metadata }]);
    await store.close();
    const error = await openError(dir, 'sqlite');
    expect(error).toBeInstanceOf(UnreadableEventError);
    expect(error.message).toMatch(new RegExp(`^${join(dir, 'events.sqlite')} position 1 stream mt-abc: MaterializedTableCreating data /identifier: Expected required property\\.`));
  });
});

describe('live, after the open', () => {
  it('an unreadable event is reported with its place and read past; the checkpoint still names the event at its position', async () => {
    const dir = tempDir('unreadable-events');
    dirs.push(dir);
    const store = createSqliteEventStore({ path: join(dir, 'events.sqlite'), writer: 'inline' });
    const persistence = memoryProjectionPersistence();
    const projection = new WorkflowProjection(store, persistence, 1);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await projection.start();
      const good = await store.appendToStream('workflow-ok', [{ type: 'WorkflowCreated', schemaVersion: 1, data: created({ workflowId: 'ok' }).data, metadata }]);
      const bad = await store.appendToStream('workflow-bad', [{ type: 'WorkflowCreated', schemaVersion: 1, data: {}, metadata }]);
      await projection.waitFor(bad.position);
      expect(projection.list().map((w) => w.workflowId)).toEqual(['ok']);
      expect(errors).toHaveBeenCalledWith(expect.stringMatching(new RegExp(`^\\[freshet projection\\] the event log position ${bad.position} stream workflow-bad: WorkflowCreated data /workflowId: Expected required property`)));
      await projection.stop();
      const saved = await persistence.load();
      const [last] = await store.readAll({ after: bad.position - 1, maxCount: 1 });
      expect(saved.checkpoint).toEqual({ position: bad.position, event: `${last!.id} recorded at ${last!.recordedAt}` });
    } finally {
      errors.mockRestore();
      await store.close();
    }
  });
});
