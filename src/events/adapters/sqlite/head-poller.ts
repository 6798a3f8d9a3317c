/**
 * Notices appends made by other processes sharing the file: while someone subscribes, it reads the head
 * position every interval and reports growth. Local appends report themselves (seen()), so they are not
 * announced twice. One timer at a time (re-armed after each tick), unref'd so it never keeps a process alive.
 */
export class HeadPoller {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastHead = -1;
  /** Whether lastHead was read from the file since watching began (before that, another process may be ahead). */
  private verified = false;

  constructor(
    private readonly intervalMs: number,
    private readonly readHead: () => number,
    private readonly onGrowth: () => void,
    private readonly onError: (error: Error) => void,
  ) {}

  seen(head: number): void {
    this.lastHead = Math.max(this.lastHead, head);
  }

  /**
   * The newest position known to be in the file, once the poller has read the head since it began watching: any
   * commit past it (another process's) is then announced by a coming tick, so a follower already there has
   * nothing to read until then. Undefined when that cannot be vouched for.
   */
  get settledHead(): number | undefined {
    return this.verified ? this.lastHead : undefined;
  }

  watch(active: boolean): void {
    if (!active) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.verified = false;
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
    this.verified = this.timer !== undefined;
    if (head > this.lastHead) {
      this.lastHead = head;
      this.onGrowth();
    }
    if (this.timer !== undefined) this.arm();
  }
}
