/**
 * Tasks run one after another, in the order they came, with a bound on how many wait. A peer's
 * frames wait here while an asynchronous step for an earlier one is under way (a description
 * applied, a proof checked), and a peer can send faster than those steps go.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  constructor(private readonly max: number) {}

  /** Whether no task waits or runs. */
  get idle(): boolean {
    return this.waiting === 0;
  }

  /** Runs `task` once those before it are done; false, and it never runs, when `max` wait already. */
  add(task: () => unknown): boolean {
    if (this.waiting >= this.max) return false;
    this.waiting++;
    this.tail = this.tail
      .then(task)
      .catch(() => {})
      .finally(() => void this.waiting--);
    return true;
  }
}
