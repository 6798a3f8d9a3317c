/** One holder per key at a time, in arrival order; other keys run freely. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Resolves with the release function once every earlier holder of `key` has released. */
  lock(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => held);
    this.tails.set(key, tail);
    return previous.then(() => () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
  }
}
