import type { WorkflowState } from '../workflows/index.ts';

export interface ProjectedWorkflow {
  state: WorkflowState;
  version: number;
}

/**
 * Where the WorkflowInfo read model keeps its rows and its checkpoint between runs. The log stays the truth: a
 * lost or stale checkpoint only means replaying more of it.
 */
export interface ProjectionPersistence {
  load(): Promise<{ position: number; rows: Map<string, ProjectedWorkflow> }>;
  /** Saves changed rows and the position they reflect, atomically. */
  save(position: number, changed: ReadonlyMap<string, ProjectedWorkflow>): Promise<void>;
  close(): Promise<void>;
}

export function memoryProjectionPersistence(): ProjectionPersistence {
  let saved = { position: 0, rows: new Map<string, ProjectedWorkflow>() };
  return {
    load: async () => ({ position: saved.position, rows: new Map(saved.rows) }),
    save: async (position, changed) => {
      const rows = new Map(saved.rows);
      for (const [id, row] of changed) rows.set(id, row);
      saved = { position, rows };
    },
    close: async () => undefined,
  };
}
