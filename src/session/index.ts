/** The UI-free session layer: rooms, mesh, roster and connections. No lit imports here. */
export * from './config.js';
export * from './protocol.js';
export { RoomSession, SessionError } from './room-session.js';
export type {
  LeaveReason,
  Participant,
  PeerFactory,
  ReconnectKind,
  RoomSessionEvents,
  RoomSessionOptions,
  SessionErrorType,
  SessionPhase,
  SessionTiming,
} from './room-session.js';
export { acquireSession, releaseSession, sessionUsers } from './registry.js';
export { createPeer } from './peer-factory.js';
export { beaconIdFor, newMemberId } from './ids.js';
