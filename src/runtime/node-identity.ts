import { randomUUID } from 'node:crypto';
import { engineIdentity } from './engine-identity.ts';

/** A node id names the node in claims, in logs and to other nodes: short, printable, no spaces. */
const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,99}$/;

export class NodeIdError extends Error {
  override name = 'NodeIdError';
}

/**
 * The node's identity: the one it is given (--node-id, FRESHET_NODE_ID) — on a shared store each machine's data
 * directory is its own, but a container's may be recreated, and an operator names nodes — else the one kept in
 * its data directory (engine-identity.ts), as a single node always had.
 */
export function resolveNodeId(given: string | undefined, dataDir: string): string {
  if (given === undefined) return engineIdentity(dataDir);
  if (!NODE_ID.test(given)) {
    throw new NodeIdError(`The node id ${JSON.stringify(given)} is not usable: use 1 to 100 letters, digits and . _ : @ -, starting with a letter or digit, e.g. 'node-1'.`);
  }
  return given;
}

/**
 * The engine id of this run of a node on a shared store: the node id and a fresh suffix. A restarted node cannot
 * tell which of its predecessor's claims were already fired (an outcome waits up to a second to be appended with
 * the workflow's next claim), so it must not fire them again as its own: they are another engine's, settled after
 * the misfire threshold by whichever node gets there first, through the trigger's recall (recorded recovered).
 */
export const incarnationOf = (nodeId: string): string => `${nodeId}~${randomUUID().slice(0, 6)}`;
