import { createHook } from 'node:async_hooks';

/**
 * Runs `fn` and tracks the timeouts it starts, and the timeouts those start
 * when they fire, so that all of them can be cleared later.
 *
 * peer@1.0.2 starts two self-rearming timeouts (expired-message cleanup every
 * second, the heartbeat check every 300 ms) when its Express app is mounted and
 * offers no way to stop them; left alone they keep the process alive after the
 * server has closed.
 *
 * @param {() => void} fn
 * @returns {() => void} clears every tracked timeout still pending and stops tracking
 */
export function runTrackingTimeouts(fn) {
  /** @type {Map<number, NodeJS.Timeout>} */
  const pending = new Map();
  let inFn = true;
  const hook = createHook({
    init(asyncId, type, triggerAsyncId, resource) {
      if (type === 'Timeout' && (inFn || pending.has(triggerAsyncId))) {
        pending.set(asyncId, /** @type {NodeJS.Timeout} */ (resource));
      }
    },
    // A timeout is done once its callback has run; any rearmed successor was
    // registered by `init` while the callback ran.
    after(asyncId) {
      pending.delete(asyncId);
    },
  });
  hook.enable();
  try {
    fn();
  } catch (error) {
    hook.disable();
    throw error;
  } finally {
    inFn = false;
  }
  return () => {
    hook.disable();
    for (const timeout of pending.values()) clearTimeout(timeout);
    pending.clear();
  };
}
