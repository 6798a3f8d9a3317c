import { MISFIRE_POLICIES, type MisfirePolicy } from '../workflows/index.ts';
import { memoryProjectionPersistence, openProjectionPersistence } from '../projections/index.ts';
import { durationMs, requireTimeZone, UnknownTimeZoneError } from '../clock/index.ts';
import { openEventStore, storeKindOf } from '../events/index.ts';
import { EmbeddedWorkflowScheduler } from './embedded-scheduler.ts';
import { type ConfigOption, ValidationException, type WorkflowSchedulerFactory, type WorkflowSchedulerFactoryContext } from './factory.ts';

const OPTIONAL: ConfigOption[] = [
  { key: 'store', description: "Event store: 'sqlite' (a file in data-dir), 'sqlite:<path>', 'memory', or an esdb:// URL.", defaultValue: 'sqlite' },
  { key: 'data-dir', description: 'Directory of the embedded store and read models.', defaultValue: './data' },
  { key: 'time-zone', description: 'IANA zone of new workflows (default: the host zone, as Flink).' },
  { key: 'misfire-policy', description: 'fire-all (Quartz IGNORE_MISFIRE, Flink\'s), fire-once-now or skip.', defaultValue: 'fire-all' },
  { key: 'catch-up-window', description: 'Missed fires older than this are never replayed.', defaultValue: '24 h' },
  { key: 'misfire-threshold', description: 'A fire later than this is a misfire.', defaultValue: '60 s' },
  { key: 'claim-lead', description: 'How early a fire is durably claimed before its time.', defaultValue: '250 ms' },
];

/** Flink's `embedded` identifier, backed by freshet's durable engine instead of Quartz's RAM store. */
export class EmbeddedWorkflowSchedulerFactory implements WorkflowSchedulerFactory {
  factoryIdentifier(): string {
    return 'embedded';
  }

  requiredOptions(): ConfigOption[] {
    return [];
  }

  optionalOptions(): ConfigOption[] {
    return OPTIONAL;
  }

  async createWorkflowScheduler(context: WorkflowSchedulerFactoryContext): Promise<EmbeddedWorkflowScheduler> {
    const o = context.getWorkflowSchedulerOptions();
    const policy = o['misfire-policy'] ?? 'fire-all';
    if (!MISFIRE_POLICIES.includes(policy as MisfirePolicy)) {
      throw new ValidationException(`Invalid value '${policy}' for option 'misfire-policy': use one of ${MISFIRE_POLICIES.join(', ')}.`);
    }
    const duration = (key: string, fallback: string): number => {
      const text = o[key] ?? fallback;
      const ms = durationMs(text);
      if (ms === undefined) throw new ValidationException(`Invalid duration '${text}' for option '${key}': use a whole number and a unit (ms, s, min, h, d), e.g. '24 h'.`);
      return ms;
    };
    const timeZone = o['time-zone'];
    try {
      if (timeZone !== undefined) requireTimeZone(timeZone, "option 'time-zone'");
    } catch (error) {
      if (error instanceof UnknownTimeZoneError) throw new ValidationException(error.message);
      throw error;
    }
    const spec = o.store ?? 'sqlite';
    const dataDir = o['data-dir'] ?? './data';
    try {
      storeKindOf(spec);
    } catch (error) {
      throw new ValidationException((error as Error).message);
    }
    const store = context.store ?? openEventStore(spec, dataDir, { ...(context.clock ? { clock: context.clock } : {}) });
    const projection = context.store ? memoryProjectionPersistence() : openProjectionPersistence(spec, dataDir);
    return new EmbeddedWorkflowScheduler({
      store,
      ownsStore: !context.store,
      projection,
      ...(context.refreshTrigger ? { trigger: context.refreshTrigger } : {}),
      ...(context.clock ? { clock: context.clock } : {}),
      defaults: {
        ...(timeZone ? { timeZone } : {}),
        misfirePolicy: policy as MisfirePolicy,
        catchUpWindowMs: duration('catch-up-window', '24 h'),
      },
      engine: { misfireThresholdMs: duration('misfire-threshold', '60 s'), claimLeadMs: duration('claim-lead', '250 ms') },
    });
  }
}
