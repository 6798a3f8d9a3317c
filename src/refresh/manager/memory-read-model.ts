import { NO_CHECKPOINT, type Checkpoint } from '../../projections/index.ts';
import { isTerminalStatus, type OperationStatus } from '../operations/index.ts';
import { endedOpen, newerLast, partitionKey, type LoadedRefreshModel, type OperationsPage, type RefreshReadModel, type StoredOperation, type StoredTable } from './read-model.ts';

/**
 * The refresh read model in memory: for the in-memory store and for a manager given no read model, where it starts
 * empty and the manager folds the whole log into it. Same rules as the SQLite one (rows only take newer versions,
 * the checkpoint only moves forward), so the contract test runs on both.
 */
export function memoryRefreshModel(): RefreshReadModel {
  let checkpoint: Checkpoint = NO_CHECKPOINT;
  const tables = new Map<string, StoredTable>();
  const ops = new Map<string, StoredOperation>();
  /** Handles per table in `seq` order (submissions arrive in log order, so inserts are appends). */
  const byTable = new Map<string, string[]>();
  const byFire = new Map<string, string>();
  const ofTable = (table: string): StoredOperation[] => (byTable.get(table) ?? []).map((h) => ops.get(h)!);
  return {
    load: async (): Promise<LoadedRefreshModel> => ({
      checkpoint,
      tables: [...tables.values()].map((t) => structuredClone(t)),
      open: [...ops.values()].filter((o) => !isTerminalStatus(o.state.status)).sort((a, b) => a.seq - b.seq).map((o) => structuredClone(o)),
      lastSeq: Math.max(0, ...[...ops.values()].map((o) => o.seq)),
    }),
    save: async (cp, changedTables, changedOps) => {
      for (const t of changedTables) {
        const had = tables.get(t.state.definition.identifier);
        if (!had || had.state.version <= t.state.version) tables.set(t.state.definition.identifier, structuredClone(t));
      }
      for (const o of changedOps) {
        const had = ops.get(o.state.operationHandle);
        if (had && had.state.version >= o.state.version) continue;
        // A row keeps the seq it was first saved with (a later save of a fetched operation may not know it).
        ops.set(o.state.operationHandle, { state: structuredClone(o.state), seq: had?.seq ?? o.seq });
        if (had) continue;
        const list = byTable.get(o.state.table) ?? [];
        let i = list.length;
        while (i > 0 && ops.get(list[i - 1]!)!.seq > o.seq) i--;
        list.splice(i, 0, o.state.operationHandle);
        byTable.set(o.state.table, list);
        if (o.state.workflowId !== null && o.state.nominalTime !== undefined) byFire.set(`${o.state.workflowId}@${o.state.nominalTime}`, o.state.operationHandle);
      }
      if (cp.position >= checkpoint.position) checkpoint = cp;
    },
    operation: async (handle) => structuredClone(ops.get(handle)?.state),
    operationOfFire: async (workflowId, nominalTime) => {
      const handle = byFire.get(`${workflowId}@${nominalTime}`);
      return handle === undefined ? undefined : structuredClone(ops.get(handle)?.state);
    },
    operationOfBackfill: async (table, backfillId, index) => structuredClone(ofTable(table).find((o) => o.state.backfill?.id === backfillId && o.state.backfill.index === index)?.state),
    operations: async (table, page): Promise<OperationsPage> => {
      const older = ofTable(table).filter((o) => page.before === undefined || o.seq < page.before).reverse();
      const taken = older.slice(0, page.limit);
      return { operations: structuredClone(taken), next: older.length > page.limit ? taken.at(-1)!.seq : null };
    },
    async *allOperations(table) {
      for (const o of ofTable(table)) yield structuredClone(o);
    },
    lastEnded: async (table) => {
      let best: StoredOperation | undefined;
      for (const o of ofTable(table)) if (endedOpen(o.state) && (!best || newerLast(o, best))) best = o;
      return structuredClone(best?.state);
    },
    lastByPartition: async (table) => {
      const last = new Map<string, OperationStatus>();
      for (const o of ofTable(table)) last.set(partitionKey(o.state.partitions), o.state.status);
      return last;
    },
  };
}
