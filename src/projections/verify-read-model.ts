import type { EventStore } from '../events/index.ts';
import { checkCheckpoint } from './checkpoint.ts';
import { ReadModelMismatchError, UnreadableEventError } from './errors.ts';
import type { LoadedReadModel, ProjectedWorkflow, ReadModelLocation } from './persistence.ts';
import { diffProjections } from './rebuild.ts';
import type { LogCheck } from './verify-log.ts';
import { applyWorkflowEvent } from './workflow-projection.ts';

const SHOWN = 10;
const clip = (value: unknown): string => {
  const text = JSON.stringify(value) ?? 'none';
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
};
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where two JSON values differ, as paths (`state.status`), so a person sees the field, not two screens of JSON. */
function differences(a: unknown, b: unknown, path: string, found: string[]): void {
  if (found.length >= 5) return;
  if (isObject(a) && isObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) differences(a[key], b[key], path ? `${path}.${key}` : key, found);
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    found.push(`${path || 'the row'}: saved ${clip(a)}, rebuilt ${clip(b)}`);
  }
}
const describeDifference = (saved: unknown, rebuilt: unknown): string => {
  const found: string[] = [];
  differences(JSON.parse(JSON.stringify(saved ?? null)), JSON.parse(JSON.stringify(rebuilt ?? null)), '', found);
  return found.join('; ');
};

/**
 * Compares the read model freshet saved with one rebuilt from the log up to `rebuilt.position`. The saved one must
 * belong to this log (checkpoint.ts) and, caught up from its checkpoint to exactly that position, equal the rebuild:
 * events a running freshet writes meanwhile are then in neither or both.
 */
export async function verifyReadModel(
  store: EventStore,
  saved: LoadedReadModel,
  rebuilt: { rows: ReadonlyMap<string, ProjectedWorkflow>; position: number },
  where: ReadModelLocation,
): Promise<LogCheck> {
  const name = 'read model';
  try {
    await checkCheckpoint(store, saved.checkpoint, where);
  } catch (error) {
    if (!(error instanceof ReadModelMismatchError)) throw error;
    return { name, outcome: 'failed', detail: `${where.readModel} does not belong to this log`, problems: [error.message] };
  }
  const rows = new Map(saved.rows);
  await catchUp(store, rows, saved.checkpoint.position, rebuilt.position, where.log);
  const differing = diffProjections(rows, rebuilt.rows);
  const at = `checkpoint ${saved.checkpoint.position}, compared at position ${rebuilt.position}`;
  if (differing.length === 0) return { name, outcome: 'ok', detail: `${where.readModel} equals a rebuild from the log (${rebuilt.rows.size} workflow(s), ${at})`, problems: [] };
  return {
    name,
    outcome: 'failed',
    detail: `${differing.length} workflow(s) of ${where.readModel} differ from a rebuild from the log (${at})`,
    problems: differing.slice(0, SHOWN).map((d) => `workflow ${d.workflowId}: ${describeDifference(d.live, d.rebuilt)}`),
  };
}

/** Events the schemas check reports are left out here as in the rebuild, so they are not counted twice. */
async function catchUp(store: EventStore, rows: Map<string, ProjectedWorkflow>, from: number, to: number, log: string): Promise<void> {
  for (let after = from; after < to; ) {
    const page = await store.readAll({ after, maxCount: 5_000 });
    if (page.length === 0) return;
    for (const e of page) {
      if (e.position > to) return;
      try {
        applyWorkflowEvent(rows, e, log);
      } catch (error) {
        if (!(error instanceof UnreadableEventError)) throw error;
      }
      after = e.position;
    }
  }
}
