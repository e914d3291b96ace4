// The id, token and key of a PeerServer WebSocket URL, read as `peer` reads them, and whether
// the id and token are ones this server takes.

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

/** The longest id and token taken, as long as the longest key (config.js). */
export const MAX_ID_LENGTH = 64;

/** The ids PeerJS itself takes (its `util.validateId`): no client of the elements sends another. */
const PEER_ID = /^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/;

/**
 * Whether the server takes a claim of `id` with `token`. `peer` takes any id and sends it with
 * every message its holder relays: a 15,000-character id made each message of a few dozen bytes
 * arrive 320 times as large, past the relay rate. Absent ones are `peer`'s to refuse.
 * @param {string | undefined} id
 * @param {string | undefined} token
 */
export function acceptableClaim(id, token) {
  if (id && (id.length > MAX_ID_LENGTH || !PEER_ID.test(id))) return false;
  return !token || token.length <= MAX_ID_LENGTH;
}
