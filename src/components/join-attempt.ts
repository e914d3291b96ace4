/**
 * The join under way, which a second join() gets too, but only while it belongs to the current
 * generation: a leave or a move to another room starts a new generation, and a join it overtook
 * is over even while it still waits (for the camera, the code, the room).
 */
export class JoinAttempt {
  #current: { generation: number; done: Promise<void> } | null = null;

  /** The join of `generation`: the one under way, or a new one that `start` begins. */
  of(generation: number, start: () => Promise<void>): Promise<void> {
    let current = this.#current;
    if (current?.generation !== generation) {
      const fresh = { generation, done: start() };
      this.#current = current = fresh;
      void fresh.done.finally(() => this.#current === fresh && (this.#current = null)).catch(() => {});
    }
    return current.done;
  }
}
