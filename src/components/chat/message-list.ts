import { html, nothing } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatEntry } from '../../chat/types.js';
import { renderEntry, type EntryContext } from './entry.js';
import type { LogFollower } from './log-follower.js';

/** Who a line is from, for the mark that tells namesakes apart ('' for this page's own lines and who came or went). */
function senderOf(e: ChatEntry): string {
  if (e.kind === 'message') return e.message.mine ? '' : e.message.from;
  return e.data.type === 'file' && !e.data.file.mine ? e.data.file.from : '';
}

/**
 * The message list, and below it the button to the newest messages while the reader is
 * scrolled up (`follower`). An entry renders again only when it changes (a file line's data is
 * replaced on every change; messages never change) or its sender's mark among namesakes does,
 * so a long list costs little to update.
 */
export function renderMessageList(entries: readonly ChatEntry[], context: EntryContext, follower: LogFollower) {
  const { t } = context;
  return html`<div part="message-list" role="log" aria-live="off" aria-label=${t.messages} tabindex="0" @scroll=${() => follower.scrolled()}>
      ${repeat(
        entries,
        (e) => e.key,
        (e) => guard([e, e.kind === 'local' && e.data, context.tag(senderOf(e)), t], () => renderEntry(e, context)),
      )}
    </div>
    ${follower.unread
      ? html`<button part="button unread-button" class="small primary" @click=${() => follower.jump()}>${t.newMessages(follower.unread)}</button>`
      : nothing}`;
}
