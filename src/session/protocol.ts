/**
 * The room protocol's version, its limits, the metadata of its connections and signals, and the
 * checks every field from a peer goes through. The frames on pair links are in frames.ts.
 * docs/protocol.md describes both for implementers of other clients.
 *
 * Everything from a peer is untrusted: each reader checks size, shape and types, and returns
 * `null` for anything malformed, so no handler ever sees a value of the wrong type.
 */

import { cleanDisplayText } from './text.js';

/** Protocol name and major version, carried in every connection's metadata and signal. */
export const PROTOCOL = 'rtc-room/2';

/** Largest control frame accepted, in UTF-16 code units of the JSON text. */
export const MAX_FRAME_LENGTH = 64 * 1024;

/** Longest display name kept; longer ones are cut. */
export const MAX_NAME_LENGTH = 64;

/** The most ids a roster or gossip frame may list. */
export const MAX_LISTED_IDS = 256;

export type ConnectionKind = 'intro' | 'withdrawn' | 'mesh' | 'media' | 'full' | 'knocking' | 'turned-away' | 'negotiation';

export interface ConnectionMetadata {
  proto: typeof PROTOCOL;
  kind: ConnectionKind;
}

export interface MemberInfo {
  id: string;
  name: string;
  /** Whether the member takes part in the call (false for a chat-only page). */
  media: boolean;
}

/** Newcomer → beacon holder: the content of the intro signal (docs/protocol.md, Signals). */
export interface IntroSignal {
  name: string;
  media: boolean;
  /** Fresh for each question; the answer echoes it, which proves it came from the beacon's holder. */
  nonce: string;
}
/** Beacon holder → newcomer: the mesh connection it dials carries who is in the room. */
export interface Welcome {
  members: MemberInfo[];
  /** The nonce of the question it answers. */
  nonce: string;
}
/** Beacon holder → newcomer: the room is at its limit (a signal from the beacon id). */
export interface Full {
  max: number;
  nonce: string;
}
/** A short string field of at most `max` characters. */
export function isText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

/** PeerJS's own id rule (peerjs util.validateId), which the PeerServer relies on. */
const ID_PATTERN = /^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/;

export function isValidPeerId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 128 && ID_PATTERN.test(value);
}

/**
 * Cuts a display name to a sane length and strips control, direction and invisible characters,
 * so that a name shows as what it is; never throws.
 */
export function cleanName(value: unknown): string {
  return cleanDisplayText(value, MAX_NAME_LENGTH);
}

/** A nonce: 8 to 64 letters, digits, `_` or `-`. */
export function isNonce(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(value);
}

/** Whether a connection's or a signal's metadata names another version of this protocol. */
export function otherVersion(value: unknown): string | null {
  const proto = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).proto : undefined;
  return typeof proto === 'string' && proto.startsWith('rtc-room/') && proto !== PROTOCOL ? proto.slice(0, 16) : null;
}

export function isIdList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length <= MAX_LISTED_IDS && value.every(isValidPeerId);
}

export function isBool(value: unknown): value is boolean {
  return typeof value === 'boolean';
}

export function isConnectionMetadata(value: unknown, kind: ConnectionKind): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as ConnectionMetadata).proto === PROTOCOL &&
    (value as ConnectionMetadata).kind === kind
  );
}

export function metadata(kind: ConnectionKind): ConnectionMetadata {
  return { proto: PROTOCOL, kind };
}

/** Reads an intro signal (from a newcomer: untrusted). */
export function parseIntro(value: unknown): IntroSignal | null {
  if (!isConnectionMetadata(value, 'intro')) return null;
  const { name, media, nonce } = value as Record<string, unknown>;
  return isBool(media) && isNonce(nonce) ? { name: cleanName(name), media, nonce } : null;
}

/** Reads the welcome a mesh connection from the beacon holder carries, or null if it carries none. */
export function parseWelcome(value: unknown): Welcome | null {
  if (!isConnectionMetadata(value, 'mesh')) return null;
  const { welcome: list, nonce } = value as Record<string, unknown>;
  if (!Array.isArray(list) || list.length > MAX_LISTED_IDS || !isNonce(nonce)) return null;
  const members: MemberInfo[] = [];
  for (const m of list as unknown[]) {
    if (typeof m !== 'object' || m === null) return null;
    const { id, name, media } = m as Record<string, unknown>;
    if (!isValidPeerId(id) || !isBool(media)) return null;
    members.push({ id, name: cleanName(name), media });
  }
  return { members, nonce };
}

/** Reads a room-full answer. */
export function parseFull(value: unknown): Full | null {
  if (!isConnectionMetadata(value, 'full')) return null;
  const { max, nonce } = value as Record<string, unknown>;
  if (!isNonce(nonce)) return null;
  return { max: typeof max === 'number' && Number.isFinite(max) ? max : 0, nonce };
}

/**
 * Reads a signal of knocking: `knocking` or `turned-away` (the holder's answer to a question), or
 * `withdrawn` (the newcomer gave its question up).
 */
export function parseKnockSignal(value: unknown): { kind: 'knocking' | 'turned-away' | 'withdrawn'; nonce: string } | null {
  const kinds = ['knocking', 'turned-away', 'withdrawn'] as const;
  const kind = kinds.find((k) => isConnectionMetadata(value, k));
  const { nonce } = (value ?? {}) as Record<string, unknown>;
  return kind && isNonce(nonce) ? { kind, nonce } : null;
}
