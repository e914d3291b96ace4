/**
 * rtc-elements: video calls and chat for any web page.
 * Importing this module registers `<rtc-call>` and `<rtc-chat>`.
 */
export { RtcCall, type CallPhase } from './components/call/call.js';
export { RtcChat, type ChatPhase } from './components/chat/chat.js';
export * from './events/index.js';
export {
  RoomSession,
  SessionError,
  ConfigError,
  acquireSession,
  releaseSession,
  createPeer,
  parseServerUrl,
  parseIceServers,
  defaultServerUrl,
  PROTOCOL,
} from './session/index.js';
export type {
  LeaveReason,
  Participant,
  PeerFactory,
  RoomSessionEvents,
  RoomSessionOptions,
  ServerEndpoint,
  SessionErrorType,
  SessionPhase,
} from './session/index.js';
export type { ChatFile, ChatLimits, ChatMessage, FileRecipient, RecipientState, TransferReason, TransferState } from './chat/index.js';
export { acquireLocalMedia, type LocalMedia, type MediaProblem, type MediaProblemType } from './media/local-media.js';
