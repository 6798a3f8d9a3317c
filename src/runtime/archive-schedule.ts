import type { Clock } from '../clock/index.ts';
import type { EventStore } from '../events/index.ts';
import { type ArchiveResult, archiveHistory, type Retention } from '../archive/index.ts';

export interface ArchiveScheduleOptions {
  store: EventStore;
  dataDir: string;
  clock: Clock;
  logName: string;
  retention: Retention;
  /** Between the end of one run and the start of the next. */
  everyMs: number;
  onArchived?: (result: ArchiveResult) => void;
  onError?: (error: unknown) => void;
}

/**
 * serve --retention: one archive run every `everyMs`, re-armed only once the run has settled (never two at once);
 * the first run comes one interval after the start, not during it. The timer is unref'd.
 */
export class ArchiveSchedule {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = true;

  constructor(private readonly options: ArchiveScheduleOptions) {}

  start(): void {
    this.stopped = false;
    this.arm();
  }

  /** One run now (after any in flight), as the timer would. */
  runNow(): Promise<ArchiveResult> {
    const o = this.options;
    const run = this.running.then(() =>
      archiveHistory({ store: o.store, dataDir: o.dataDir, clock: o.clock, retention: o.retention, logName: o.logName, context: { actor: 'freshet', reason: 'retention', correlationId: crypto.randomUUID() } }),
    );
    this.running = run.catch(() => undefined);
    return run;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.runNow()
        .then((result) => this.options.onArchived?.(result), (error: unknown) => this.options.onError?.(error))
        .finally(() => this.arm());
    }, this.options.everyMs);
    this.timer.unref();
  }
}
