/**
 * Where and how an element asks for its STUN and TURN servers. Part of the first load: the URL is
 * named before the join, and the first request leaves at once, beside the code that reads the
 * answer and refreshes it (ice-servers.ts, loaded on join), not after it.
 */

/**
 * The `ice-servers` URL beside a PeerServer (the `server` attribute): `…/calls/peerjs` asks
 * `…/calls/ice-servers`, so that an rtc-server behind a path prefix is found; `…/peerjs`, the
 * usual, asks `/ice-servers`. Without a server, that of the origin this script came from, as the
 * default PeerServer is found. Null for a URL that does not parse: the join fails on it anyway.
 */
export function iceServersUrl(server: string): string | null {
  try {
    const given = server.trim();
    const base = new URL(given || import.meta.url);
    if (base.protocol === 'ws:' || base.protocol === 'wss:') base.protocol = base.protocol === 'ws:' ? 'http:' : 'https:';
    if (base.protocol !== 'http:' && base.protocol !== 'https:') return null;
    if (!given) return new URL('/ice-servers', base.origin).href;
    base.pathname = base.pathname.replace(/\/+$/, '') || '/';
    base.search = base.hash = '';
    return new URL('ice-servers', base).href;
  } catch {
    return null;
  }
}

/** How long a request for the ICE servers may take, its answer's body included. */
const ASK_TIMEOUT = 10_000;

/** The request made ahead (askAhead), until the code that reads it takes it. */
let ahead: { url: string; at: number; answer: Promise<Response> } | null = null;

/** Whether `url` was asked ahead recently enough for its answer to be read within its time limit. */
function askedAhead(url: string): boolean {
  return ahead?.url === url && performance.now() - ahead.at < ASK_TIMEOUT / 2;
}

/**
 * Asks `url` for the ICE servers, or takes the answer to `askAhead(url)` when it was asked
 * recently enough to be read within its time limit.
 */
export function askIceServers(url: string): Promise<Response> {
  const early = askedAhead(url) ? ahead!.answer : null;
  ahead = null;
  return early ?? fetch(url, { credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer', signal: AbortSignal.timeout(ASK_TIMEOUT) });
}

/** Asks `url` now, while the code that reads the answer loads; its first ask takes the answer. */
export function askAhead(url: string): void {
  if (askedAhead(url)) return;
  const answer = askIceServers(url);
  // Read (or dropped) later; a failure is the reader's to report.
  answer.catch(() => {});
  ahead = { url, at: performance.now(), answer };
}
