// Warnings that clients can cause (a refused socket, a malformed message or request), at most
// one per kind every few seconds, with a count of those left out: a client must not be able to
// flood the server's log.

/** The shortest time between two warnings of one kind (ms). */
export const WARN_INTERVAL = 10_000;

/**
 * @param {{ warn?: (message: string) => void }} logger
 * @param {() => number} [now]
 * @param {number} [interval] the shortest time between two warnings of one kind (ms)
 * @returns {(kind: string, message: string) => void}
 */
export function throttledWarnings(logger, now = Date.now, interval = WARN_INTERVAL) {
  /** @type {Map<string, { at: number, left: number }>} */
  const last = new Map();
  return (kind, message) => {
    const t = now();
    const seen = last.get(kind);
    if (seen && t - seen.at < interval) {
      seen.left++;
      return;
    }
    last.set(kind, { at: t, left: 0 });
    logger.warn?.(seen?.left ? `${message} (and ${seen.left} more like it)` : message);
  };
}
