/**
 * Runs `fn` and tracks the timeouts it starts, and the timeouts those start
 * when they fire, so that all of them can be cleared later.
 *
 * peer@1.0.2 starts two self-rearming timeouts (expired-message cleanup every
 * second, the heartbeat check every 300 ms) when its Express app is mounted and
 * offers no way to stop them; left alone they keep the process alive after the
 * server has closed.
 *
 * `setTimeout` is swapped for a tracking one only while `fn` or a tracked
 * callback runs (synchronously), and put back at once: nothing is added to the
 * rest of the process's work, where an `async_hooks` hook would see every
 * socket, write and promise for the server's whole life.
 *
 * @param {() => void} fn
 * @returns {() => void} clears every tracked timeout still pending and stops tracking
 */
export function runTrackingTimeouts(fn) {
  const realSetTimeout = globalThis.setTimeout;
  // Weak: a tracked timeout that its owner clears is forgotten with its owner.
  /** @type {Set<WeakRef<NodeJS.Timeout>>} */
  const pending = new Set();
  let stopped = false;

  /** @type {typeof setTimeout} */
  const trackingSetTimeout = /** @type {any} */ (
    (/** @type {any} */ callback, /** @type {number | undefined} */ delay, /** @type {any[]} */ ...args) => {
      if (typeof callback !== 'function') return realSetTimeout(callback, delay, ...args);
      /** @type {WeakRef<NodeJS.Timeout>} */
      let ref;
      const timeout = realSetTimeout(
        /** @this {unknown} */
        function (/** @type {any[]} */ ...callbackArgs) {
          pending.delete(ref);
          tracked(() => callback.apply(this, callbackArgs));
        },
        delay,
        ...args,
      );
      ref = new WeakRef(timeout);
      pending.add(ref);
      return timeout;
    }
  );

  /** @param {() => void} body */
  const tracked = (body) => {
    if (stopped) return;
    for (const ref of pending) if (ref.deref() === undefined) pending.delete(ref);
    const outer = globalThis.setTimeout;
    globalThis.setTimeout = trackingSetTimeout;
    try {
      body();
    } finally {
      globalThis.setTimeout = outer;
    }
  };

  tracked(fn);
  return () => {
    stopped = true;
    for (const ref of pending) {
      const timeout = ref.deref();
      if (timeout) clearTimeout(timeout);
    }
    pending.clear();
  };
}
