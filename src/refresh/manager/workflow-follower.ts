import { concatMap, from, type Subscription } from 'rxjs';
import { type CommandContext, type EventStore, VersionConflictError, type RecordedEvent } from '../../events/index.ts';
import { WORKFLOW_STREAM_PREFIX } from '../../workflows/index.ts';
import type { TableRegistry } from './table-registry.ts';
import type { RefreshScheduler } from './types.ts';

export interface FollowerDeps {
  store: EventStore;
  registry: TableRegistry;
  projection: RefreshScheduler['projection'];
  onError: (error: unknown, context: string) => void;
}

const STATUS_EVENTS = ['WorkflowSuspended', 'WorkflowResumed'];

/**
 * A table's status follows its workflow's while freshet runs, not only at the next start (recovery.ts): a pause
 * resumes its workflow by itself, and a workflow suspended or resumed through the workflow API moves its table too,
 * so `tables` never shows a table SUSPENDED that refreshes (or ACTIVATED that does not).
 *
 * Each event is a hint, never the decision: under the table's lock the follower waits for the workflows' read model
 * to reach the event and aligns the table with the workflow's status *now*. A late event (the table was resumed
 * since) therefore changes nothing, and a table command's own workflow change finds its table already aligned.
 */
export function followWorkflowStatus(deps: FollowerDeps, after: number): Subscription {
  return deps.store
    .subscribe({ after, filter: { streamPrefix: WORKFLOW_STREAM_PREFIX, eventTypes: STATUS_EVENTS } })
    .pipe(concatMap((e) => from(align(deps, e).catch((error: unknown) => deps.onError(error, `aligning a table with workflow ${workflowIdOf(e)}`)))))
    .subscribe({ error: (error: unknown) => deps.onError(error, 'following workflow status for tables') });
}

const workflowIdOf = (e: RecordedEvent): string => e.streamName.slice(WORKFLOW_STREAM_PREFIX.length);

async function align(deps: FollowerDeps, e: RecordedEvent): Promise<void> {
  const workflowId = workflowIdOf(e);
  const owner = deps.registry.list().find((t) => t.workflowId === workflowId);
  if (!owner) return;
  const id = owner.definition.identifier;
  await deps.projection.waitFor(e.position);
  await deps.registry.exclusive(id, async () => {
    const table = deps.registry.get(id);
    const workflow = deps.projection.get(workflowId);
    if (!table || table.workflowId !== workflowId || !workflow || table.status === 'INITIALIZING' || table.status === 'GONE') return;
    const ctx: CommandContext = { actor: workflow.lastModifiedBy ?? 'freshet', correlationId: e.metadata.correlationId, reason: `its refresh workflow ${workflowId} was ${workflow.status === 'ACTIVE' ? 'resumed' : 'suspended'}` };
    try {
      if (workflow.status === 'ACTIVE' && table.status === 'SUSPENDED') {
        await deps.registry.append(id, [{ type: 'MaterializedTableResumed', data: { identifier: id, by: ctx.actor, dynamicOptions: null } }], ctx);
      } else if (workflow.status === 'SUSPENDED' && table.status === 'ACTIVATED') {
        const by = workflow.suspendedBy ?? ctx.actor;
        const until = workflow.suspendedUntil === null ? undefined : Date.parse(workflow.suspendedUntil);
        await deps.registry.append(id, [{ type: 'MaterializedTableSuspended', data: { identifier: id, by, reason: workflow.suspendReason, automatic: by === 'freshet-auto-suspend', ...(until !== undefined ? { until } : {}) } }], ctx);
      }
    } catch (error) {
      // Another node aligned it first: its event is the same decision.
      if (!(error instanceof VersionConflictError)) throw error;
    }
  });
}
