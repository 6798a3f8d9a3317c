import { systemClock } from '../../clock/index.ts';
import type { EventStore } from '../../events/index.ts';
import { OperationLog } from '../operations/index.ts';
import { memoryRefreshModel } from './memory-read-model.ts';
import { RefreshViews, summarize, type RefreshHistoryEntry } from './projection.ts';
import { RefreshState } from './refresh-state.ts';
import { TableRegistry } from './table-registry.ts';
import type { RefreshStatus } from './types.ts';

export interface RebuiltRefreshViews {
  /** A plain, comparable image of every table's status and history (for the rebuild-equals-live check). */
  snapshot(): Promise<Record<string, { status: RefreshStatus; history: RefreshHistoryEntry[] }>>;
}

/** Folds the whole log into a fresh read model: what the live manager's answers must equal. */
export async function rebuildRefreshViews(store: EventStore): Promise<RebuiltRefreshViews> {
  const model = memoryRefreshModel();
  const views = new RefreshViews();
  const registry = new TableRegistry(store, systemClock, () => undefined);
  const log = new OperationLog(store, systemClock, () => undefined, (h) => model.operation(h));
  const state = new RefreshState({ store, model, registry, log, views, logName: 'the event log', onError: () => undefined });
  await state.start();
  return {
    snapshot: async () => {
      const out: Record<string, { status: RefreshStatus; history: RefreshHistoryEntry[] }> = {};
      for (const table of views.tablesKnown()) {
        const history: RefreshHistoryEntry[] = [];
        for await (const o of model.allOperations(table)) history.push({ table, ...summarize(o.state) });
        history.sort((a, b) => Date.parse(a.submittedAt) - Date.parse(b.submittedAt));
        const summary = views.summary(table);
        const last = summary?.last === 'unknown' ? ((await model.lastEnded(table)) ?? null) : (summary?.last ?? null);
        out[table] = { status: views.status(table, last), history };
      }
      return out;
    },
  };
}
