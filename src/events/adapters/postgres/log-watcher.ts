import pg from 'pg';
import { createClient, type Target } from './connection.ts';

/** Heads of this process's own commits kept to recognise their notifications; more than enough for a few seconds. */
const OWN_HEADS_KEPT = 10_000;

/**
 * Tells followers when the log may have grown, while there are any: a LISTEN connection wakes them on every
 * commit's notification (PostgreSQL sends it at commit), and a poll of the head row every interval wakes them
 * when it moved, so a notification lost with a dropped connection only delays delivery. The poll also
 * re-establishes a lost LISTEN connection. Timers are unref'd so watching never keeps a process alive.
 */
export class LogWatcher {
  private listener: pg.Client | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastPolled = -1;
  private readonly own = new Set<number>();
  private active = false;
  /** Bumped by every watch(false), so a poll still in flight from an earlier watch does not re-arm. */
  private generation = 0;

  constructor(
    private readonly target: Target,
    private readonly intervalMs: number,
    private readonly connectTimeoutMs: number,
    private readonly readHead: () => Promise<number>,
    private readonly onWake: () => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** A commit of this process, whose followers were woken already: its notification needs no second read. */
  ownCommit(head: number): void {
    if (!this.active) return;
    if (this.own.size >= OWN_HEADS_KEPT) this.own.clear();
    this.own.add(head);
  }

  watch(active: boolean): void {
    if (active === this.active) return;
    this.active = active;
    if (active) {
      this.listen();
      this.arm();
      return;
    }
    this.generation += 1;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.own.clear();
    this.lastPolled = -1;
    this.dropListener();
  }

  private listen(): void {
    const client = createClient(this.target, this.connectTimeoutMs);
    this.listener = client;
    // A connection closed by the server may end without an error (e.g. pg_terminate_backend while idle).
    const lost = (): void => {
      if (this.listener === client) this.dropListener();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => {
      if (message.channel !== this.target.channel) return;
      if (this.own.delete(Number(message.payload))) return;
      this.onWake();
    });
    client
      .connect()
      .then(() => client.query(`LISTEN ${pg.escapeIdentifier(this.target.channel)}`))
      // Commits made before LISTEN took effect sent their notifications to nobody.
      .then(() => this.listener === client && this.onWake())
      .catch(() => {
        if (this.listener === client) this.dropListener();
      });
  }

  private dropListener(): void {
    const client = this.listener;
    this.listener = undefined;
    client?.end().catch(() => undefined);
  }

  private arm(): void {
    const generation = this.generation;
    this.timer = setTimeout(() => void this.tick(generation), this.intervalMs);
    this.timer.unref();
  }

  private async tick(generation: number): Promise<void> {
    const current = (): boolean => this.active && this.generation === generation;
    let head: number;
    try {
      head = await this.readHead();
    } catch (error) {
      if (current()) this.onError(error);
      return;
    }
    if (!current()) return;
    if (this.listener === undefined) this.listen();
    if (head > this.lastPolled) {
      this.lastPolled = head;
      this.onWake();
    }
    this.arm();
  }
}
