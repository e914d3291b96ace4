/**
 * The script-tag bundle's entry (dist/rtc-elements.js): registers `<rtc-call>` and `<rtc-chat>`
 * with what their lobby needs. The session layer with PeerJS, and the chat core, are chunks
 * next to it that the elements load when they join; `loadSession()` gives a page the session
 * layer's API (RoomSession, createPeer, …) the same way. The npm entry is index.ts.
 */
export { RtcCall, type CallPhase, type CallTheme } from './components/call/call.js';
export { RtcChat, type ChatPhase } from './components/chat/chat.js';
export type { Strings } from './i18n/en.js';
export * from './events/index.js';
export { loadSession, LoadError, type SessionModule } from './controllers/lazy.js';
export { acquireLocalMedia, type LocalMedia, type MediaProblem, type MediaProblemType } from './media/local-media.js';
