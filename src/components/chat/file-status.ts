import type { ChatFile } from '../../chat/transfer.js';
import { isOver } from '../../chat/transfer.js';
import type { Strings } from '../../i18n/en.js';

/** A transfer's state in the element's language: how far it got, or how it ended and why. */
export function fileStatus(t: Strings, f: ChatFile): string {
  if (!isOver(f.state)) {
    if (f.state === 'queued') return t.waitingToSend;
    if (f.state === 'waiting' && f.mine) return t.waitingForAnswer;
    const fraction = f.size ? f.bytes / f.size : 0;
    return f.mine ? t.sendingFile(fraction) : t.receivingFile(fraction);
  }
  // A sent file: who has it, who does not and why.
  if (f.mine && f.reason !== 'canceled') return f.recipients.map((r) => t.recipientState(r.name, t.fileEnded(r.reason))).join('; ');
  if (f.reason === 'canceled-there') return t.canceledBy(f.fromName);
  if (f.state === 'done') return f.released ? t.receivedReleased : t.receivedVerified;
  const text = t.fileEnded(f.reason);
  return text[0].toUpperCase() + text.slice(1);
}
