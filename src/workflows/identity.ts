import { createHash } from 'node:crypto';

/**
 * A workflow's id is derived from its Quartz job key (group + name), so creating the same workflow twice lands on
 * the same stream and the second create fails on the expected version instead of making a twin. UUID-shaped, so
 * it is safe in URLs and stream names whatever the table identifier contains.
 */
export function workflowIdOf(workflowGroup: string, workflowName: string): string {
  const h = createHash('sha256').update(workflowGroup).update('\u0000').update(workflowName).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
