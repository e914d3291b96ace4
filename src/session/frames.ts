/**
 * The frames of the room protocol: JSON text on the pair's channels (PeerJS data connections
 * opened with `serialization: 'raw'`, or the pair's negotiated channels). docs/protocol.md,
 * "Frames", describes them for implementers of other clients.
 *
 * Every frame from a peer is untrusted: `parseFrame` checks size, shape and types, and returns
 * `null` for anything malformed, so no handler ever sees a value of the wrong type.
 */

import { MAX_FRAME_LENGTH, cleanName, isBool, isConnectionMetadata, isIdList, isNonce, isText, isValidPeerId } from './protocol.js';

/** Both ends of a mesh connection, once, when it opens. */
export interface HelloFrame {
  t: 'hello';
  name: string;
  media: boolean;
  mic: boolean;
  cam: boolean;
  beacon: boolean;
  peers: string[];
  /** The id of the stream that carries the sender's shared screen, while it shares one. */
  screen?: string;
  /** How high the sender will show the receiver's camera, in device pixels, as in a `view` frame. */
  view?: number;
  /** Whether the sender raised its hand: sent only while raised, kept only when true. */
  hand?: boolean;
  /** With `hand`: how long it has been up, in ms (at most MAX_HAND_FOR), so that every page orders the hands alike. */
  handFor?: number;
  /** Whether the sender takes `react` frames: sent only as true, kept only when true. */
  react?: boolean;
  /** Whether the sender takes `knock` frames (knocking.ts): as `react`. */
  knock?: boolean;
}
/** The sender's current mesh neighbours, sent whenever it gains one. */
export interface PeersFrame {
  t: 'peers';
  ids: string[];
}
/** The sender's media state changed, or its name. */
export interface StateFrame {
  t: 'state';
  media: boolean;
  mic: boolean;
  cam: boolean;
  /** The id of the stream that carries the sender's shared screen, while it shares one. */
  screen?: string;
  /** The sender's display name, as in `hello` (it may have changed since). */
  name?: string;
  /** As in `hello`. */
  hand?: boolean;
  /** As in `hello`. */
  handFor?: number;
}
/** The sender reacted, with one of REACTIONS (a reaction this version does not know is not shown). */
export interface ReactFrame {
  t: 'react';
  emoji: string;
}
/**
 * How high the sender shows the receiver's camera, in device pixels (docs/protocol.md, "Video
 * sizes"): the receiver sends its camera to the sender no larger than that. `paused`: nobody sees the
 * sender's call, or its visitor turned the others' cameras off; the receiver sends it no camera
 * until it is told otherwise.
 */
export interface ViewFrame {
  t: 'view';
  height: number;
  paused?: true;
  /** The sender sees none of the member's shared screen for now: the member sends it none. */
  screenPaused?: true;
}
/**
 * The sender holds the room's beacon id. With `nonce`, the answer to the receiver's own question
 * (which only the beacon id received): proof. Without, a hint.
 */
export interface BeaconFrame {
  t: 'beacon';
  nonce?: string;
}
/** The beacon holder let a newcomer in: the members accept its connection for a while. */
export interface AdmitFrame {
  t: 'admit';
  id: string;
  name: string;
  media: boolean;
}
/** Private rooms: this side's challenge, the first frame on a pair link (docs/protocol.md, Private rooms). */
export interface AuthFrame {
  t: 'auth';
  nonce: string;
}
/** Private rooms: this side's answer to the other's challenge. */
export interface ProofFrame {
  t: 'proof';
  proof: string;
}
/** Heartbeat. */
export interface PingFrame {
  t: 'ping';
}
/** The sender is leaving the room. */
export interface ByeFrame {
  t: 'bye';
}
/** A description of the pair's peer connection, in its negotiation (docs/protocol.md, Media). */
export interface SdpFrame {
  t: 'sdp';
  description: { type: 'offer' | 'answer'; sdp: string };
}
/** The answering side of a pair asks the offering side for an offer, with room for tracks of these kinds. */
export interface RenegotiateFrame {
  t: 'renegotiate';
  kinds: ('audio' | 'video')[];
}
/** An ICE candidate of the pair's peer connection. */
export interface IceFrame {
  t: 'ice';
  candidate: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null; usernameFragment?: string | null };
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
  | HelloFrame
  | PeersFrame
  | StateFrame
  | ReactFrame
  | ViewFrame
  | BeaconFrame
  | AdmitFrame
  | AuthFrame
  | ProofFrame
  | SdpFrame
  | IceFrame
  | RenegotiateFrame
  | PingFrame
  | ByeFrame;

