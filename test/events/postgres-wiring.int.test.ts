import { afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/events/index.ts';
import { openEventStore, storeKindOf, StoreSpecError } from '../../src/runtime/index.ts';
import { createWorkflow, openApi, type ApiHarness } from '../api/support/api-harness.ts';
import { ev } from './contract.ts';
import { dropSchema, freshSchema, pgSkip, withSchema } from './postgres-server.ts';

const describePg = pgSkip.skip ? describe.skip : describe;

describe('--store postgres://… names the PostgreSQL store', () => {
  it('is recognised, and an unknown store names it among the choices', () => {
    expect(storeKindOf('postgres://u@db.example:5432/freshet')).toBe('postgres');
    expect(storeKindOf('postgresql://u@db.example/freshet?schema=a')).toBe('postgres');
    expect(() => storeKindOf('mysql://db')).toThrow(StoreSpecError);
    expect(() => storeKindOf('mysql://db')).toThrow(/postgres:\/\//);
  });

  it('an unreachable server fails the first call with StoreUnavailableError naming the server but not the password', async () => {
    const store = openEventStore('postgres://freshet:s3cret@127.0.0.1:1/test?schema=nowhere', '/nonexistent');
    const error: unknown = await store.headPosition().catch((reason: unknown) => reason);
    await store.close();
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toContain('127.0.0.1:1/test (schema nowhere)');
    expect((error as Error).message).not.toContain('s3cret');
  });
});

describePg(`freshet on a PostgreSQL store${pgSkip.skip ? ` (skipped: ${pgSkip.skip})` : ''}`, () => {
  const schemas: string[] = [];
  const harnesses: ApiHarness[] = [];
  afterEach(async () => {
    for (const harness of harnesses.splice(0)) await harness.close();
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  });

  it('keeps a workflow created through the API across a restart on the same schema, and not in another schema', async () => {
    const schema = freshSchema();
    const other = freshSchema();
    schemas.push(schema, other);
    const first = await openApi({ store: withSchema(schema) });
    harnesses.push(first);
    const id = await createWorkflow(first.app);
    await first.close();
    harnesses.pop();

    const second = await openApi({ store: withSchema(schema) });
    harnesses.push(second);
    const listed = await second.app.inject({ method: 'GET', url: '/v1/workflows' });
    expect((listed.json() as { items: { workflowId: string }[] }).items.map((item) => item.workflowId)).toEqual([id]);

    const elsewhere = await openApi({ store: withSchema(other) });
    harnesses.push(elsewhere);
    const none = await elsewhere.app.inject({ method: 'GET', url: '/v1/workflows' });
    expect((none.json() as { items: unknown[] }).items).toEqual([]);
  });

  it('two stores opened from the same spec at once share one schema (the first to open creates it)', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const a = openEventStore(withSchema(schema), '/nonexistent');
    const b = openEventStore(withSchema(schema), '/nonexistent');
    try {
      await Promise.all([a.appendToStream('s', [ev('A')], { expectedVersion: 'no_stream' }), b.appendToStream('t', [ev('B')], { expectedVersion: 'no_stream' })]);
      expect((await b.readAll()).map((event) => event.type).sort()).toEqual(['A', 'B']);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
