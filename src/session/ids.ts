/**
 * Peer ids. A member id is fresh for every join (a fixed id is PeerJS's "ID is taken" trap after
 * any unclean exit) and starts with the join time so that ids sort by age. The beacon id is the
 * one well-known id of a room: whoever holds it introduces newcomers.
 */

import { sha256 } from './sha256.js';

const TIME_DIGITS = 9; // base 36: enough for dates past the year 5000

function randomBase36(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  for (const b of bytes) out += (b % 36).toString(36);
  return out;
}

/** `rtc-` + 9 base-36 digits of Date.now() + 12 random base-36 digits. */
export function newMemberId(now: number = Date.now()): string {
  return `rtc-${now.toString(36).padStart(TIME_DIGITS, '0')}${randomBase36(12)}`;
}

/**
 * The room's beacon id: a hash of the server key and the room name, so any room name (spaces,
 * emoji, slashes) maps to a valid PeerJS id and the server never sees the name itself.
 */
export function beaconIdFor(room: string, key: string): string {
  // Our own SHA-256, not WebCrypto's: it answers at once (WebCrypto's first digest took about
  // 10 ms of every join, measured) and also works on pages that are not a secure context.
  const digest = sha256(new TextEncoder().encode(`rtc-room/1\n${key}\n${room}`));
  let hex = '';
  for (const b of digest.subarray(0, 16)) hex += b.toString(16).padStart(2, '0');
  return `rtc-room-${hex}`;
}
