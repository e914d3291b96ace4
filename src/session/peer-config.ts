/**
 * How every PeerJS `Peer` of a session is opened (docs/protocol.md, "Overview"): on the page's
 * PeerServer, with only the STUN and TURN servers the page configured (never PeerJS's default
 * public ones), and `bundlePolicy: "max-bundle"`. New servers (fresh TURN credentials, most
 * often) reach the connections made from then on and the open ones alike.
 */
import type { PeerOptions } from 'peerjs';
import type { RoomSessionOptions } from './types.js';

/** The options of every Peer; PeerJS reads their `config` each time it makes a peer connection. */
export function peerOptionsFor(options: RoomSessionOptions): PeerOptions & { config: RTCConfiguration } {
  const { host, port, path, secure, key } = options.server;
  return {
    host,
    port,
    path,
    secure,
    key,
    // One transport for audio and video from the start (every peer is ours and bundles).
    config: { iceServers: options.iceServers ?? [], iceTransportPolicy: options.iceTransportPolicy ?? 'all', bundlePolicy: 'max-bundle' },
    debug: 0,
  };
}

/**
 * Why the browser refuses these ICE servers (a TURN server without credentials, an address it
 * cannot read), or null. A refused list makes every new RTCPeerConnection throw, so it must
 * never reach `config`.
 */
export function refusal(iceServers: RTCIceServer[]): string | null {
  if (typeof RTCPeerConnection !== 'function' || !iceServers.length) return null;
  try {
    new RTCPeerConnection({ iceServers }).close();
    return null;
  } catch (err) {
    return (err as Error)?.message || String(err);
  }
}

/**
 * Gives new ICE servers to the connections made from now on (`config`) and to the open ones;
 * false, and nothing changes, when the browser refuses them.
 */
export function useIceServers(config: RTCConfiguration, open: Iterable<RTCPeerConnection>, iceServers: RTCIceServer[]): boolean {
  if (refusal(iceServers)) return false;
  config.iceServers = iceServers;
  for (const pc of open) {
    try {
      pc.setConfiguration({ ...pc.getConfiguration(), iceServers });
    } catch {
      // A closed connection, or one whose configuration cannot change: the next one gets them.
    }
  }
  return true;
}
