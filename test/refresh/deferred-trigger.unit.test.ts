import { describe, expect, it } from 'vitest';
import { deferredRefreshTrigger } from '../../src/refresh/index.ts';

describe('the deferred trigger the runtime fires through', () => {
  it('forwards recall to the manager it is bound to, so a restart can ask what a crash left behind', async () => {
    const deferred = deferredRefreshTrigger();
    await expect(deferred.trigger.recall!('wf', 1)).rejects.toThrow(/not bound/);
    deferred.bind({ fire: async () => undefined, recall: async (id, t) => (id === 'wf' && t === 1 ? { firedAt: 5, operationHandle: 'op' } : null) });
    expect(await deferred.trigger.recall!('wf', 1)).toEqual({ firedAt: 5, operationHandle: 'op' });
    expect(await deferred.trigger.recall!('wf', 2)).toBeNull();
  });
});
