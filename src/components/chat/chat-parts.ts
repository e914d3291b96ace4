/**
 * The chat core and what rendering its entries needs, loaded when `<rtc-chat>` joins (a chunk
 * of its own in the script-tag bundle, beside the session's): a page with only a call never
 * downloads it.
 */
import { isOver } from '../../chat/transfer.js';

export { ChatRoom } from '../../chat/chat-room.js';
export { formatBytes } from '../../chat/format.js';
export { checkLimits } from '../../chat/limits.js';
export { linkify } from '../../chat/linkify.js';
export { ImagePreviews } from './image-previews.js';
export { renderEntries } from './entries.js';
export { fileStatus } from './file-status.js';
export { isOver };
