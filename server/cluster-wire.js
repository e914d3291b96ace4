// What rtc-server instances write to Redis and read back (see cluster.js): the keys of an id, the
// hash of its token, and the check every message read from Redis passes before a client sees it.

import { createHash } from 'node:crypto';

/** The message types passed between instances, as `peer` relays them. */
export const RELAYED_TYPES = new Set(['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE', 'EXPIRE']);
/** Those kept for an id nobody holds, as `peer` keeps them. */
export const KEPT_TYPES = new Set(['OFFER', 'ANSWER', 'CANDIDATE']);
/** An instance's name. */
export const INSTANCE = /^[0-9a-f]{16}$/;

/**
 * The most a message may be in Redis: a client's message plus the src, dst and type the server
 * writes around it. A longer one is not passed on, and one read from Redis is dropped.
 * @param {Readonly<import('./config.js').RtcServerConfig>} config
 */
export function maxEntryBytes(config) {
  return config.maxMessageBytes + 1024;
}

/**
 * The Redis keys of an id: `<h>` is the SHA-256 of the id, so keys have a fixed size whatever a
 * client sends.
 * @param {string} id
 */
export function keys(id) {
  const h = createHash('sha256').update(id).digest('base64url');
  return { id: idKey(h), channel: `rtc:to:${h}`, queue: `rtc:q:${h}` };
}

/**
 * The key of an id from its hash (IdClaims names its reservations by the same hash).
 * @param {string} h
 */
export function idKey(h) {
  return `rtc:id:${h}`;
}

/**
 * The same on every instance, so that any of them recognises a token; bound to the id.
 * @param {string} id
 * @param {string} token
 */
export function hashToken(id, token) {
  return createHash('sha256').update(`rtc-server\n${id}\n${token}`).digest('base64url');
}

/**
 * A message from Redis as the client may see it, or undefined: at most `maxBytes` long, JSON, a
 * type that is relayed, from a string id, to `dst`; written anew with only those fields.
 * @param {unknown} text
 * @param {string} dst
 * @param {number} maxBytes
 * @returns {string | undefined}
 */
export function readRelayed(text, dst, maxBytes) {
  if (typeof text !== 'string' || text.length > maxBytes) return undefined;
  /** @type {any} */
  let message;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (
    message === null ||
    typeof message !== 'object' ||
    Array.isArray(message) ||
    !RELAYED_TYPES.has(message.type) ||
    typeof message.src !== 'string' ||
    message.src === '' ||
    message.dst !== dst
  ) {
    return undefined;
  }
  return JSON.stringify({ type: message.type, src: message.src, dst, payload: message.payload });
}
