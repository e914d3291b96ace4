/** The UI-free chat: message order and history, wire format, file transfers, limits. No lit imports here. */
export { ChatRoom } from './chat-room.js';
export type { ChatEntry, ChatHost, ChatLimits, ChatLine, ChatOptions, ChatPeer, ChatProblemType, ChatTransport } from './types.js';
export { MessageStore, type ChatMessage, type Relayer } from './store.js';
export type { ChatFile, FileRecipient, RecipientState, TransferReason, TransferState } from './transfer.js';
export { CHAT_VERSION } from './wire.js';
export { linkify, type TextPart } from './linkify.js';
export { formatBytes } from './format.js';
