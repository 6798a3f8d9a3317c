import type { FireDisposition, StringMap } from '../workflows/index.ts';

/** What one fire asks for: Flink's refresh call (periodic, schedule time = the nominal fire time). */
export interface RefreshRequest {
  workflowId: string;
  workflowName: string;
  workflowGroup: string;
  tableIdentifier: string;
  /** The nominal fire time (epoch ms). */
  scheduleTime: number;
  /** `yyyy-MM-dd HH:mm:ss` in the workflow's zone, as Flink's job formats it. */
  scheduleTimeText: string;
  timeZone: string;
  dynamicOptions: StringMap;
  executionConfig: StringMap;
  initConfig: StringMap;
  manual: boolean;
}

export interface FireResult {
  operationHandle?: string;
  /** What the refresh side did with the fire (its overlap policy); recorded in the occurrence ledger. */
  disposition?: FireDisposition;
}

/** The port a fire calls. It returns once the refresh is submitted, not when it finishes. */
export interface RefreshTrigger {
  fire(request: RefreshRequest): Promise<FireResult | void>;
}

/** A trigger that only logs: the engine runs before a warehouse is plugged in. */
export const noopTrigger: RefreshTrigger = { fire: async () => undefined };
