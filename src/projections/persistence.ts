import type { WorkflowState } from '../workflows/index.ts';

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
  load(): Promise<LoadedReadModel>;
  /** Saves changed rows and the checkpoint they reflect, atomically. */
  save(checkpoint: Checkpoint, changed: ReadonlyMap<string, ProjectedWorkflow>): Promise<void>;
  /** Replaces everything with a model rebuilt from the log (freshet replay --rebuild), atomically. */
  replace(checkpoint: Checkpoint, rows: ReadonlyMap<string, ProjectedWorkflow>): Promise<void>;
  close(): Promise<void>;
}

export function memoryProjectionPersistence(): ProjectionPersistence {
  let saved: LoadedReadModel = { checkpoint: NO_CHECKPOINT, rows: new Map() };
  return {
    location: { readModel: 'the in-memory read model', log: 'the event log', storeArgs: '' },
    notices: [],
    load: async () => ({ checkpoint: saved.checkpoint, rows: new Map(saved.rows) }),
    save: async (checkpoint, changed) => {
      const rows = new Map(saved.rows);
      for (const [id, row] of changed) rows.set(id, row);
      saved = { checkpoint, rows };
    },
    replace: async (checkpoint, rows) => {
      saved = { checkpoint, rows: new Map(rows) };
    },
    close: async () => undefined,
  };
}
