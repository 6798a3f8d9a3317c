import { EmbeddedWorkflowSchedulerFactory } from './embedded-factory.ts';
import { type ConfigOption, ValidationException, WORKFLOW_SCHEDULER_TYPE, type WorkflowSchedulerFactory, type WorkflowSchedulerFactoryContext } from './factory.ts';
import type { RefreshHandler } from './refresh-handler.ts';
import type { WorkflowScheduler } from './requests.ts';

const FACTORY_INTERFACE = 'org.apache.flink.table.workflow.WorkflowSchedulerFactory';

export const defaultWorkflowSchedulerFactories = (): WorkflowSchedulerFactory[] => [new EmbeddedWorkflowSchedulerFactory()];

/**
 * Flink's WorkflowSchedulerFactoryUtil.createWorkflowScheduler: finds the factory named by `workflow-scheduler.type`
 * and validates its options, with Flink's messages. No type configured → null (Flink logs a warning and runs
 * without a scheduler; creating a FULL-mode table then fails).
 */
export async function createWorkflowScheduler(
  configuration: Readonly<Record<string, string>>,
  extras: Omit<WorkflowSchedulerFactoryContext, 'getConfiguration' | 'getWorkflowSchedulerOptions'> = {},
  factories: readonly WorkflowSchedulerFactory[] = defaultWorkflowSchedulerFactories(),
  warn: (message: string) => void = (m) => console.warn(m),
): Promise<WorkflowScheduler<RefreshHandler> | null> {
  const identifier = configuration[WORKFLOW_SCHEDULER_TYPE]?.trim() ?? '';
  if (identifier === '') {
    warn(`Workflow scheduler options do not contain an option key '${WORKFLOW_SCHEDULER_TYPE}' for discovering an workflow scheduler.`);
    return null;
  }
  const factory = discoverFactory(identifier, factories);
  const prefix = `workflow-scheduler.${identifier}.`;
  const options: Record<string, string> = {};
  for (const [k, v] of Object.entries(configuration)) if (k.startsWith(prefix)) options[k.slice(prefix.length)] = v;
  validateOptions(factory, options);
  return factory.createWorkflowScheduler({ ...extras, getConfiguration: () => configuration, getWorkflowSchedulerOptions: () => options });
}

export function discoverFactory(identifier: string, factories: readonly WorkflowSchedulerFactory[]): WorkflowSchedulerFactory {
  const matching = factories.filter((f) => f.factoryIdentifier() === identifier);
  if (matching.length === 0) {
    const available = factories.map((f) => f.factoryIdentifier()).sort().join('\n');
    throw new ValidationException(
      `Could not find any factory for identifier '${identifier}' that implements '${FACTORY_INTERFACE}' in the classpath.\n\nAvailable factory identifiers are:\n\n${available}`,
    );
  }
  if (matching.length > 1) {
    throw new ValidationException(`Multiple factories for identifier '${identifier}' that implement '${FACTORY_INTERFACE}' found in the classpath.`);
  }
  return matching[0]!;
}

function validateOptions(factory: WorkflowSchedulerFactory, options: Record<string, string>): void {
  const keys = (list: ConfigOption[]): string[] => list.map((o) => o.key);
  const missing = keys(factory.requiredOptions()).filter((k) => options[k] === undefined || options[k] === '');
  if (missing.length > 0) {
    throw new ValidationException(`One or more required options are missing.\n\nMissing required options are:\n\n${missing.sort().join('\n')}`);
  }
  const supported = new Set([...keys(factory.requiredOptions()), ...keys(factory.optionalOptions())]);
  const unsupported = Object.keys(options).filter((k) => !supported.has(k));
  if (unsupported.length > 0) {
    throw new ValidationException(
      `Unsupported options found for '${factory.factoryIdentifier()}'.\n\nUnsupported options:\n\n${unsupported.sort().join('\n')}\n\nSupported options:\n\n${[...supported].sort().join('\n')}`,
    );
  }
}
