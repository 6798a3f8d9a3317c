import { vi } from 'vitest';
import { createMemoryEventStore, type EventStore } from '../../src/events/index.ts';
import { workflowIdOf, type WorkflowDefinition } from '../../src/workflows/index.ts';
import { type RefreshRequest, type RefreshTrigger, WorkflowEngine } from '../../src/engine/index.ts';
import { definition } from './workflow-fixtures.ts';

export interface Fire {
  workflowId: string;
  scheduleTime: string;
  invokedAt: string;
  scheduleTimeText: string;
  manual: boolean;
}

/**
 * An engine on virtual time that records every trigger invocation (ISO instants: easy to read in failures), or
 * runs `trigger` instead (a slow one, say).
 */
export function harness(store: EventStore = createMemoryEventStore(), engineId = 'engine-a', trigger?: RefreshTrigger) {
  const fires: Fire[] = [];
  const engine = new WorkflowEngine({
    store,
    engineId,
    claimLeadMs: 250,
    misfireThresholdMs: 60_000,
    trigger: trigger ?? {
      fire: async (r: RefreshRequest) => {
        fires.push({ workflowId: r.workflowId, scheduleTime: new Date(r.scheduleTime).toISOString(), invokedAt: new Date(Date.now()).toISOString(), scheduleTimeText: r.scheduleTimeText, manual: r.manual });
        return { operationHandle: `op-${fires.length}` };
      },
    },
    onError: (error) => {
      throw error;
    },
  });
  const create = (over: Partial<WorkflowDefinition> = {}) => {
    const def = definition(over);
    const id = workflowIdOf(def.workflowGroup, def.workflowName);
    return engine
      .execute(id, `${def.workflowGroup}.${def.workflowName}`, (now) => ({ type: 'CreateWorkflow', now, def: { ...def, workflowId: id } }), { actor: 'test' })
      .then(() => id);
  };
  const command = (id: string, build: Parameters<WorkflowEngine['execute']>[2]) => engine.execute(id, id, build, { actor: 'test' });
  return { store, engine, fires, create, command };
}

/** Moves virtual time to an absolute instant, running every timer and promise due on the way. */
export async function advanceTo(iso: string): Promise<void> {
  await vi.advanceTimersByTimeAsync(Date.parse(iso) - Date.now());
}
