import type { Clock } from '../../clock/index.ts';
import { atOwnVersion, type CommandContext, decideAndAppend, eventMetadata, type EventStore, type RecordedEvent, SerialPerKey } from '../../events/index.ts';
import { asTableEvent, evolveTable, type TableEvent, type TableState, tableStreamName } from './table-events.ts';

/**
 * The write side of table lifecycles. Work on one table is chained, so a CREATE and a DROP of the same name
 * never interleave; each append carries the version the decision was made on.
 */
export class TableRegistry {
  private readonly states = new Map<string, TableState>();
  private readonly serial = new SerialPerKey();

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly onRecorded: (event: TableEvent) => void,
  ) {}

  /** The live table (not dropped, not failed) of that identifier. */
  get(identifier: string): TableState | undefined {
    const s = this.states.get(identifier);
    return s && s.status !== 'GONE' ? s : undefined;
  }

  list(): TableState[] {
    return [...this.states.values()].filter((s) => s.status !== 'GONE');
  }

  /** The table's state whatever it is (a dropped one too): what the read model saves. */
  held(identifier: string): TableState | undefined {
    return this.states.get(identifier);
  }

  /** Every table ever known, dropped ones too (their version is where a new table of that name appends). */
  all(): TableState[] {
    return [...this.states.values()];
  }

  /** Tables restored from a read model. */
  restore(states: readonly TableState[]): void {
    for (const s of states) this.states.set(s.definition.identifier, s);
  }

  /**
   * Folds one recorded event read from the log, unless the table has it already (a read of the log catches up with
   * this process's own appends too); returns it as a table event when it was new.
   */
  load(recorded: RecordedEvent): TableEvent | undefined {
    const event = asTableEvent(recorded);
    if (!event) return undefined;
    const held = this.states.get(event.data.identifier);
    if (held && held.version >= recorded.version) return undefined;
    const next = evolveTable(held, event, recorded.version);
    if (next) this.states.set(event.data.identifier, next);
    return event;
  }

  /** Runs `work` after every earlier piece of work on the same table has settled. */
  exclusive<T>(identifier: string, work: () => Promise<T>): Promise<T> {
    return this.serial.run(identifier, work);
  }

  /**
   * Appends at the version last seen for this table (any prior incarnation included). The callers decided these
   * events under `exclusive`, with checks outside any pure decide (the warehouse, the workflow), so a conflict —
   * another process wrote to the table — is reported with nothing written, not decided over again.
   */
  async append(identifier: string, events: TableEvent[], ctx: CommandContext): Promise<TableState | undefined> {
    const done = await decideAndAppend<TableState | undefined, TableEvent>({
      store: this.store,
      stream: tableStreamName(identifier),
      read: () => atOwnVersion(this.states.get(identifier)),
      decide: () => events,
      envelopes: (decided, at) => {
        const metadata = eventMetadata(ctx, at);
        return decided.map((e) => ({ type: e.type, schemaVersion: 1, data: e.data, metadata }));
      },
      now: () => this.clock.now(),
      attempts: 1,
    });
    // As in OperationLog: events a read of the log folded first are not told twice.
    const seen = this.states.get(identifier)?.version ?? 0;
    let state = done.before.state;
    let version = done.version - done.events.length;
    for (const e of done.events) {
      version += 1;
      state = evolveTable(state, e, version);
      if (version <= seen) continue;
      if (state) this.states.set(identifier, state);
      this.onRecorded(e);
    }
    return this.states.get(identifier) ?? state;
  }
}
