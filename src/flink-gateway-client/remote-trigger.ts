import type { RefreshTrigger } from '../engine/index.ts';
import type { GatewayAllowList } from './allow-list.ts';
import { DEFAULT_TIMEOUT_MS, GatewayClient } from './client.ts';
import { type RetryOptions, runRemoteRefresh } from './refresh-job.ts';

export interface RemoteTriggerOptions extends RetryOptions {
  /** Per request (Flink's client: 30 s). */
  timeoutMs?: number;
  /** Called with each remote refresh that was submitted (the job id and cluster info, for logs and tests). */
  onRemoteRefresh?: (info: { workflowId: string; nominalTime: number; gateway: string; operationHandle: string; jobId: string; clusterInfo: Record<string, string> }) => void;
}

/**
 * Routes each fire by its workflow's restEndpointUrl: none, or freshet itself without an upstream gateway, refreshes
 * the embedded warehouse through `local`; an allowed gateway gets Flink's embedded-scheduler job over REST, and the fire is recorded with
 * the gateway's operation handle. A gateway that does not answer makes the fire fail (recorded with the reason),
 * after the job's own retries; it never passes silently.
 */
export function routingRefreshTrigger(local: RefreshTrigger, gateways: GatewayAllowList, options: RemoteTriggerOptions = {}): RefreshTrigger {
  return {
    fire: async (request) => {
      const named = request.restEndpointUrl ?? '';
      // No gateway named: freshet's own warehouse. freshet's own address: its warehouse, or with an upstream
      // gateway (freshet in front of Flink) that gateway, whose SQL API freshet's address forwards to.
      if (named.trim() === '' || (gateways.isOwn(named) && !gateways.upstream)) return local.fire(request);
      const url = gateways.isOwn(named) ? (gateways.upstream as string) : named;
      gateways.check(url); // an allow-list narrowed since the workflow was created stops its fires too
      const result = await runRemoteRefresh(
        new GatewayClient(url, options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
        { tableIdentifier: request.tableIdentifier, scheduleTimeText: request.scheduleTimeText, initConfig: request.initConfig, dynamicOptions: request.dynamicOptions, executionConfig: request.executionConfig },
        options,
      );
      options.onRemoteRefresh?.({ workflowId: request.workflowId, nominalTime: request.scheduleTime, gateway: url, ...result });
      return { operationHandle: result.operationHandle, disposition: 'started' };
    },
    // Only local refreshes are recorded by this process's manager; a remote fire's outcome is in the ledger.
    ...(local.recall ? { recall: local.recall.bind(local) } : {}),
    // The ledger's refresh outcomes: the local manager's; a remote operation's handle it does not know stays `fired`.
    ...(local.outcomes ? { outcomes: local.outcomes.bind(local) } : {}),
  };
}
