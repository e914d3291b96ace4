/** A minimal typed event emitter: the session layer's listeners are plain callbacks. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each event has its own listener signature
type Listener = (...args: any[]) => void;

export class Emitter<Events extends { [K in keyof Events]: Listener }> {
  private readonly listeners = new Map<keyof Events, Set<Listener>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: Events[K]): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  protected emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        listener(...args);
      } catch (err) {
        // One faulty listener must not stop the session or the other listeners; the error
        // still reaches window.onerror, as it would from an EventTarget listener.
        reportError(err);
      }
    }
  }

  protected removeAllListeners(): void {
    this.listeners.clear();
  }
}
