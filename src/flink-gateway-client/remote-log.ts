import type { Clock } from '../clock/index.ts';
import { type CommandContext, type EventStore, eventMetadata, SerialPerKey, StreamNotFoundError, VersionConflictError } from '../events/index.ts';
import {
  evolveRemote,
  REMOTE_EVENT_SCHEMA_VERSION,
  REMOTE_FOLLOW_INDEX_STREAM,
  type RemoteRefreshEvent,
  type RemoteRefreshState,
  remoteFireStreamName,
  remoteRefreshStreamName,
} from './remote-events.ts';

type Submitted = Extract<RemoteRefreshEvent, { type: 'RemoteRefreshSubmitted' }>['data'];

/** The index stream's one event type: a followed job's handle and when it was submitted. */
interface FollowIndexed {
  operationHandle: string;
  submittedAt: number;
}

const SYSTEM: CommandContext = { actor: 'freshet-engine', correlationId: 'remote-refresh' };

/**
 * Remote refreshes in the scheduler's own event store. Every append states its expected version: a submission
 * creates its stream (`no_stream`, so a retried record is a no-op), an end follows the version it was decided on (a
 * second follower in another process loses the race and drops its duplicate).
 */
export class RemoteRefreshLog {
  private readonly serial = new SerialPerKey();
  /** Ended states never change again: kept, so the ledger's reads of old fires cost no store read. */
  private readonly settled = new Map<string, RemoteRefreshState>();
  /** The index stream's version as this process last wrote it (re-read after a conflict). */
  private indexVersion: number | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async recordSubmitted(data: Submitted, ctx: CommandContext): Promise<RemoteRefreshState> {
    // Both appends at once (one commit where the store groups them). A crash between them leaves either an index
    // entry without a stream (skipped at start) or a stream the index misses, whose follow the first read resumes.
    const stream = remoteRefreshStreamName(data.operationHandle);
    const own = this.store.appendToStream(stream, [this.envelope({ type: 'RemoteRefreshSubmitted', data }, ctx)], { expectedVersion: 'no_stream' }).then(
      () => true,
      (error: unknown) => {
        if (error instanceof VersionConflictError) return false; // recorded before: the log's state stands
        throw error;
      },
    );
    // The fire's own key, for recall; a second record of the same fire (it cannot be submitted twice) is a no-op.
    const fire = this.store
      .appendToStream(remoteFireStreamName(data.workflowId, data.nominalTime), [this.envelope({ type: 'RemoteFireRecorded', data: { operationHandle: data.operationHandle, submittedAt: data.submittedAt } }, ctx)], { expectedVersion: 'no_stream' })
      .catch((error: unknown) => {
        if (!(error instanceof VersionConflictError)) throw error;
      });
    const [fresh] = await Promise.all([own, data.follow.kind === 'none' ? undefined : this.index({ operationHandle: data.operationHandle, submittedAt: data.submittedAt }, ctx), fire]);
    return fresh ? { submitted: data, ended: null, notFollowed: null, version: 1 } : (await this.read(data.operationHandle))!;
  }

  /** Appends the job's end (or that it is no longer followed) at the version it was decided on; false if beaten. */
  async recordEnd(state: RemoteRefreshState, event: Exclude<RemoteRefreshEvent, { type: 'RemoteRefreshSubmitted' }>): Promise<boolean> {
    const ctx = { ...SYSTEM, correlationId: `${state.submitted.workflowId}@${state.submitted.nominalTime}` };
    try {
      await this.store.appendToStream(remoteRefreshStreamName(state.submitted.operationHandle), [this.envelope(event, ctx)], { expectedVersion: state.version });
    } catch (error) {
      if (error instanceof VersionConflictError) return false;
      throw error;
    }
    this.settled.set(state.submitted.operationHandle, evolveRemote(state, event)!);
    return true;
  }

  /** The refresh's state from the log, or undefined when this handle was never a remote refresh here. */
  async read(operationHandle: string): Promise<RemoteRefreshState | undefined> {
    const kept = this.settled.get(operationHandle);
    if (kept) return kept;
    let state: RemoteRefreshState | undefined;
    try {
      for (const e of await this.store.readStream(remoteRefreshStreamName(operationHandle))) state = evolveRemote(state, { type: e.type, data: e.data } as RemoteRefreshEvent);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      throw error;
    }
    if (state && (state.ended !== null || state.notFollowed !== null)) this.settled.set(operationHandle, state);
    return state;
  }

  /** What this log recorded of the workflow's remote fire at `nominalTime`, or null. */
  async recallFire(workflowId: string, nominalTime: number): Promise<{ operationHandle: string; submittedAt: number } | null> {
    try {
      const [e] = await this.store.readStream(remoteFireStreamName(workflowId, nominalTime), { maxCount: 1 });
      return (e?.data as { operationHandle: string; submittedAt: number } | undefined) ?? null;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null;
      throw error;
    }
  }

  /** Followed jobs submitted at or after `since`, newest first: the index is read backwards only that far. */
  async followedSince(since: number): Promise<string[]> {
    const handles: string[] = [];
    const version = await this.store.streamVersion(REMOTE_FOLLOW_INDEX_STREAM);
    for (let from = version; from >= 1; from -= 500) {
      const page = await this.store.readStream(REMOTE_FOLLOW_INDEX_STREAM, { direction: 'backwards', fromVersion: from, maxCount: 500 });
      for (const e of page) {
        const d = e.data as FollowIndexed;
        if (d.submittedAt < since) return handles;
        handles.push(d.operationHandle);
      }
    }
    return handles;
  }

  private index(entry: FollowIndexed, ctx: CommandContext): Promise<void> {
    return this.serial.run(REMOTE_FOLLOW_INDEX_STREAM, async () => {
      for (;;) {
        const expected = (this.indexVersion ??= await this.store.streamVersion(REMOTE_FOLLOW_INDEX_STREAM));
        try {
          const r = await this.store.appendToStream(REMOTE_FOLLOW_INDEX_STREAM, [this.envelope({ type: 'RemoteFollowIndexed', data: entry }, ctx)], { expectedVersion: expected === 0 ? 'no_stream' : expected });
          this.indexVersion = r.nextExpectedVersion;
          return;
        } catch (error) {
          // Another process indexed one meanwhile: append after its version.
          if (!(error instanceof VersionConflictError)) throw error;
          this.indexVersion = error.actual;
        }
      }
    });
  }

  private envelope(e: { type: string; data: unknown }, ctx: CommandContext) {
    return { type: e.type, schemaVersion: REMOTE_EVENT_SCHEMA_VERSION, data: e.data, metadata: eventMetadata(ctx, this.clock.now()) };
  }
}
