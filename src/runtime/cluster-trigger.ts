import type { RefreshTrigger } from '../engine/index.ts';
import type { GatewayAllowList } from '../flink-gateway-client/index.ts';
import type { WorkflowState } from '../workflows/index.ts';

/** Whether a workflow's fires leave this process (its restEndpointUrl names a gateway other than freshet's own warehouse). */
function refreshesRemotely(state: WorkflowState | undefined, gateways: GatewayAllowList): boolean {
  const named = state?.def.restEndpointUrl?.trim() ?? '';
  return named !== '' && !(gateways.isOwn(named) && !gateways.upstream);
}

/**
 * A gateway node's stand-in for the embedded warehouse: it has none to refresh, so a workflow that names no
 * gateway fails each fire with the reason (recorded in the ledger) instead of refreshing a node-local copy.
 */
export function withoutWarehouse(local: RefreshTrigger): RefreshTrigger {
  return {
    ...local,
    fire: (request) =>
      Promise.reject(
        new Error(
          `This node runs with --warehouse gateway (a cluster node): it has no warehouse of its own to refresh ${request.tableIdentifier} in. Give the workflow the restEndpointUrl of the cluster's gateway (an allowed --flink-gateway or --allow-gateway).`,
        ),
      ),
  };
}

/**
 * The fires a dead node left open, for workflows that refresh a remote gateway: the gateway keeps no record this
 * node can ask for (Flink's REST API has none), so whether the fire was submitted is unknowable. Such a claim is
 * recorded as fired and recovered — it may have run once — rather than fired again by the misfire policy (the
 * gateway would refresh that schedule time twice) or skipped (a refresh that ran would be missing from the
 * ledger). Its firedAt is the nominal time, when it would have fired. Local fires are recalled by the manager.
 */
export function recallingRemoteFires(trigger: RefreshTrigger, gateways: GatewayAllowList, workflow: (id: string) => WorkflowState | undefined): RefreshTrigger {
  return {
    ...trigger,
    recall: async (workflowId, nominalTime) => {
      const known = trigger.recall ? await trigger.recall(workflowId, nominalTime) : null;
      if (known) return known;
      return refreshesRemotely(workflow(workflowId), gateways) ? { firedAt: nominalTime } : null;
    },
  };
}

