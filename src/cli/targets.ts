import type { Command } from 'commander';
import { clientOf, usage } from './client.ts';

export const WORKFLOW_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** An instant a person typed: ISO with its zone, never guessed in the local zone. */
export function instantArg(flag: string, value: string): string {
  if (!ISO_INSTANT.test(value) || Number.isNaN(Date.parse(value))) usage(`${flag} '${value}': give an ISO instant with its zone, e.g. 2026-12-24T06:00:00Z.`);
  return new Date(Date.parse(value)).toISOString();
}

/** A workflow named by its id, or by its materialized table (whose workflow the server knows). */
export async function workflowOf(command: Command, target: string): Promise<string> {
  if (WORKFLOW_ID.test(target)) return target;
  const table = await clientOf(command).call<{ workflow: { workflowId: string } | null }>('GET', `/v1/materialized-tables/${encodeURIComponent(target)}`);
  if (!table.workflow) usage(`${target} has no refresh workflow.`);
  return table.workflow.workflowId;
}
