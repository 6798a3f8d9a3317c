import { type Observable, Subject } from 'rxjs';
import type { WorkflowEvent, WorkflowState } from '../workflows/index.ts';

export interface FireInfo {
  workflowId: string;
  nominalTime: number;
  /** performance.timeOrigin-based instant the trigger was invoked, in ms with a fraction. */
  invokedAt: number;
  manual: boolean;
}

/**
 * What the engine did, told after the fact to whoever reads `engine.lifecycle` (tests, metrics, the benchmark):
 * - `claimed`: one of this engine's claims is applied to its live workflow (durable, before the fire);
 * - `fired`: the trigger was invoked for a claim;
 * - `recorded`: the outcome of one of this engine's fires is applied (its OccurrenceFired is durable);
 * - `late`: a claim wake found nominal times already due (a misfire, a dead engine's claim or a backlog) and
 *   settled them by the workflow's misfire policy instead of a plain claim.
 */
export type EngineEvent =
  | { type: 'claimed'; workflowId: string; nominalTime: number; manual: boolean }
  | ({ type: 'fired' } & FireInfo)
  | { type: 'recorded'; workflowId: string; nominalTime: number; error?: string }
  | { type: 'late'; workflowId: string; at: number };

/** The engine's side of `lifecycle`. Emitters check `observed` first: the fire path runs 10,000 times a second. */
export class EngineLifecycle {
  private readonly subject = new Subject<EngineEvent>();
  readonly events: Observable<EngineEvent> = this.subject.asObservable();

  get observed(): boolean {
    return this.subject.observed;
  }

  emit(event: EngineEvent): void {
    this.subject.next(event);
  }
}

/** Tells `lifecycle` what `events`, just applied to the workflow `id` (which stood at `before`), mean for this engine. */
export function tellApplied(lifecycle: EngineLifecycle, engineId: string, id: string, before: WorkflowState | undefined, events: readonly WorkflowEvent[]): void {
  for (const e of events) {
    if (e.type === 'FireClaimed' && e.data.engineId === engineId) {
      lifecycle.emit({ type: 'claimed', workflowId: id, nominalTime: e.data.nominalTime, manual: e.data.manual });
    } else if (e.type === 'OccurrenceFired' && before?.pending.some((p) => p.t === e.data.nominalTime && p.by === engineId)) {
      lifecycle.emit({ type: 'recorded', workflowId: id, nominalTime: e.data.nominalTime, ...(e.data.error !== undefined ? { error: e.data.error } : {}) });
    }
  }
}
