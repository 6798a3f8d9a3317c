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

  /** Folds one recorded event at start-up; returns it as a table event, if it is one. */
  load(recorded: RecordedEvent): TableEvent | undefined {
    const event = asTableEvent(recorded);
    if (!event) return undefined;
    const next = evolveTable(this.states.get(event.data.identifier), event, recorded.version);
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
    let state = done.before.state;
    let version = done.version - done.events.length;
    for (const e of done.events) {
      version += 1;
      state = evolveTable(state, e, version);
      this.onRecorded(e);
    }
    if (state) this.states.set(identifier, state);
    return state;
  }
}
