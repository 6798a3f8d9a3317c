import type { StringMap, WorkflowDefinition } from '../workflows/index.ts';

/**
 * Thousands of workflows repeat the same cron, zone, group and empty option maps; parsed from the log each is a
 * fresh copy. Sharing one copy keeps an idle workflow's heap small (the memory figure is per workflow).
 */
const strings = new Map<string, string>();
const EMPTY: StringMap = Object.freeze({}) as StringMap;

function s(value: string): string {
  const known = strings.get(value);
  if (known !== undefined) return known;
  if (strings.size < 50_000) strings.set(value, value);
  return value;
}

const map = (m: StringMap): StringMap => (Object.keys(m).length === 0 ? EMPTY : m);

export function internDefinition(def: WorkflowDefinition): WorkflowDefinition {
  return {
    ...def,
    workflowGroup: s(def.workflowGroup),
    cronExpression: s(def.cronExpression),
    timeZone: s(def.timeZone),
    misfirePolicy: def.misfirePolicy,
    initConfig: map(def.initConfig),
    executionConfig: map(def.executionConfig),
    dynamicOptions: map(def.dynamicOptions),
  };
}
