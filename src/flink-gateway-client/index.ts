// The remote executor: fires that refresh a Flink SQL Gateway (another freshet, or Flink's own) over REST, their
// answers and their jobs' ends recorded in freshet's own log. Not verified against a live Flink here: tested
// against a second freshet serving Flink's REST API and a JobManager protocol double.
export { GatewayAllowList, GatewayNotAllowedError, originOf, type AllowListOptions } from './allow-list.ts';
export { DEFAULT_TIMEOUT_MS, GatewayClient, GatewayError } from './client.ts';
export { refreshSessionName, runRemoteRefresh, type RemoteRefresh, type RemoteRefreshResult, type RetryOptions } from './refresh-job.ts';
export { followJob, pollDelayMs, type FollowOptions, type FollowResult } from './follow-job.ts';
export { freshetSource, jobManagerSource, type JobLook, type JobSource } from './job-source.ts';
export { REMOTE_FOLLOW_INDEX_STREAM, REMOTE_REFRESH_STREAM_PREFIX, remoteRefreshStreamName, type RemoteRefreshEvent } from './remote-events.ts';
export { RemoteExecutor, type RemoteTriggerOptions } from './remote-trigger.ts';
