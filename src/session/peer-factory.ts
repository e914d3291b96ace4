import { Peer, type PeerOptions } from 'peerjs';
import type { PeerFactory } from './room-session.js';

/** The real PeerJS peer. */
export const createPeer: PeerFactory = (id: string, options: PeerOptions) => new Peer(id, options);
