// The id, token and key of a PeerServer WebSocket URL, read as `peer` reads them.

/** A query of these characters reads the same split by hand as through the URL parser: nothing to decode. */
const PLAIN_QUERY = /^[\w.~=&-]*$/;

/**
 * `id`, `token` and `key` of a PeerServer WebSocket URL, as `peer` reads them (the URL parser's
 * search parameters, the last of repeated ones winning), without the parser for a plain query.
 * @param {string} url the request's URL, a path (ws handles only the PeerServer's path)
 * @returns {{ id?: string, token?: string, key?: string }}
 */
export function peerQuery(url) {
  const at = url.indexOf('?');
  if (at === -1) return {};
  const query = url.slice(at + 1);
  if (!PLAIN_QUERY.test(query) || url.lastIndexOf('#', at) !== -1) {
    try {
      const { id, token, key } = Object.fromEntries(new URL(url, 'https://peerjs').searchParams.entries());
      return { id, token, key };
    } catch {
      // `peer` answers for a URL without parameters
      return {};
    }
  }
  /** @type {string | undefined} */
  let id;
  /** @type {string | undefined} */
  let token;
  /** @type {string | undefined} */
  let key;
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const name = eq === -1 ? pair : pair.slice(0, eq);
    const value = eq === -1 ? '' : pair.slice(eq + 1);
    if (name === 'id') id = value;
    else if (name === 'token') token = value;
    else if (name === 'key') key = value;
  }
  return { id, token, key };
}
