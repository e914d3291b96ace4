import { html, nothing } from 'lit';
import type { ChatMessage } from '../../chat/store.js';
import type { ChatEntry } from '../../chat/types.js';
import type { TextPart } from '../../chat/linkify.js';
import type { Strings } from '../../i18n/en.js';
import type * as ChatParts from './chat-parts.js';

/** What a line of the message list needs from the element. */
export interface EntryContext {
  t: Strings;
  /** The chat core's helpers (loaded with it: entries exist only once it is). */
  parts: Pick<typeof ChatParts, 'fileStatus' | 'isOver' | 'linkify'>;
  /** The mark that tells two people of the same name apart (` #2`), for someone here. */
  tag(id: string): string;
  /** A received file's download link. */
  link(blob: Blob): string;
  cancel(id: string): void;
}

/** Each message's text as runs and links, split once: a message never changes, its line may render again. */
const linked = new WeakMap<ChatMessage, TextPart[]>();

/** One line of the message list: a message, a file on its way or received, or who came or went. */
export function renderEntry(e: ChatEntry, { t, parts, tag, link, cancel }: EntryContext) {
  const { fileStatus, isOver, linkify } = parts;
  const line = e.kind === 'local' ? e.data : null;
  if (line?.type === 'system') {
    if (line.event === 'renamed') return line.to === line.name ? nothing : html`<div part="system-line">${t.renamed(line.name, line.to)}</div>`;
    return html`<div part="system-line">${{ joined: t.joined, here: t.isHere, left: t.left, lost: t.leftLost }[line.event](line.name)}</div>`;
  }
  const m = e.kind === 'message' ? e.message : null;
  const f = line?.file;
  const mine = (m ?? f)!.mine;
  const who = mine ? 'mine' : 'theirs';
  const going = f && !isOver(f.state);
  return html`<div part="${m ? 'message' : 'file'} ${who}" class="bubble ${who}" data-id=${(m ?? f)!.id}>
    <div class="row meta">
      <span part="sender">${mine ? t.you : (m?.name ?? f!.fromName)}${mine ? '' : tag((m ?? f)!.from)}</span>
      <time part="time" datetime=${new Date((m ?? f)!.time).toISOString()}>${t.time((m ?? f)!.time)}</time>
      ${m?.relayedBy ? html`<span part="relayed">${t.relayedBy(m.relayedBy.name)}</span>` : nothing}
    </div>
    ${m
      ? html`<div part="text" dir="auto">${(linked.get(m) ?? linked.set(m, linkify(m.text)).get(m)!).map((p) => (p.href ? html`<a href=${p.href} target="_blank" rel="noopener noreferrer">${p.text}</a>` : p.text))}</div>`
      : html`<div class="row">
            ${f!.blob ? html`<a part="download" href=${link(f!.blob)} download=${f!.name}>${f!.name}</a>` : html`<span part="file-name">${f!.name}</span>`}
            <span part="file-size">${t.fileSize(f!.size)}</span>
          </div>
          ${going ? html`<progress part="progress" max=${f!.size || 1} .value=${f!.bytes} aria-label=${f!.name}></progress>` : nothing}
          <div class="row">
            <span part="file-status">${fileStatus(t, f!)}</span>
            ${going
              ? html`<button part="button cancel-button" class="small" aria-label=${t.cancelFile(f!.name)} @click=${() => cancel(f!.id)}>${t.cancel}</button>`
              : nothing}
          </div>`}
  </div>`;
}
