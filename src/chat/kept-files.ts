import type { ChatLine } from './types.js';
import type { IncomingFile } from './incoming-file.js';
import type { LocalEntry } from './store.js';

/**
 * Received files kept for download, in bytes: as much as one file of the element's default
 * `max-file-size`. Past it the oldest are released (the newest is always kept): five 50 MiB
 * files leave the latest two.
 */
export const KEEP_BYTES = 100 * 1024 * 1024;
/** …and in number: however small the files, at most this many are kept (the oldest released first). */
export const KEEP_FILES = 100;

/**
 * Received files kept for download, oldest first: past `limit.bytes` in all or `limit.files`
 * files the oldest are released (the newest always stays), and their lines say they are no
 * longer kept.
 */
export class KeptFiles {
  #kept: { file: IncomingFile; entry: LocalEntry<ChatLine> }[] = [];
  #bytes = 0;

  /** `changed` is told when lines changed. */
  constructor(
    private readonly limit: { bytes: number; files: number },
    private readonly changed: () => void,
  ) {}

  /** Keeps a received file, shown by `entry`. */
  keep(file: IncomingFile, entry: LocalEntry<ChatLine>): void {
    this.#kept.push({ file, entry });
    this.#bytes += file.base.size;
    let n = 0;
    const over = (bytes: number) => bytes > this.limit.bytes || this.#kept.length - n > this.limit.files;
    for (let bytes = this.#bytes; over(bytes) && n < this.#kept.length - 1; n++) bytes -= this.#kept[n].file.base.size;
    this.#release(n);
  }

  /** Releases every kept file (the chat stopped). */
  releaseAll(): void {
    this.#release(this.#kept.length);
  }

  /** Releases the `n` oldest kept files. */
  #release(n: number): void {
    if (!n) return;
    for (const { file, entry } of this.#kept.splice(0, n)) {
      file.release();
      this.#bytes -= file.base.size;
      entry.data = { type: 'file', file: file.snapshot() };
    }
    this.changed();
  }
}
