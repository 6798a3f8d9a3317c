import type { OccurrenceIndex } from './occurrence-reads.ts';
import { type CommandRow, mergeRows, type OccurrenceBatch, type OccurrenceRow, type SkippedRange } from './occurrence-writes.ts';

/** The indexed ledger in memory (tests, the in-memory store): the same merge as the databases' upserts. */
export class MemoryOccurrences implements OccurrenceIndex {
  private readonly byWorkflow = new Map<string, Map<number, OccurrenceRow>>();
  private readonly skipped = new Map<string, SkippedRange[]>();
  private readonly commandRows = new Map<string, CommandRow[]>();

  write(batch: OccurrenceBatch): void {
    for (const r of batch.rows.values()) {
      const rows = this.byWorkflow.get(r.workflowId) ?? new Map<number, OccurrenceRow>();
      this.byWorkflow.set(r.workflowId, rows);
      const prev = rows.get(r.nominalTime);
      rows.set(r.nominalTime, prev ? mergeRows(prev, r) : r);
    }
    const addOnce = <T extends { workflowId: string; version: number }>(into: Map<string, T[]>, items: readonly T[]): void => {
      for (const item of items) {
        const list = into.get(item.workflowId) ?? [];
        if (!list.some((x) => x.version === item.version)) list.push(item);
        into.set(item.workflowId, list.sort((a, b) => a.version - b.version));
      }
    };
    addOnce(this.skipped, batch.ranges);
    addOnce(this.commandRows, batch.commands);
  }

  clear(): void {
    this.byWorkflow.clear();
    this.skipped.clear();
    this.commandRows.clear();
  }

  async rows(id: string, q: { from: number; to: number; order: 'asc' | 'desc'; limit: number }): Promise<OccurrenceRow[]> {
    const inside = [...(this.byWorkflow.get(id)?.values() ?? [])].filter((r) => r.nominalTime >= q.from && r.nominalTime <= q.to);
    return inside.sort((a, b) => (q.order === 'asc' ? a.nominalTime - b.nominalTime : b.nominalTime - a.nominalTime)).slice(0, q.limit);
  }

  async ranges(id: string, from: number, to: number): Promise<SkippedRange[]> {
    return (this.skipped.get(id) ?? []).filter((r) => r.toInclusive >= from && r.fromExclusive < to);
  }

  async commands(id: string): Promise<CommandRow[]> {
    return [...(this.commandRows.get(id) ?? [])];
  }
}