export type ParsedFrame = { core: CoreFrame } | { extension: ExtensionFrame };

const CORE_TYPES = new Set(['hello', 'peers', 'state', 'react', 'view', 'beacon', 'admit', 'auth', 'proof', 'sdp', 'ice', 'renegotiate', 'ping', 'bye']);

/**
 * The reactions a member can send, in the order the call offers them. A `react` frame with
 * another emoji (of a later version, up to MAX_REACTION code units) is taken and not shown.
 */
export const REACTIONS = ['👍', '👏', '😂', '😮', '❤️', '🎉'] as const;
export type Reaction = (typeof REACTIONS)[number];
/** The longest `emoji` a `react` frame may carry. */
const MAX_REACTION = 16;

/** The tallest video a `view` frame may ask for, in pixels (8K). */
export const MAX_VIEW_HEIGHT = 4320;

/** The longest description accepted (an offer with audio, video and a shared screen is about 6 KB). */
const MAX_SDP = 60_000;
/**
 * The most media sections (m-lines) a description may have. A pair needs at most about nine (a
 * microphone, a camera and a screen each way, room made for them, the data channel); the browser
 * builds a transceiver for every section of an offer, and 60,000 characters hold hundreds.
 */
export const MAX_MEDIA_SECTIONS = 16;

/** Whether a session description is text of a size and with a number of media sections (`m=` lines) a pair can need. */
export function isFitSdp(sdp: unknown): sdp is string {
  if (!isText(sdp, MAX_SDP)) return false;
  let sections = sdp.startsWith('m=') ? 1 : 0;
  for (let i = sdp.indexOf('\nm='); i !== -1 && sections <= MAX_MEDIA_SECTIONS; i = sdp.indexOf('\nm=', i + 3)) sections++;
  return sections <= MAX_MEDIA_SECTIONS;
}

/**
 * `sdp` with only the candidate lines (`a=candidate:`) that `keep` takes, in order; `cut`: some
 * were left out. A description's candidates are addresses the browser sends checks to, as those
 * of `ice` frames are, and count with them.
 */
export function keepCandidates(sdp: string, keep: (line: string) => boolean): { sdp: string; cut: boolean } {
  let cut = false;
  const kept = sdp.replace(/^a=candidate:[^\r\n]*(?:\r?\n|$)/gm, (line) => (keep(line.trimEnd()) ? line : ((cut = true), '')));
  return { sdp: kept, cut };
}

function isViewHeight(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) > 0 && (value as number) <= MAX_VIEW_HEIGHT;
}

/** How long a hand may say it has been up (ms): a day. */
export const MAX_HAND_FOR = 86_400_000;

/** `handFor`: absent, or whole ms from 0 to MAX_HAND_FOR. */
function isHandFor(value: unknown): boolean {
  return value === undefined || (Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_HAND_FOR);
}

