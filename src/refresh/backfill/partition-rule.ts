import { zoneOffsets } from '../../cron/index.ts';
import { formatScheduleTime } from '../../engine/index.ts';
import { compileDateFormat, formatterOptionKeys, freshnessToMillis, getPeriodRefreshPartition } from '../flink/index.ts';
import type { MaterializedTableDefinition } from '../manager/index.ts';

const UNIT_MS: Record<string, number> = { S: 1, s: 1_000, m: 60_000, H: 3_600_000 };
const DAY_MS = 86_400_000;

/**
 * What a fire at nominal time t refreshes, by Flink's rule exactly as a periodic fire does (the schedule time as
 * text in the workflow's zone, minus the freshness, formatted per partition field); and a cheap wall-clock bucket
 * of (t - freshness) at the finest field any formatter uses, which planBackfill uses to call the exact rule rarely.
 */
export function partitionRuleOf(d: MaterializedTableDefinition, workflowZone: string) {
  const id = { catalog: d.catalog, database: d.database, table: d.table };
  const partitionOf = (t: number) => getPeriodRefreshPartition(formatScheduleTime(t, workflowZone), d.freshness, id, d.options, d.timeZone);
  const keys = formatterOptionKeys(d.options);
  const finest = Math.min(
    DAY_MS,
    ...keys.flatMap((k) => compileDateFormat(d.options[k]!).parts.flatMap((p) => ('field' in p ? [UNIT_MS[p.field] ?? DAY_MS] : []))),
  );
  const zone = zoneOffsets(d.timeZone);
  const freshness = freshnessToMillis(d.freshness);
  const bucketOf = (t: number) => {
    const u = t - freshness;
    return Math.floor((u + zone.offsetAt(u)) / finest);
  };
  return { partitionOf, bucketOf, partitioned: keys.length > 0 };
}
