import { atOwnVersion, type CommandContext, decideAndAppend, eventMetadata, type EventStore, type RecordedEvent, SerialPerKey } from '../../events/index.ts';
import type { Clock } from '../../clock/index.ts';
import { asOperationEvent, type OperationEvent, type OperationHandle, operationStreamName } from './events.ts';
import { evolveOperation, type OperationState } from './state.ts';

const SCHEMA_VERSION = 1;

/**
 * The write side of operations: each record folds the new events onto the operation's state (so an illegal Flink
 * transition throws before anything is written), then appends them with the version the state was built from.
 * Records for one operation are chained, so the runner and a concurrent cancel never race each other's version;
 * a conflict can then only come from another process and is reported, not retried blindly (decideAndAppend with
 * one attempt).
 */
export class OperationLog {
  private readonly states = new Map<OperationHandle, OperationState>();
  private readonly serial = new SerialPerKey();

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly onRecorded: (event: OperationEvent, state: OperationState) => void,
  ) {}

  get(handle: OperationHandle): OperationState | undefined {
    return this.states.get(handle);
  }

  all(): OperationState[] {
    return [...this.states.values()];
  }

  /** Folds one recorded event at start-up (does not notify); returns it as an operation event, if it is one. */
  load(recorded: RecordedEvent): OperationEvent | undefined {
    const event = asOperationEvent(recorded);
    if (!event) return undefined;
    const next = evolveOperation(this.states.get(event.data.operationHandle), event);
    this.states.set(event.data.operationHandle, { ...next, version: recorded.version });
    return event;
  }

  /**
   * Appends `build(state)` (computed once the previous record of this operation has settled) and returns the new
   * state. `build` returning [] records nothing.
   */
  record(handle: OperationHandle, build: (state: OperationState | undefined) => OperationEvent[], ctx: CommandContext): Promise<OperationState> {
    return this.serial.run(handle, () => this.append(handle, build, ctx));
  }

  private async append(handle: OperationHandle, build: (state: OperationState | undefined) => OperationEvent[], ctx: CommandContext): Promise<OperationState> {
    const done = await decideAndAppend<OperationState | undefined, OperationEvent>({
      store: this.store,
      stream: operationStreamName(handle),
      read: () => atOwnVersion(this.states.get(handle)),
      decide: (state) => {
        const events = build(state);
        if (events.length === 0 && !state) throw new Error(`Operation ${handle} does not exist.`);
        for (const event of events) state = evolveOperation(state, event); // an illegal transition throws here
        return events;
      },
      envelopes: (events, at) => {
        const metadata = eventMetadata(ctx, at);
        return events.map((e) => ({ type: e.type, schemaVersion: SCHEMA_VERSION, data: e.data, metadata }));
      },
      now: () => this.clock.now(),
      // One process runs an operation: a conflict means another one wrote to it, which is reported, not decided over.
      attempts: 1,
    });
    let state = done.before.state;
    for (const e of done.events) state = evolveOperation(state, e);
    const after = { ...(state as OperationState), version: done.version };
    this.states.set(handle, after);
    let folded = done.before.state;
    for (const e of done.events) {
      folded = evolveOperation(folded, e);
      this.onRecorded(e, folded);
    }
    return after;
  }
}
