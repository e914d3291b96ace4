import type { ChatEntry } from '../../chat/types.js';
import type { ChatFile } from '../../chat/transfer.js';

/**
 * The download links of received files: an object URL per file, made when its line is first
 * shown, and let go once the file is no longer listed or kept (past the cap), so that its
 * memory can go too.
 */
export class FileLinks {
  readonly #urls = new Map<string, string>();

  /** The file's download link. */
  urlFor(file: ChatFile): string {
    let url = this.#urls.get(file.id);
    // The link is binary whatever the sender declared: a peer's "text/html" or SVG must not
    // open as a page of this origin. The Blob itself (rtc-file-received) keeps the declared type.
    if (!url) this.#urls.set(file.id, (url = URL.createObjectURL(file.blob!.slice(0, file.blob!.size, 'application/octet-stream'))));
    return url;
  }

  /** Lets go of the links of files that `entries` no longer list with their data. */
  keepListed(entries: readonly ChatEntry[]): void {
    if (!this.#urls.size) return;
    const listed = new Set(entries.map((e) => (e.kind === 'local' && e.data.type === 'file' && e.data.file.blob ? e.data.file.id : '')));
    for (const [id, url] of this.#urls) {
      if (!listed.has(id)) {
        URL.revokeObjectURL(url);
        this.#urls.delete(id);
      }
    }
  }
}
