import { type CommandContext, eventMetadata, type EventStore, type RecordedEvent, SerialPerKey } from '../../events/index.ts';
import type { Clock } from '../../clock/index.ts';
import { asOperationEvent, type OperationEvent, type OperationHandle, operationStreamName } from './events.ts';
import { evolveOperation, type OperationState } from './state.ts';

const SCHEMA_VERSION = 1;

/**
 * The write side of operations: each record folds the new events onto the operation's state (so an illegal Flink
 * transition throws before anything is written), then appends them with the version the state was built from.
 * Records for one operation are chained, so the runner and a concurrent cancel never race each other's version;
 * a conflict can then only come from another process and is reported, not retried blindly.
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
    return this.serial.run(handle, () => this.append(handle, build(this.states.get(handle)), ctx));
  }

  private async append(handle: OperationHandle, events: OperationEvent[], ctx: CommandContext): Promise<OperationState> {
    const before = this.states.get(handle);
    if (events.length === 0) {
      if (!before) throw new Error(`Operation ${handle} does not exist.`);
      return before;
    }
    let state = before;
    for (const event of events) state = evolveOperation(state, event);
    const metadata = eventMetadata(ctx, this.clock.now());
    const result = await this.store.appendToStream(
      operationStreamName(handle),
      events.map((e) => ({ type: e.type, schemaVersion: SCHEMA_VERSION, data: e.data, metadata })),
      { expectedVersion: before ? before.version : 'no_stream' },
    );
    const after = { ...(state as OperationState), version: result.nextExpectedVersion };
    this.states.set(handle, after);
    let folded = before;
    for (const e of events) {
      folded = evolveOperation(folded, e);
      this.onRecorded(e, folded);
    }
    return after;
  }
}
