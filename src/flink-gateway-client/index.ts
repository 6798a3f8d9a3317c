// The remote executor: fires that refresh a Flink SQL Gateway (another freshet, or Flink's own) over REST.
// Not verified against a live Flink here: tested against a second freshet serving Flink's REST API.
export { GatewayAllowList, GatewayNotAllowedError, originOf, type AllowListOptions } from './allow-list.ts';
export { DEFAULT_TIMEOUT_MS, GatewayClient, GatewayError } from './client.ts';
export { refreshSessionName, runRemoteRefresh, type RemoteRefresh, type RemoteRefreshResult, type RetryOptions } from './refresh-job.ts';
export { routingRefreshTrigger, type RemoteTriggerOptions } from './remote-trigger.ts';
