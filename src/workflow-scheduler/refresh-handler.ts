/** Flink's RefreshHandler: what the catalog stores to find a table's workflow again. */
export interface RefreshHandler {
  asSummaryString(): string;
}

export interface RefreshHandlerSerializer<T extends RefreshHandler> {
  serialize(handler: T): Uint8Array;
  deserialize(bytes: Uint8Array): T;
}

/** Flink's EmbeddedRefreshHandler: the Quartz job key of a table's refresh workflow. */
export class EmbeddedRefreshHandler implements RefreshHandler {
  constructor(
    readonly workflowName: string,
    readonly workflowGroup: string,
  ) {}

  asSummaryString(): string {
    return `{\n  workflowName: ${this.workflowName},\n  workflowGroup: ${this.workflowGroup}\n}`;
  }
}

export class RefreshHandlerSerializationError extends Error {
  override name = 'RefreshHandlerSerializationError';
}

// Flink uses Java serialization; freshet's bytes are a tagged, versioned JSON document, so they stay readable and
// a foreign blob (a Java-serialized handler, another tool's bytes) is recognised and refused instead of misread.
const MAGIC = [0x46, 0x52, 0x53, 0x48]; // "FRSH"
const FORMAT_VERSION = 1;

export const embeddedRefreshHandlerSerializer: RefreshHandlerSerializer<EmbeddedRefreshHandler> = {
  serialize(handler) {
    const body = Buffer.from(JSON.stringify({ workflowName: handler.workflowName, workflowGroup: handler.workflowGroup }), 'utf8');
    return new Uint8Array(Buffer.concat([Buffer.from([...MAGIC, FORMAT_VERSION]), body]));
  },
  deserialize(bytes) {
    const buf = Buffer.from(bytes);
    if (buf.length < 5 || MAGIC.some((b, i) => buf[i] !== b)) {
      throw new RefreshHandlerSerializationError(
        `Cannot deserialize refresh handler: the ${buf.length} bytes are not a freshet EmbeddedRefreshHandler (they do not start with "FRSH"). ` +
          'A handler serialized by Flink (Java serialization) must be recreated with freshet.',
      );
    }
    if (buf[4] !== FORMAT_VERSION) {
      throw new RefreshHandlerSerializationError(`Cannot deserialize refresh handler: format version ${buf[4]} is not supported (this freshet reads version ${FORMAT_VERSION}).`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(buf.subarray(5).toString('utf8'));
    } catch {
      throw new RefreshHandlerSerializationError('Cannot deserialize refresh handler: the payload is not valid JSON (the bytes are truncated or corrupted).');
    }
    const p = parsed as { workflowName?: unknown; workflowGroup?: unknown };
    if (typeof p.workflowName !== 'string' || typeof p.workflowGroup !== 'string') {
      throw new RefreshHandlerSerializationError('Cannot deserialize refresh handler: workflowName and workflowGroup must both be strings.');
    }
    return new EmbeddedRefreshHandler(p.workflowName, p.workflowGroup);
  },
};