/** A flag such as `hand` or `react`: absent (false) or a boolean. */
function isFlag(value: unknown): boolean {
  return value === undefined || isBool(value);
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
    case 'hello':
      if (!isBool(f.media) || !isBool(f.mic) || !isBool(f.cam) || !isBool(f.beacon) || !isIdList(f.peers)) {
        return null;
      }
      if ((f.screen !== undefined && !isText(f.screen, 64)) || (f.view !== undefined && !isViewHeight(f.view)) || !isFlag(f.hand) || !isHandFor(f.handFor) || !isFlag(f.react) || !isFlag(f.knock)) return null;
      return {
        t: 'hello',
        name: cleanName(f.name),
        media: f.media,
        mic: f.mic,
        cam: f.cam,
        beacon: f.beacon,
        peers: f.peers,
        ...(f.screen !== undefined && { screen: f.screen as string }),
        ...(f.view !== undefined && { view: f.view as number }),
        ...(f.hand === true && { hand: true, ...(f.handFor !== undefined && { handFor: f.handFor as number }) }),
        ...(f.react === true && { react: true }),
        ...(f.knock === true && { knock: true }),
      };
    case 'peers':
      return isIdList(f.ids) ? { t: 'peers', ids: f.ids } : null;
    case 'state':
      if (!isBool(f.media) || !isBool(f.mic) || !isBool(f.cam) || (f.screen !== undefined && !isText(f.screen, 64))) return null;
      if ((f.name !== undefined && typeof f.name !== 'string') || !isFlag(f.hand) || !isHandFor(f.handFor)) return null;
      return {
        t: 'state',
        media: f.media,
        mic: f.mic,
        cam: f.cam,
        ...(f.screen !== undefined && { screen: f.screen as string }),
        ...(typeof f.name === 'string' && { name: cleanName(f.name) }),
        ...(f.hand === true && { hand: true, ...(f.handFor !== undefined && { handFor: f.handFor as number }) }),
      };
    case 'react':
      return isText(f.emoji, MAX_REACTION) ? { t: 'react', emoji: f.emoji } : null;
    case 'view':
      return isViewHeight(f.height) && isFlag(f.paused) && isFlag(f.screenPaused)
        ? { t: 'view', height: f.height, ...(f.paused === true && { paused: true }), ...(f.screenPaused === true && { screenPaused: true }) }
        : null;
    case 'sdp':
      return parseDescription(f.description);
    case 'ice':
      return parseCandidate(f.candidate);
    case 'renegotiate':
      return Array.isArray(f.kinds) && f.kinds.length <= 4 && f.kinds.every((k) => k === 'audio' || k === 'video')
        ? { t: 'renegotiate', kinds: f.kinds as ('audio' | 'video')[] }
        : null;
    case 'beacon':
      if (f.nonce === undefined) return { t: 'beacon' };
      return isNonce(f.nonce) ? { t: 'beacon', nonce: f.nonce } : null;
    case 'admit':
      return isValidPeerId(f.id) && isBool(f.media) ? { t: 'admit', id: f.id, name: cleanName(f.name), media: f.media } : null;
    case 'auth':
      return isText(f.nonce, 64) ? { t: 'auth', nonce: f.nonce } : null;
    case 'proof':
      return isText(f.proof, 64) ? { t: 'proof', proof: f.proof } : null;
    case 'ping':
    case 'bye':
      return { t: f.t };
    default:
      return null;
  }
}

function parseDescription(value: unknown): SdpFrame | null {
  if (typeof value !== 'object' || value === null) return null;
  const { type, sdp } = value as Record<string, unknown>;
  if ((type !== 'offer' && type !== 'answer') || !isFitSdp(sdp)) return null;
  return { t: 'sdp', description: { type, sdp } };
}

function parseCandidate(value: unknown): IceFrame | null {
  if (typeof value !== 'object' || value === null) return null;
  const { candidate, sdpMid, sdpMLineIndex, usernameFragment } = value as Record<string, unknown>;
  const optional = (v: unknown, ok: (x: unknown) => boolean) => v === undefined || v === null || ok(v);
  if (typeof candidate !== 'string' || candidate.length > 1024) return null;
  if (!optional(sdpMid, (x) => isText(x, 64))) return null;
  if (!optional(sdpMLineIndex, (x) => Number.isInteger(x) && (x as number) >= 0 && (x as number) < 1024)) return null;
  if (!optional(usernameFragment, (x) => isText(x, 256))) return null;
  return {
    t: 'ice',
    candidate: {
      candidate,
      sdpMid: (sdpMid as string | null | undefined) ?? null,
      sdpMLineIndex: (sdpMLineIndex as number | null | undefined) ?? null,
      ...(typeof usernameFragment === 'string' && { usernameFragment }),
    },
  };
}

/**
 * Reads a `negotiation` signal: a description or candidate of the pair's connection, sent
 * through the server while the pair's own path is broken (an ICE restart).
 */
export function parseNegotiation(value: unknown): SdpFrame | IceFrame | RenegotiateFrame | null {
  if (!isConnectionMetadata(value, 'negotiation')) return null;
  const frame = (value as Record<string, unknown>).frame;
  if (typeof frame !== 'object' || frame === null) return null;
  const parsed = checkCore(frame as Record<string, unknown>);
  return parsed && (parsed.t === 'sdp' || parsed.t === 'ice' || parsed.t === 'renegotiate') ? parsed : null;
}
