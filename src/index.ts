/**
 * rtc-elements: video calls and chat for any web page.
 * Importing this module registers `<rtc-call>` and `<rtc-chat>`, and nothing more: the elements
 * load the session layer (and PeerJS with it) with `import()` when they join, so this entry
 * imports none of it, for a bundler to split and for a server render to import without a
 * browser. Pages that drive the session themselves get it with `loadSession()`, or import
 * `rtc-elements/session` (session/index.ts). The script-tag bundle's entry is bundle.ts.
 */
export { RtcCall, type CallPhase, type CallTheme } from './components/call/call.js';
export { RtcChat, type ChatPhase } from './components/chat/chat.js';
export type { Strings } from './i18n/en.js';
export * from './events/index.js';
export { loadSession, LoadError, type SessionModule } from './controllers/lazy.js';
export type { RoomSession, SessionError, ConfigError } from './session/index.js';
export type { SessionRequest } from './session/registry.js';
export type { Knocker } from './session/types.js';
export type {
  LeaveReason,
  Participant,
  PeerFactory,
  ReconnectKind,
  RoomSessionEvents,
  RoomSessionOptions,
  ServerEndpoint,
  SessionErrorType,
  SessionPhase,
} from './session/index.js';
export type { ChatFile, ChatLimits, ChatMessage, FileRecipient, RecipientState, TransferReason, TransferState } from './chat/index.js';
export { acquireLocalMedia, type LocalMedia, type MediaProblem, type MediaProblemType } from './media/local-media.js';
