import type { EventStore, RecordedEvent } from '../events/index.ts';
import { StreamNotFoundError } from '../events/index.ts';
import { evolve, type WorkflowEvent, type WorkflowState, workflowStreamName } from '../workflows/index.ts';

export interface VersionedState {
  state: WorkflowState | undefined;
  version: number;
}

export const asWorkflowEvent = (e: RecordedEvent): WorkflowEvent => ({ type: e.type, data: e.data }) as WorkflowEvent;

export function foldRecorded(from: VersionedState, events: readonly RecordedEvent[]): VersionedState {
  let { state, version } = from;
  for (const e of events) {
    if (e.version <= version) continue;
    state = evolve(state, asWorkflowEvent(e), e.metadata);
    version = e.version;
  }
  return { state, version };
}

/** Step 1 of the command handler: the workflow as its stream tells it (undefined when there is no stream). */
export async function loadWorkflow(store: EventStore, workflowId: string): Promise<VersionedState> {
  try {
    const events = await store.readStream(workflowStreamName(workflowId));
    return foldRecorded({ state: undefined, version: 0 }, events);
  } catch (error) {
    if (error instanceof StreamNotFoundError) return { state: undefined, version: 0 };
    throw error;
  }
}
