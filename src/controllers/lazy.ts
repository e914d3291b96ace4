/**
 * Code an element needs only once it joins (the session layer with PeerJS, the fetching of ICE
 * servers, the chat core, the call's stage and controls) is
 * loaded then, with `import()`: in the script-tag bundle each is a chunk next to
 * rtc-elements.js, fetched from the script's own URL. The lobby shows without it, and no
 * RTCPeerConnection exists before a join: PeerJS's probe of the browser (a throwaway
 * RTCPeerConnection) runs when the first peer is made, not as the chunk loads
 * (scripts/peerjs-slim.mjs), so the chunk can load while the visitor points at Join.
 */

/**
 * How long something whose chunk did not load (a network blip, a moment offline) goes without it
 * before it is asked for again, where nobody presses Try again (a language, a call's speaker
 * highlight): soon enough to come back by itself, seldom enough that a call's many renders do not
 * each fetch it. The pause doubles with each failure in a row, up to MAX_RETRY_AFTER: a chunk that
 * is gone for good (the server was upgraded) costs a request every few minutes, not every 5 s.
 */
const RETRY_AFTER = 5_000;
const MAX_RETRY_AFTER = 320_000;

/** A chunk that did not load: reported as `rtc-error` of type `network`. */
export class LoadError extends Error {
  readonly type = 'network';
  /** When to ask again, in ms, for those that ask by themselves: RETRY_AFTER, doubled for each earlier failure in a row. */
  readonly retryAfter: number;
  constructor(cause: unknown, failures = 1) {
    super('Could not load the code for connecting from the server. Check the network connection and try again.', { cause });
    this.name = 'LoadError';
    this.retryAfter = Math.min(MAX_RETRY_AFTER, RETRY_AFTER * 2 ** (failures - 1));
  }
}

/**
 * How long a chunk may take before the join reports it as not loaded. A server or proxy that
 * holds the request, or a network gone mid-fetch, would otherwise leave "Joining…" up for as
 * long as the browser waits (minutes). 20 s fetches the session chunk (about 33 KB gzip) at
 * 14 kbit/s; the fetch goes on, and Try again gets the chunk at once if it came meanwhile.
 */
const LOAD_TIMEOUT = 20_000;

/** Runs `fire` after `ms`; returns what cancels it. */
export type After = (ms: number, fire: () => void) => () => void;

const after: After = (ms, fire) => {
  const timer = setTimeout(fire, ms);
  return () => clearTimeout(timer);
};

/**
 * Wraps a dynamic import: every caller shares one load, and a load that failed is forgotten so
 * that the next join tries again. (In the script-tag bundle, a chunk that came as something
 * other than JavaScript is asked for under another URL then: scripts/retry-imports.mjs.) Each
 * caller waits LOAD_TIMEOUT from its own ask: a join tried again while an earlier ask still waits
 * (one of an element's other chunks timed out first) is not failed by the earlier ask's time
 * running out, a moment before the chunk comes. A load that timed out goes on, and is shared by
 * the next ask: the browser would wait on the same fetch for a new import() of the same URL.
 */
export function lazy<T>(load: () => Promise<T>, wait: After = after): () => Promise<T> {
  let loading: Promise<T> | null = null;
  /** Failed asks in a row (none follow a load that succeeded). */
  let failures = 0;
  return () => {
    const shared = (loading ??= load().catch((cause: unknown) => {
      loading = null;
      throw cause;
    }));
    return new Promise<T>((resolve, reject) => {
      const cancel = wait(LOAD_TIMEOUT, () => reject(new Error(`Not loaded within ${LOAD_TIMEOUT / 1000} s`)));
      shared.then(resolve, reject).finally(cancel);
    }).catch((cause: unknown) => {
      throw new LoadError(cause, ++failures);
    });
  };
}

/**
 * Gives `use` what `load` (a `lazy` loader) gives: now, or, when it did not load, from a later
 * try (`LoadError.retryAfter`), for a part that a call can go without meanwhile. Returns what
 * ends the tries (and any waiting timer).
 */
export function loadSoon<T>(load: () => Promise<T>, use: (module: T) => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wanted = true;
  const attempt = (): void => {
    load().then(
      (module) => wanted && use(module),
      (error: LoadError) => wanted && (timer = setTimeout(attempt, error.retryAfter)),
    );
  };
  attempt();
  return () => {
    wanted = false;
    clearTimeout(timer);
  };
}

/** The session layer: rooms, mesh, PeerJS, configuration checks. */
export type SessionModule = typeof import('../session/index.js');

/** Loads the session layer (and PeerJS with it). */
export const loadSession: () => Promise<SessionModule> = lazy(() => import('../session/index.js'));

/** Fetching and refreshing the ICE servers from the element's server (ice-servers.ts). */
export type IceServersModule = typeof import('./ice-servers.js');

/**
 * Loads what reads and refreshes the ICE servers. In the script-tag bundle it is part of the
 * session chunk: no request of its own, while the first request for the servers leaves from the
 * first load at once (askAhead in ice-servers-url.ts).
 */
export const loadIceServers: () => Promise<IceServersModule> = lazy(() => import('./ice-servers.js'));
