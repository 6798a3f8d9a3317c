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

  /**
   * `fetch` finds an operation that is not held (the manager holds the ones in flight; ended ones live in its read
   * model): a record of one (a close, a cancel) folds onto its saved state.
   */
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    /** Told of each event appended, with the state after it and (about) its log position. */
    private readonly onRecorded: (event: OperationEvent, state: OperationState, position: number) => void,
    private readonly fetch: (handle: OperationHandle) => Promise<OperationState | undefined> = async () => undefined,
  ) {}

  /** The operation, if it is held in memory (every operation in flight is). */
  get(handle: OperationHandle): OperationState | undefined {
    return this.states.get(handle);
  }

  all(): OperationState[] {
    return [...this.states.values()];
  }

  /** Holds operations restored from a read model (the ones in flight at its checkpoint). */
  restore(states: readonly OperationState[]): void {
    for (const s of states) this.states.set(s.operationHandle, s);
  }

  /** Lets go of an ended operation once its read model has it. */
  release(handle: OperationHandle): void {
    this.states.delete(handle);
  }

  /** Holds the operation (from the read model when it is not held) and answers it. */
  async ensure(handle: OperationHandle): Promise<OperationState | undefined> {
    const held = this.states.get(handle);
    if (held) return held;
    const fetched = await this.fetch(handle);
    // Another record may have brought it in while the fetch ran: the held state is the newer one.
    if (fetched && !this.states.has(handle)) this.states.set(handle, fetched);
    return this.states.get(handle);
  }

  /**
   * Folds one recorded event read from the log, unless the held state has it already (a read of the log catches up
   * with this process's own appends too); returns the event and the state after it when it was new.
   */
  load(recorded: RecordedEvent): { event: OperationEvent; state: OperationState } | undefined {
    const event = asOperationEvent(recorded);
    if (!event) return undefined;
    const held = this.states.get(event.data.operationHandle);
    if (held && held.version >= recorded.version) return undefined;
    const state = { ...evolveOperation(held, event), version: recorded.version };
    this.states.set(event.data.operationHandle, state);
    return { event, state };
  }

  /**
   * Appends `build(state)` (computed once the previous record of this operation has settled) and returns the new
   * state. `build` returning [] records nothing.
   */
  record(handle: OperationHandle, build: (state: OperationState | undefined) => OperationEvent[], ctx: CommandContext): Promise<OperationState> {
    return this.serial.run(handle, async () => {
      await this.ensure(handle);
      return this.append(handle, build, ctx);
    });
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
    // A read of the log may have folded these very events already (it saw them committed before this append
    // returned): each is told once, by whichever saw it first.
    const seen = this.states.get(handle)?.version ?? 0;
    let folded = done.before.state;
    let version = done.version - done.events.length;
    for (const [i, e] of done.events.entries()) {
      version += 1;
      folded = { ...evolveOperation(folded, e), version };
      if (version > seen) {
        this.states.set(handle, folded);
        // One append's events take consecutive positions in the stores freshet has; where one does not, this still
        // falls between the appends before and after it, which is all an order of submissions needs.
        this.onRecorded(e, folded, done.position - (done.events.length - 1 - i));
      }
    }
    return this.states.get(handle) ?? (folded as OperationState);
  }
}
