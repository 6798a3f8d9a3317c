/**
 * Notices appends made by other processes sharing the file: while someone subscribes, it reads the head
 * position every interval and reports growth. Local appends report themselves (seen()), so they are not
 * announced twice. One timer at a time (re-armed after each tick), unref'd so it never keeps a process alive.
 */
export class HeadPoller {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastHead = -1;

  constructor(
    private readonly intervalMs: number,
    private readonly readHead: () => number,
    private readonly onGrowth: () => void,
    private readonly onError: (error: Error) => void,
  ) {}

  seen(head: number): void {
    this.lastHead = Math.max(this.lastHead, head);
  }

  watch(active: boolean): void {
    if (!active) {
      clearTimeout(this.timer);
      this.timer = undefined;
      return;
    }
    if (this.timer === undefined) this.arm();
  }

  private arm(): void {
    this.timer = setTimeout(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  private tick(): void {
    let head: number;
    try {
      head = this.readHead();
    } catch (error) {
      this.timer = undefined;
      this.onError(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (head > this.lastHead) {
      this.lastHead = head;
      this.onGrowth();
    }
    if (this.timer !== undefined) this.arm();
  }
}
