/**
 * The latest value for each key, applied at most once every `every` ms: a value that comes sooner
 * waits, and one after it takes its place (only the latest matters). Bounded: at most one value
 * waits per key, and only keys heard from within the last `every` ms are held at all.
 */
export class Paced<T> {
  /** Keys applied within the last `every` ms, with the value that waits for the next turn, if any. */
  private readonly recent = new Map<string, { timer: ReturnType<typeof setTimeout>; next?: T }>();

  constructor(
    private readonly every: number,
    private readonly apply: (key: string, value: T) => void,
  ) {}

  /** Applies `value` now, or at the key's next turn if it had one within the last `every` ms. */
  offer(key: string, value: T): void {
    const recent = this.recent.get(key);
    if (recent) recent.next = value;
    else this.now(key, value);
  }

  /** Drops what waits for a key (a member that left). */
  forget(key: string): void {
    clearTimeout(this.recent.get(key)?.timer);
    this.recent.delete(key);
  }

  /** Keys applied within the last `every` ms (with or without a value waiting). */
  get size(): number {
    return this.recent.size;
  }

  clear(): void {
    for (const key of [...this.recent.keys()]) this.forget(key);
  }

  private now(key: string, value: T): void {
    const timer = setTimeout(() => {
      const next = this.recent.get(key)?.next;
      this.recent.delete(key);
      if (next !== undefined) this.now(key, next);
    }, this.every);
    this.recent.set(key, { timer });
    this.apply(key, value);
  }
}
