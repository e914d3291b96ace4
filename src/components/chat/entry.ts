import type { html, nothing } from 'lit';
import type { guard } from 'lit/directives/guard.js';
import type { repeat } from 'lit/directives/repeat.js';
import type { ChatMessage } from '../../chat/store.js';
import type { ChatEntry } from '../../chat/types.js';
import { linkify, type TextPart } from '../../chat/linkify.js';
import { isOver } from '../../chat/transfer.js';
import { fileStatus } from './file-status.js';
import type { Strings } from '../../i18n/en.js';
import type { ImagePreviews } from './image-previews.js';

/**
 * lit's template tag and directives, as the element has them: this module is in the chat's
 * chunk, and a chunk that imported lit would take lit out of the first load along with it
 * (rollup puts a lazy chunk's dependencies in it), leaving the first load to import the chunk.
 */
export interface Lit {
  html: typeof html;
  nothing: typeof nothing;
  repeat: typeof repeat;
  guard: typeof guard;
}

/** What a line of the message list needs from the element. */
export interface EntryContext {
  lit: Lit;
  t: Strings;
  /** The mark that tells two people of the same name apart (` #2`), for someone here. */
  tag(id: string): string;
  /** A received file's download link. */
  link(blob: Blob): string;
  /** Received pictures, shown in place of their names. */
  previews: Pick<ImagePreviews, 'previewOf' | 'refused'>;
  cancel(id: string): void;
}

/** Each message's text as runs and links, split once: a message never changes, its line may render again. */
const linked = new WeakMap<ChatMessage, TextPart[]>();

/** One line of the message list: a message, a file on its way or received, or who came or went. */
export function renderEntry(e: ChatEntry, { lit, t, tag, link, previews, cancel }: EntryContext) {
  const { html, nothing } = lit;
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
      : html`${f!.blob ? renderPreview(lit, f!.blob, f!.name, link, previews) : nothing}
          <div class="row">
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

/** A received picture, downloaded by a click as its name is; nothing until (or unless) its first bytes say it is one. */
function renderPreview({ html, nothing }: Lit, blob: Blob, name: string, link: EntryContext['link'], previews: EntryContext['previews']) {
  const shown = previews.previewOf(blob);
  if (!shown) return nothing;
  const { width, height } = shown.kind;
  return html`<a part="preview-link" class="preview" href=${link(blob)} download=${name} tabindex="-1" aria-hidden="true"
    ><img part="preview" src=${shown.url} alt="" width=${width} height=${height} loading="lazy" decoding="async" @error=${() => previews.refused()}
  /></a>`;
}
