/**
 * rtc-elements: video calls and chat for any web page.
 * Importing this module registers `<rtc-call>` and `<rtc-chat>`. The elements themselves load
 * the session layer with `import()` when they join; the exports below are for pages that use
 * it directly. The script-tag bundle's entry is bundle.ts.
 */
export { RtcCall, type CallPhase } from './components/call/call.js';
export { RtcChat, type ChatPhase } from './components/chat/chat.js';
export * from './events/index.js';
export { loadSession, LoadError, type SessionModule } from './controllers/lazy.js';
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
export type { SessionRequest } from './session/registry.js';
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
