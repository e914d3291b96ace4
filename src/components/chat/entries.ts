import type { ChatEntry } from '../../chat/types.js';
import { renderEntry, type EntryContext } from './entry.js';

/** Who a line is from, for the mark that tells namesakes apart ('' for this page's own lines and who came or went). */
function senderOf(e: ChatEntry): string {
  if (e.kind === 'message') return e.message.mine ? '' : e.message.from;
  return e.data.type === 'file' && !e.data.file.mine ? e.data.file.from : '';
}

/** A received file's picture, once read (ImagePreviews): the line shows it when it comes. */
function pictureOf(e: ChatEntry, context: EntryContext): unknown {
  const blob = e.kind === 'local' && e.data.type === 'file' ? e.data.file.blob : null;
  return blob && context.previews.previewOf(blob);
}

/**
 * The lines of the message list (loaded with the chat core: entries exist only once it is). An
 * entry renders again only when it changes (a file line's data is replaced on every change;
 * messages never change), its sender's mark among namesakes does, or a received picture was
 * read, so a long list costs little to update.
 */
export function renderEntries(entries: readonly ChatEntry[], context: EntryContext) {
  const { repeat, guard } = context.lit;
  return repeat(
    entries,
    (e) => e.key,
    (e) => guard([e, e.kind === 'local' && e.data, context.tag(senderOf(e)), context.t, pictureOf(e, context)], () => renderEntry(e, context)),
  );
}
