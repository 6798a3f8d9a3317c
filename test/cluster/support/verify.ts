import type { RecordedEvent } from '../../../src/events/index.ts';
import { openEventStore } from '../../../src/runtime/index.ts';

/** What the log says of one workflow's nominal times: how many terminal events each got, and who claimed it last. */
export interface LoggedTimes {
  /** Terminal events per nominal time: OccurrenceFired, or a skipped range covering it (each range counts once per second in it). */
  outcomes: Map<number, number>;
  /** The engine id of the last FireClaimed of each nominal time. */
  claimedBy: Map<number, string>;
  /** Nominal times whose OccurrenceFired says recovered. */
  recovered: Set<number>;
}

/**
 * Reads every workflow stream of the store straight from the log (not through a node's read model) and folds the
 * facts the cluster test checks. Skipped ranges are expanded over whole seconds: the workflows are per-second.
 */
export async function readWorkflowLog(store: string): Promise<Map<string, LoggedTimes>> {
  const events = openEventStore(store, '/nonexistent');
  const byWorkflow = new Map<string, LoggedTimes>();
  try {
    const all: RecordedEvent[] = await events.readAll({ filter: { streamPrefix: 'workflow-' } });
    for (const e of all) {
      const id = e.streamName.slice('workflow-'.length);
      let w = byWorkflow.get(id);
      if (!w) byWorkflow.set(id, (w = { outcomes: new Map(), claimedBy: new Map(), recovered: new Set() }));
      const data = e.data as { nominalTime?: number; engineId?: string; recovered?: boolean; fromExclusive?: number; toInclusive?: number };
      const count = (t: number): void => void w.outcomes.set(t, (w.outcomes.get(t) ?? 0) + 1);
      if (e.type === 'FireClaimed') w.claimedBy.set(data.nominalTime!, data.engineId!);
      else if (e.type === 'OccurrenceFired') {
        count(data.nominalTime!);
        if (data.recovered) w.recovered.add(data.nominalTime!);
      } else if (e.type === 'OccurrencesSkipped') {
        for (let t = Math.floor(data.fromExclusive! / 1000) * 1000 + 1000; t <= data.toInclusive!; t += 1000) count(t);
      }
    }
  } finally {
    await events.close();
  }
  return byWorkflow;
}
