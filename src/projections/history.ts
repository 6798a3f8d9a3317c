import type { RecordedEvent } from '../events/index.ts';
import { evolve, type WorkflowEvent, type WorkflowState } from '../workflows/index.ts';
import { toWorkflowInfo, type WorkflowInfo } from './workflow-info.ts';

export interface HistoryEntry {
  version: number;
  position: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  actor: string;
  reason: string | null;
  correlationId: string;
  causationId: string | null;
  occurredAt: string;
  recordedAt: string;
}

export const toHistoryEntry = (e: RecordedEvent): HistoryEntry => ({
  version: e.version,
  position: e.position,
  type: e.type,
  schemaVersion: e.schemaVersion,
  data: e.data,
  actor: e.metadata.actor,
  reason: e.metadata.reason ?? null,
  correlationId: e.metadata.correlationId,
  causationId: e.metadata.causationId ?? null,
  occurredAt: e.metadata.occurredAt,
  recordedAt: e.recordedAt,
});

/**
 * The workflow as it stood at `instant`: its events recorded up to then, folded. Uses the store's commit time,
 * which is when the change became visible to everyone. Undefined when it did not exist yet.
 */
export function workflowAsOf(events: readonly RecordedEvent[], instant: number): WorkflowInfo | undefined {
  let state: WorkflowState | undefined;
  let version = 0;
  for (const e of events) {
    if (Date.parse(e.recordedAt) > instant) break;
    state = evolve(state, { type: e.type, data: e.data } as WorkflowEvent, e.metadata);
    version = e.version;
  }
  return state ? toWorkflowInfo(state, version) : undefined;
}
