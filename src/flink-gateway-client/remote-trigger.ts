import { setMaxListeners } from 'node:events';
import type { Clock } from '../clock/index.ts';
import type { RefreshOutcome, RefreshTrigger } from '../engine/index.ts';
import type { EventStore } from '../events/index.ts';
import type { GatewayAllowList } from './allow-list.ts';
import { DEFAULT_TIMEOUT_MS, GatewayClient } from './client.ts';
import { type FollowOptions, followJob } from './follow-job.ts';
import { freshetSource, jobManagerSource, type JobSource } from './job-source.ts';
import { type FollowVia, followOwed, remoteOutcomeOf, type RemoteRefreshState } from './remote-events.ts';
import { RemoteRefreshLog } from './remote-log.ts';
import { type RetryOptions, runRemoteRefresh } from './refresh-job.ts';

export interface RemoteTriggerOptions extends RetryOptions, FollowOptions {
  /** Per request (Flink's client: 30 s). */
  timeoutMs?: number;
  /** Called with each remote refresh that was submitted (the job id and cluster info, for logs and tests). */
  onRemoteRefresh?: (info: { workflowId: string; nominalTime: number; gateway: string; operationHandle: string; jobId: string; clusterInfo: Record<string, string> }) => void;
  /** What could not be recorded or followed; logged by the host. */
  onError?: (error: unknown, where: string) => void;
}

const DAY_MS = 86_400_000;

/**
 * The remote executor. Routes each fire by its workflow's restEndpointUrl: none, or freshet itself without an
 * upstream gateway, refreshes the embedded warehouse through `local`; an allowed gateway gets Flink's
 * embedded-scheduler job over REST. What the gateway answered (operation, job id, cluster info) is recorded in this
 * process's own log, and the job is followed to its end where that is possible (the gateway is another freshet, or
 * a JobManager is configured), its end recorded too: the ledger's answer is durable, not polled at read time.
 * A gateway that does not answer makes the fire fail (recorded with the reason by the engine) after the job's own
 * retries; it never passes silently.
 */
export class RemoteExecutor {
  private readonly log: RemoteRefreshLog;
  private readonly follows = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  private started = false;
  /** Submissions being appended: stop() waits for them before the store closes. */
  private readonly recording = new Set<Promise<unknown>>();

  constructor(
    private readonly deps: { store: EventStore; clock: Clock; gateways: GatewayAllowList },
    private readonly options: RemoteTriggerOptions = {},
  ) {
    this.log = new RemoteRefreshLog(deps.store, deps.clock);
    // Every follow's wait listens on this one signal: thousands at once are expected, not a leak.
    setMaxListeners(0, this.stopping.signal);
  }

  /** Resumes the follows a stop or crash left owed (those submitted within the follow timeout). */
  async start(): Promise<void> {
    this.started = true;
    const since = this.deps.clock.now() - this.followTimeoutMs();
    for (const handle of await this.log.followedSince(since)) {
      const state = await this.log.read(handle);
      if (state && followOwed(state)) this.follow(state);
    }
  }

