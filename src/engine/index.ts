export { type StartProgress, WorkflowEngine, type EngineOptions } from './engine.ts';
export type { EngineEvent, FireInfo } from './lifecycle.ts';
export type { Handled } from './handle-command.ts';
export { type RefreshRequest, type RefreshTrigger, type FireResult, type RecalledFire, type RefreshOutcome, type RemoteJob, noopTrigger } from './trigger.ts';
export { timerAt, scheduleAt, MAX_WAIT_MS } from './timer-at.ts';
export { TimerWheel } from './timer-wheel.ts';
export { formatScheduleTime } from './format-time.ts';
export { loadWorkflow } from './stream-state.ts';
