/**
 * One writer per stream, in process: work on a key runs after every earlier piece of work on that key has settled
 * (whether it succeeded or not), so two decisions on one stream never race each other's expected version. A
 * conflict can then only come from another process. Keys with nothing queued hold no memory.
 */
export class SerialPerKey {
  /** The tail of each key's chain; never rejects. */
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `work` after everything queued on `key` before it. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const next = (this.tails.get(key) ?? Promise.resolve()).then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => this.release(key, tail));
    return next;
  }

  /**
   * Makes `occupant` (a promise that never rejects) the key's tail without queueing behind the current one: for a
   * writer that already knows the key is idle (see `busy`). Later work waits for it; `release` ends it early.
   */
  occupy(key: string, occupant: Promise<unknown>): void {
    this.tails.set(key, occupant);
  }

  /** Frees `key` if `occupant` is still its tail. */
  release(key: string, occupant: Promise<unknown>): void {
    if (this.tails.get(key) === occupant) this.tails.delete(key);
  }

  /** Whether work on `key` is queued or running. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }

  /** How many keys have work queued or running. */
  get size(): number {
    return this.tails.size;
  }

  /** Resolves when everything queued so far has settled. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.tails.values()]);
  }
}
