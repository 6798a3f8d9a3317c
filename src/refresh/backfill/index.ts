/**
 * Backfills: a range of a table's past nominal times, planned into the distinct partitions they refresh (Flink's
 * rule), run as one refresh per partition and recorded in their own streams.
 */
export { BackfillService, MAX_NOMINAL_TIMES, type BackfillPlan } from './backfill-service.ts';
export { REPROCESS, statusOf, type BackfillState, type BackfillStatus, type Reprocess } from './events.ts';
export { planBackfill, type PlannedPartition } from './plan.ts';
export { partitionRuleOf } from './partition-rule.ts';
