/**
 * The pair's channel for file bytes (docs/protocol.md, "The mesh"): beside the data channel
 * PeerJS opened on the pair's connection, a second one carries file chunks and what must follow
 * them in order, so that chat and control frames never wait behind a file. Both sides open it
 * once their link is up, with an agreed id: a negotiated channel needs no signalling.
 */

import type { DataConnection } from 'peerjs';
import { type CoreFrame, type ExtensionFrame, encodeFrame } from './frames.js';

/** The agreed SCTP stream id (far from the 0 or 1 PeerJS's channel gets). */
const FILES_CHANNEL = 100;

/**
 * The most bytes the connection's own channel may hold unsent. Past 8 MiB PeerJS keeps what the
 * channel cannot take in memory, without a bound, so a member that stops reading (or a path far
 * slower than what is sent) would make it grow for as long as this page sends; past this, frames
 * to that member are dropped instead. Chat and control frames never come near it otherwise.
 */
export const MAX_QUEUED = 8 * 1024 * 1024;

/**
 * Opens the channel on `pc`; `onMessage` gets what arrives on it. Null where it cannot be
 * opened (a connection without SCTP yet, a test double): everything then goes on one channel.
 */
export function openFilesChannel(pc: RTCPeerConnection | undefined, onMessage: (data: unknown) => void): RTCDataChannel | null {
  try {
    if (!pc?.createDataChannel) return null;
    const channel = pc.createDataChannel('rtc-room/files', { negotiated: true, id: FILES_CHANNEL });
    channel.binaryType = 'arraybuffer';
    channel.onmessage = (e: MessageEvent) => onMessage(e.data);
    return channel;
  } catch {
    return null;
  }
}

/** The channel, while it is open; null otherwise. */
export function openOnly(channel: RTCDataChannel | null | undefined): RTCDataChannel | null {
  return channel?.readyState === 'open' ? channel : null;
}

/**
 * Sends a frame on a pair: binary frames, and frames sent as `bulk` (those that must follow them
 * in order, such as the end of a file), on its files channel while that is open, so that the
 * other frames never wait behind a file; everything else on the connection's own channel. False
 * when the frame was dropped because the connection's channel holds MAX_QUEUED unsent. (The
 * files channel is the browser's own: it refuses what it cannot hold.)
 */
export function sendFrame(conn: DataConnection, files: RTCDataChannel | null, frame: CoreFrame | ExtensionFrame | ArrayBuffer, bulk: boolean): boolean {
  try {
    const data = frame instanceof ArrayBuffer ? frame : encodeFrame(frame);
    const channel = (bulk || frame instanceof ArrayBuffer) && openOnly(files);
    if (!channel) {
      if ((conn.dataChannel?.bufferedAmount ?? 0) >= MAX_QUEUED) return false;
      if (conn.open) conn.send(data);
    } else if (typeof data === 'string') channel.send(data);
    else channel.send(data);
  } catch {
    // A channel closing under us: its close event ends the link.
  }
  return true;
}
