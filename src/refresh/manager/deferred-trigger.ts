import type { RefreshTrigger } from '../../engine/index.ts';

/**
 * The scheduler takes its trigger when it is built, and the manager takes the scheduler: build the scheduler with
 * `deferred.trigger`, then `deferred.bind(manager.asRefreshTrigger())`. A fire before bind() fails (and the engine
 * records the error in the ledger) instead of being lost silently.
 */
export function deferredRefreshTrigger(): { trigger: RefreshTrigger; bind(target: RefreshTrigger): void } {
  let target: RefreshTrigger | undefined;
  return {
    trigger: {
      fire: (request) => {
        if (!target) return Promise.reject(new Error('The refresh trigger is not bound to a MaterializedTableManager yet.'));
        return target.fire(request);
      },
      // Forwarded, so the engine can ask the manager what a crash left behind (see RefreshTrigger.recall).
      recall: (workflowId, nominalTime) => {
        if (!target?.recall) return Promise.reject(new Error('The refresh trigger is not bound to a MaterializedTableManager yet.'));
        return target.recall(workflowId, nominalTime);
      },
      // Unbound, no refresh is known: the ledger keeps such fires as `fired`.
      outcomes: (handles) => target?.outcomes?.(handles) ?? Promise.resolve(new Map()),
    },
    bind(t) {
      target = t;
    },
  };
}
