/**
 * The chat core, what rendering its entries needs and what tells the element of the chat and the
 * room (chat-host.ts), loaded when `<rtc-chat>` joins (a chunk of its own in the script-tag
 * bundle, beside the session's): a page with only a call never downloads it.
 */
export { ChatElementHost } from './chat-host.js';
export { ChatDoor } from './chat-door.js';
export { checkLimits } from '../../chat/limits.js';
export { ImagePreviews } from './image-previews.js';
export { renderEntries } from './entries.js';
