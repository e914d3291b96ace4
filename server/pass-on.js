// Signals passed on to an id connected to this instance without `peer`'s round trip: `peer`
// parses each message, then serialises a copy of it ({ type, src, dst, payload }) for the
// destination. A message of exactly that shape is passed on as the client sent it, with the
// sender's id added as `src`: one parse, no copy. Anything else goes through `peer`.

/** The types `peer` relays to the client named by `dst`. */
const RELAYED = new Set(['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE', 'EXPIRE']);

/**
 * A client's message as `peer` parses it; undefined when `peer` cannot.
 * @param {string} text
 */
export function parseMessage(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The text to send the destination for a client's message, or null when the message must go
 * through `peer`: not a relayed type, no `dst`, or any key besides `type`, `dst` and `payload`
 * (so nothing passes that `peer` would drop, and no `src` of the client's own). The sender's id
 * comes last: where a text names a key twice, JSON parsers take the last.
 * @param {string} text the message as the client sent it
 * @param {any} message the same, parsed
 * @param {string} src the sender's id
 * @returns {string | null}
 */
export function passOn(text, message, src) {
  if (message === null || typeof message !== 'object' || !RELAYED.has(message.type) || typeof message.dst !== 'string') return null;
  const keys = Object.keys(message);
  if (keys.length > 3 || !keys.every((k) => k === 'type' || k === 'dst' || k === 'payload')) return null;
  return `${text.slice(0, text.lastIndexOf('}'))},"src":${JSON.stringify(src)}}`;
}
