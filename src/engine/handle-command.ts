import { eventMetadata, type EventStore, VersionConflictError } from '../events/index.ts';
import { decide, type WorkflowCommand, type WorkflowEvent } from '../workflows/index.ts';
import { appendOwn } from './own-append.ts';
import { decideOnto } from './plan-claim.ts';
import type { VersionedState } from './stream-state.ts';

export interface CommandMeta {
  actor: string;
  reason?: string;
  correlationId?: string;
  causationId?: string;
}

export interface Handled {
  events: WorkflowEvent[];
  /** Stream version after the append (unchanged when nothing was appended). */
  version: number;
  /** Global position of the last event appended (0 when nothing was appended). */
  position: number;
  before: VersionedState;
}

const MAX_ATTEMPTS = 5;

/** One command, or several decided in order on the state each leaves (their events are appended together). */
export type Commands = WorkflowCommand | readonly WorkflowCommand[];

/**
 * The command handler's four steps: read the workflow, decide, append with the expected version, and retry only
 * on a version conflict (someone else appended in between; deciding again on fresh state is always safe).
 */
export async function handleCommand(
  store: EventStore,
  workflowId: string,
  key: string,
  build: (now: number) => Commands,
  meta: CommandMeta,
  read: (fresh: boolean) => Promise<VersionedState>,
  now: () => number,
): Promise<Handled> {
  for (let attempt = 1; ; attempt++) {
    const before = await read(attempt > 1); // 1. read
    const at = now();
    const commands = build(at);
    let events: WorkflowEvent[] = []; // 2. decide
    if (!Array.isArray(commands)) events = decide(commands as WorkflowCommand, before.state, key);
    else commands.reduce((state, command) => decideOnto(events, command, state, key, meta), before.state);
    if (events.length === 0) return { events, version: before.version, position: 0, before };
    const metadata = eventMetadata({ ...meta, correlationId: meta.correlationId ?? crypto.randomUUID() }, at);
    try {
      const result = await appendOwn(store, workflowId, events, before.version, metadata); // 3. append
      return { events, version: result.nextExpectedVersion, position: result.position, before };
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= MAX_ATTEMPTS) throw error; // 4. retry on conflict only
    }
  }
}
