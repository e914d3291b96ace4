/**
 * The chat core and what rendering its entries needs, loaded when `<rtc-chat>` joins (a chunk
 * of its own in the script-tag bundle, beside the session's): a page with only a call never
 * downloads it.
 */
export { ChatRoom } from '../../chat/chat-room.js';
export { formatBytes } from '../../chat/format.js';
export { checkLimits } from '../../chat/limits.js';
export { linkify } from '../../chat/linkify.js';
export { describe, isOver } from '../../chat/transfer.js';
