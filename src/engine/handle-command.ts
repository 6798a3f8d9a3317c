import { type CommandRequest, decideAndAppend, eventMetadata, type EventStore } from '../events/index.ts';
import { decide, type WorkflowCommand, type WorkflowEvent, workflowStreamName } from '../workflows/index.ts';
import { envelopes } from './own-append.ts';
import { decideOnto } from './plan-claim.ts';
import type { VersionedState } from './stream-state.ts';

export interface Handled {
  events: readonly WorkflowEvent[];
  /** Stream version after the append (unchanged when nothing was appended). */
  version: number;
  /** Global position of the last event appended (0 when nothing was appended). */
  position: number;
  before: VersionedState;
}

/** One command, or several decided in order on the state each leaves (their events are appended together). */
export type Commands = WorkflowCommand | readonly WorkflowCommand[];

/**
 * A workflow command through the one write path (decideAndAppend): read the workflow, decide, append with the
 * expected version, retry only on a version conflict. Every event of the decision carries one correlation id.
 */
export function handleCommand(
  store: EventStore,
  workflowId: string,
  key: string,
  build: (now: number) => Commands,
  request: CommandRequest,
  read: (fresh: boolean) => Promise<VersionedState>,
  now: () => number,
): Promise<Handled> {
  const ctx = { ...request, correlationId: request.correlationId ?? crypto.randomUUID() };
  return decideAndAppend<VersionedState['state'], WorkflowEvent>({
    store,
    stream: workflowStreamName(workflowId),
    read,
    decide: (state, at) => {
      const commands = build(at);
      if (!Array.isArray(commands)) return decide(commands as WorkflowCommand, state, key);
      const events: WorkflowEvent[] = [];
      commands.reduce((s, command) => decideOnto(events, command, s, key, ctx), state);
      return events;
    },
    envelopes: (events, at) => envelopes(events, eventMetadata(ctx, at)),
    now,
  });
}