  /** Stops following (owed follows stay owed in the log) and waits for the follows in flight to let go. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.recording]);
    this.stopping.abort();
    await Promise.allSettled([...this.follows.values()]);
  }

  /** The engine's trigger: `local` for freshet's own warehouse, a remote gateway otherwise. */
  trigger(local: RefreshTrigger): RefreshTrigger {
    const { gateways } = this.deps;
    return {
      fire: async (request) => {
        const named = request.restEndpointUrl ?? '';
        // No gateway named: freshet's own warehouse. freshet's own address: its warehouse, or with an upstream
        // gateway (freshet in front of Flink) that gateway, whose SQL API freshet's address forwards to.
        if (named.trim() === '' || (gateways.isOwn(named) && !gateways.upstream)) return local.fire(request);
        const url = gateways.isOwn(named) ? (gateways.upstream as string) : named;
        gateways.check(url); // an allow-list narrowed since the workflow was created stops its fires too
        let attempts = 0;
        const result = await runRemoteRefresh(
          new GatewayClient(url, this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
          { tableIdentifier: request.tableIdentifier, scheduleTimeText: request.scheduleTimeText, initConfig: request.initConfig, dynamicOptions: request.dynamicOptions, executionConfig: request.executionConfig },
          { ...this.options, onAttempt: (n) => (attempts = n) },
        );
        this.options.onRemoteRefresh?.({ workflowId: request.workflowId, nominalTime: request.scheduleTime, gateway: url, ...result });
        const ctx = { actor: 'freshet-engine', correlationId: `${request.workflowId}@${request.scheduleTime}` };
        const follow = this.followVia(url, result.clusterInfo);
        // Appended before the fire returns but not awaited: the store commits in the order appends are handed over,
        // so it is durable no later than the engine's record of the fire, and the fire does not wait an extra fsync.
        const recording = this.log
          .recordSubmitted({ workflowId: request.workflowId, nominalTime: request.scheduleTime, gateway: url, ...result, follow, submittedAt: this.deps.clock.now(), attempts }, ctx)
          .then((state) => followOwed(state) && this.follow(state))
          // The refresh was submitted: failing the fire now would have it submitted again. The ledger keeps the handle.
          .catch((error: unknown) => this.options.onError?.(error, `recording the remote refresh ${result.operationHandle}`))
          .finally(() => this.recording.delete(recording));
        this.recording.add(recording);
        return { operationHandle: result.operationHandle, disposition: 'started' };
      },
      // A claim a crash left open: the local manager's record of the fire, else this log's of a remote one.
      recall: async (workflowId, nominalTime) => {
        const mine = local.recall ? await local.recall(workflowId, nominalTime) : null;
        if (mine) return mine;
        const remote = await this.log.recallFire(workflowId, nominalTime);
        return remote ? { operationHandle: remote.operationHandle, disposition: 'started', firedAt: remote.submittedAt } : null;
      },
      // The local manager's outcomes, then the remote refreshes this log recorded for the handles it does not know.
      outcomes: async (handles) => {
        const known: Map<string, RefreshOutcome> = local.outcomes ? await local.outcomes(handles) : new Map();
        for (const h of handles) {
          if (known.has(h)) continue;
          const state = await this.log.read(h);
          if (!state) continue;
          known.set(h, remoteOutcomeOf(state));
          // Owed but followed by no one here (its index entry lost to a crash): follow it from now on.
          if (followOwed(state) && this.started) this.follow(state);
        }
        return known;
      },
    };
  }

  /** Another freshet (its refresh result says so) is followed through its own API; else a configured JobManager. */
  private followVia(gateway: string, clusterInfo: Record<string, string>): FollowVia {
    if (clusterInfo['execution.target'] === 'freshet-embedded') return { kind: 'freshet', url: gateway };
    const jm = this.deps.gateways.jobManager;
    return jm ? { kind: 'jobmanager', url: jm } : { kind: 'none' };
  }

  private followTimeoutMs(): number {
    return this.options.followTimeoutMs ?? DAY_MS;
  }

  private follow(state: RemoteRefreshState): void {
    const handle = state.submitted.operationHandle;
    if (this.follows.has(handle) || this.stopping.signal.aborted || state.submitted.follow.kind === 'none') return;
    const via = state.submitted.follow;
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const source: JobSource = via.kind === 'freshet' ? freshetSource(via.url, timeoutMs) : jobManagerSource(via.url, timeoutMs);
    const work = this.followToEnd(source, state)
      .catch((error: unknown) => this.options.onError?.(error, `following remote job ${state.submitted.jobId}`))
      .finally(() => this.follows.delete(handle));
    this.follows.set(handle, work);
  }

  private async followToEnd(source: JobSource, state: RemoteRefreshState): Promise<void> {
    const { jobId, operationHandle, submittedAt } = state.submitted;
    const r = await followJob(source, { jobId, operationHandle }, submittedAt + this.followTimeoutMs(), this.deps.clock, this.stopping.signal, this.options);
    if (r.kind === 'stopped') return;
    if (r.kind === 'gave-up') {
      await this.log.recordEnd(state, { type: 'RemoteJobNotFollowed', data: { reason: r.reason, at: this.deps.clock.now() } });
      return;
    }
    const { state: end, jobState, startedAt, endedAt, durationMs, rowsWritten, partition, error } = r.look;
    await this.log.recordEnd(state, { type: 'RemoteJobEnded', data: { state: end, jobState, startedAt, endedAt: endedAt ?? this.deps.clock.now(), durationMs, rowsWritten, partition, error } });
  }

  /** Resolves once no follow is in flight (tests and the bench wait for the recorded ends). */
  async whenFollowed(): Promise<void> {
    while (this.follows.size > 0 || this.recording.size > 0) await Promise.allSettled([...this.recording, ...this.follows.values()]);
  }
}
