import type { ChatEntry } from '../../chat/types.js';

/**
 * The download links of received files: an object URL per file, made when its line is first
 * shown, and let go once the file is no longer listed or kept (past the cap), so that its
 * memory can go too.
 */
export class FileLinks {
  /**
   * By the received Blob, not the transfer's id: a sender's id comes back once its old transfers
   * are forgotten, and a second file under it must not get the first one's link.
   */
  readonly #urls = new Map<Blob, string>();

  /** The download link of a received file's data. */
  urlFor(blob: Blob): string {
    let url = this.#urls.get(blob);
    // The link is binary whatever the sender declared: a peer's "text/html" or SVG must not
    // open as a page of this origin. The Blob itself (rtc-file-received) keeps the declared type.
    if (!url) this.#urls.set(blob, (url = URL.createObjectURL(blob.slice(0, blob.size, 'application/octet-stream'))));
    return url;
  }

  /** Whether any link is held (nothing to let go of otherwise). */
  get size(): number {
    return this.#urls.size;
  }

  /** Lets go of the links of files no longer listed with their data (`listed`: listedBlobs()). */
  keepListed(listed: ReadonlySet<Blob | null>): void {
    for (const [blob, url] of this.#urls) {
      if (!listed.has(blob)) {
        URL.revokeObjectURL(url);
        this.#urls.delete(blob);
      }
    }
  }
}

/** The data of the received files that `entries` list, for FileLinks and the pictures to keep theirs. */
export function listedBlobs(entries: readonly ChatEntry[]): Set<Blob | null> {
  return new Set(entries.map((e) => (e.kind === 'local' && e.data.type === 'file' ? e.data.file.blob : null)));
}
