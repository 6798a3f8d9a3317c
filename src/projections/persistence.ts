import type { WorkflowState } from '../workflows/index.ts';
import { MemoryOccurrences } from './memory-occurrences.ts';
import type { OccurrenceIndex } from './occurrence-reads.ts';
import type { OccurrenceBatch } from './occurrence-writes.ts';

export interface ProjectedWorkflow {
  state: WorkflowState;
  version: number;
}

/**
 * How far the read model has read the log: the position of the last event it applied, and that event's
 * fingerprint (checkpoint.ts), so a read model put beside another log, or beside a log that lost its tail, is
 * caught at open instead of serving workflows the log does not have. `event` is null at position 0, and for a
 * checkpoint saved by a freshet that did not record it.
 */
export interface Checkpoint {
  position: number;
  event: string | null;
}

export const NO_CHECKPOINT: Checkpoint = Object.freeze({ position: 0, event: null });

export interface LoadedReadModel {
  checkpoint: Checkpoint;
  rows: Map<string, ProjectedWorkflow>;
  /**
   * The log position the indexed ledger reflects. Behind the checkpoint after a rebuild of the rows or an upgrade
   * from a read model without it (0): the projection then replays the log into the ledger alone from there.
   */
  ledgerPosition: number;
}

/** Ledger writes to save with the rows, and the log position they bring the ledger to. */
export interface LedgerSave {
  batch: OccurrenceBatch;
  position: number;
}

/** Where a read model and its log live, in the words an operator uses to find them (a path, a schema). */
export interface ReadModelLocation {
  readModel: string;
  log: string;
  /** The store options that reach this log from the CLI, for the commands a message suggests. */
  storeArgs: string;
}

/**
 * Where the WorkflowInfo read model keeps its rows and its checkpoint between runs. The log stays the truth: a
 * lost or stale checkpoint only means replaying more of it.
 */
export interface ProjectionPersistence {
  readonly location: ReadModelLocation;
  /** What opening it had to do that an operator should hear about (a damaged file moved aside, say). */
  readonly notices: readonly string[];
  /** The indexed ledger, as saved (occurrence-reads.ts). */
  readonly occurrences: OccurrenceIndex;
  load(): Promise<LoadedReadModel>;
  /** Saves changed rows and the checkpoint they reflect, and the ledger's writes with its position, atomically. */
  save(checkpoint: Checkpoint, changed: ReadonlyMap<string, ProjectedWorkflow>, ledger?: LedgerSave): Promise<void>;
  /**
   * Replaces the rows with a model rebuilt from the log (freshet replay --rebuild), atomically. The ledger is
   * emptied and set back to position 0, so the next start rebuilds it from the log as well.
   */
  replace(checkpoint: Checkpoint, rows: ReadonlyMap<string, ProjectedWorkflow>): Promise<void>;
  close(): Promise<void>;
}

export function memoryProjectionPersistence(): ProjectionPersistence {
  let saved: LoadedReadModel = { checkpoint: NO_CHECKPOINT, rows: new Map(), ledgerPosition: 0 };
  const occurrences = new MemoryOccurrences();
  return {
    location: { readModel: 'the in-memory read model', log: 'the event log', storeArgs: '' },
    notices: [],
    occurrences,
    load: async () => ({ ...saved, rows: new Map(saved.rows) }),
    save: async (checkpoint, changed, ledger) => {
      const rows = new Map(saved.rows);
      for (const [id, row] of changed) rows.set(id, row);
      if (ledger) occurrences.write(ledger.batch);
      saved = { checkpoint, rows, ledgerPosition: ledger?.position ?? saved.ledgerPosition };
    },
    replace: async (checkpoint, rows) => {
      occurrences.clear();
      saved = { checkpoint, rows: new Map(rows), ledgerPosition: 0 };
    },
    close: async () => undefined,
  };
}
