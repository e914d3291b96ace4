/**
 * The room protocol's wire format: JSON text frames on PeerJS data connections opened with
 * `serialization: 'raw'`. docs/protocol.md describes it for implementers of other clients.
 *
 * Every frame from a peer is untrusted: `parseFrame` checks size, shape and types, and returns
 * `null` for anything malformed, so no handler ever sees a value of the wrong type.
 */

/** Protocol name and major version, carried in every connection's metadata. */
export const PROTOCOL = 'rtc-room/1';

/** Largest control frame accepted, in UTF-16 code units of the JSON text. */
export const MAX_FRAME_LENGTH = 64 * 1024;

/** Longest display name kept; longer ones are cut. */
export const MAX_NAME_LENGTH = 64;

/** The most ids a roster or gossip frame may list. */
export const MAX_LISTED_IDS = 256;

export type ConnectionKind = 'intro' | 'mesh' | 'media';

export interface ConnectionMetadata {
  proto: typeof PROTOCOL;
  kind: ConnectionKind;
}

export interface MemberInfo {
  id: string;
  name: string;
}

/** Newcomer → beacon holder, on an intro connection. */
export interface JoinFrame {
  t: 'join';
  id: string;
  name: string;
}
/** Beacon holder → newcomer: admitted; here is who is in the room. */
export interface WelcomeFrame {
  t: 'welcome';
  members: MemberInfo[];
}
/** Beacon holder → newcomer: the room is at its limit. */
export interface FullFrame {
  t: 'full';
  max: number;
}
/** Both ends of a mesh connection, once, when it opens. */
export interface HelloFrame {
  t: 'hello';
  name: string;
  media: boolean;
  mic: boolean;
  cam: boolean;
  beacon: boolean;
  peers: string[];
}
/** The sender's current mesh neighbours, sent whenever it gains one. */
export interface PeersFrame {
  t: 'peers';
  ids: string[];
}
/** The sender's media state changed. */
export interface StateFrame {
  t: 'state';
  media: boolean;
  mic: boolean;
  cam: boolean;
}
/** The sender now holds the room's beacon id. */
export interface BeaconFrame {
  t: 'beacon';
}
/** Heartbeat. */
export interface PingFrame {
  t: 'ping';
}
/** The sender is leaving the room. */
export interface ByeFrame {
  t: 'bye';
}
/** The sender's media gained a kind the call cannot carry yet: the dialling side calls again. */
export interface RecallFrame {
  t: 'recall';
}
/**
 * A frame of a type the core does not handle, passed to extensions (the chat element).
 * Its fields are unchecked beyond being a JSON object with a string `t`.
 */
export interface ExtensionFrame {
  t: string;
  [field: string]: unknown;
}

export type CoreFrame =
  | JoinFrame
  | WelcomeFrame
  | FullFrame
  | HelloFrame
  | PeersFrame
  | StateFrame
  | BeaconFrame
  | PingFrame
  | ByeFrame
  | RecallFrame;

export type ParsedFrame = { core: CoreFrame } | { extension: ExtensionFrame };

const CORE_TYPES = new Set(['join', 'welcome', 'full', 'hello', 'peers', 'state', 'beacon', 'ping', 'bye', 'recall']);

/** PeerJS's own id rule (peerjs util.validateId), which the PeerServer relies on. */
const ID_PATTERN = /^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/;

export function isValidPeerId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 128 && ID_PATTERN.test(value);
}

/** Cuts a display name to a sane length and strips control characters; never throws. */
export function cleanName(value: unknown): string {
  if (typeof value !== 'string') return '';
  return value.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, MAX_NAME_LENGTH);
}

function isIdList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length <= MAX_LISTED_IDS && value.every(isValidPeerId);
}

function isBool(value: unknown): value is boolean {
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

/** Serialises a frame with the protocol version. */
export function encodeFrame(frame: CoreFrame | ExtensionFrame): string {
  return JSON.stringify({ v: 1, ...frame });
}

/**
 * Checks a frame received from a peer. Returns null when it is not a version-1 frame of a
 * known shape; unknown types come back as extension frames for the layers above to judge.
 */
export function parseFrame(data: unknown): ParsedFrame | null {
  if (typeof data !== 'string' || data.length > MAX_FRAME_LENGTH) return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const frame = value as Record<string, unknown>;
  if (frame.v !== 1 || typeof frame.t !== 'string' || frame.t.length > 32) return null;
  if (!CORE_TYPES.has(frame.t)) return { extension: frame as ExtensionFrame };
  const core = checkCore(frame);
  return core ? { core } : null;
}

function checkCore(f: Record<string, unknown>): CoreFrame | null {
  switch (f.t) {
    case 'join':
      return isValidPeerId(f.id) ? { t: 'join', id: f.id, name: cleanName(f.name) } : null;
    case 'welcome': {
      if (!Array.isArray(f.members) || f.members.length > MAX_LISTED_IDS) return null;
      const members: MemberInfo[] = [];
      for (const m of f.members as unknown[]) {
        if (typeof m !== 'object' || m === null) return null;
        const { id, name } = m as Record<string, unknown>;
        if (!isValidPeerId(id)) return null;
        members.push({ id, name: cleanName(name) });
      }
      return { t: 'welcome', members };
    }
    case 'full':
      return { t: 'full', max: typeof f.max === 'number' && Number.isFinite(f.max) ? f.max : 0 };
    case 'hello':
      if (!isBool(f.media) || !isBool(f.mic) || !isBool(f.cam) || !isBool(f.beacon) || !isIdList(f.peers)) {
        return null;
      }
      return { t: 'hello', name: cleanName(f.name), media: f.media, mic: f.mic, cam: f.cam, beacon: f.beacon, peers: f.peers };
    case 'peers':
      return isIdList(f.ids) ? { t: 'peers', ids: f.ids } : null;
    case 'state':
      return isBool(f.media) && isBool(f.mic) && isBool(f.cam)
        ? { t: 'state', media: f.media, mic: f.mic, cam: f.cam }
        : null;
    case 'beacon':
    case 'ping':
    case 'bye':
    case 'recall':
      return { t: f.t };
    default:
      return null;
  }
}
