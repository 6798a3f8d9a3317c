import type { EventMetadata, EventStore, NewEvent } from '../events/index.ts';
import { WORKFLOW_EVENT_SCHEMA_VERSION, type WorkflowEvent, workflowStreamName } from '../workflows/index.ts';

export const ENGINE_ACTOR = 'freshet-engine';

/** The engine's own decisions carry this actor. */
export const ENGINE_META = { actor: ENGINE_ACTOR } as const;

/**
 * The envelope metadata of the engine's own decisions taken in one pass (every claim due at one wheel bucket,
 * every outcome recorded in one flush): one correlation id and one timestamp for the pass instead of a fresh UUID
 * and ISO string per command. At 10,000 fires a second those were a measurable share of each fire's cost.
 */
export class PassStamp {
  private at = Number.NaN;
  private meta: EventMetadata | undefined;

  metadata(now: number): EventMetadata {
    if (now !== this.at || !this.meta) {
      this.at = now;
      // Frozen: the store then serializes it once for the whole pass (see validation.ts).
      this.meta = Object.freeze({ actor: ENGINE_ACTOR, correlationId: crypto.randomUUID(), occurredAt: new Date(now).toISOString() });
    }
    return this.meta;
  }

  /** The next pass gets a fresh correlation id even at the same millisecond. */
  end(): void {
    this.meta = undefined;
  }
}

/** Workflow events in their envelopes, every one with the same metadata. */
export function envelopes(events: readonly WorkflowEvent[], metadata: EventMetadata): NewEvent[] {
  const out: NewEvent[] = [];
  for (const e of events) out.push({ type: e.type, schemaVersion: WORKFLOW_EVENT_SCHEMA_VERSION, data: e.data, metadata });
  return out;
}

/** The engine's own decisions, appended at the version they were decided on (a pass's first attempt; see LiveWorkflows.appendDecided). */
export function appendOwn(store: EventStore, workflowId: string, events: readonly WorkflowEvent[], expectedVersion: number, metadata: EventMetadata) {
  return store.appendToStream(workflowStreamName(workflowId), envelopes(events, metadata), { expectedVersion });
}
