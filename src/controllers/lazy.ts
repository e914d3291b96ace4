/**
 * Code an element needs only once it joins (the session layer with PeerJS, the chat core) is
 * loaded then, with `import()`: in the script-tag bundle each is a chunk next to
 * rtc-elements.js, fetched from the script's own URL. The lobby shows without it, and no
 * RTCPeerConnection exists before a join: PeerJS's probe of the browser (a throwaway
 * RTCPeerConnection) runs when the first peer is made, not as the chunk loads
 * (scripts/peerjs-slim.mjs), so the chunk can load while the visitor points at Join.
 */

/** A chunk that did not load: reported as `rtc-error` of type `network`. */
export class LoadError extends Error {
  readonly type = 'network';
  constructor(cause: unknown) {
    super('Could not load the code for connecting from the server. Check the network connection and try again.', { cause });
    this.name = 'LoadError';
  }
}

/**
 * How long a chunk may take before the join reports it as not loaded. A server or proxy that
 * holds the request, or a network gone mid-fetch, would otherwise leave "Joining…" up for as
 * long as the browser waits (minutes). 20 s fetches the session chunk (about 31 KB gzip) at
 * 13 kbit/s; the fetch goes on, and Try again gets the chunk at once if it came meanwhile.
 */
const LOAD_TIMEOUT = 20_000;

/**
 * Wraps a dynamic import: every caller shares one load, and a load that failed or timed out is
 * forgotten so that the next join tries again. (In the script-tag bundle, a chunk that came as
 * something other than JavaScript is asked for under another URL then: scripts/retry-imports.mjs.)
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () =>
    (loading ??= new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Not loaded within ${LOAD_TIMEOUT / 1000} s`)), LOAD_TIMEOUT);
      load()
        .then(resolve, reject)
        .finally(() => clearTimeout(timer));
    }).catch((cause: unknown) => {
      loading = null;
      throw new LoadError(cause);
    }));
}

/** The session layer: rooms, mesh, PeerJS, configuration checks. */
export type SessionModule = typeof import('../session/index.js');

/** Loads the session layer (and PeerJS with it). */
export const loadSession: () => Promise<SessionModule> = lazy(() => import('../session/index.js'));
