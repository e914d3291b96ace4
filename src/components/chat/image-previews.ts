import { HEAD_BYTES, imageKind, type ImageKind } from '../../chat/image-kind.js';

/** The most pictures read at once: each read is a slice of a Blob, freed once looked at. */
const MAX_READING = 2;

/**
 * The pictures shown in place of a received file's name: one object URL per file that its first
 * bytes say is a PNG, JPEG, GIF or WebP of a sane size (image-kind.ts), typed as that, never as
 * its sender declared. Read once per file, a couple at a time, and let go as the download links
 * are (`keepListed`). A page whose Content-Security-Policy refuses `blob:` images (`img-src`)
 * shows the links alone: the first picture that fails stops them.
 */
export class ImagePreviews {
  readonly #shown = new Map<Blob, { url: string; kind: ImageKind } | null>();
  readonly #waiting: Blob[] = [];
  #reading = 0;
  #refused = false;

  constructor(private readonly changed: () => void) {}

  /** The picture of a received file, once its first bytes were read and it is one; null otherwise. */
  previewOf(blob: Blob): { url: string; kind: ImageKind } | null {
    if (this.#refused) return null;
    if (!this.#shown.has(blob) && !this.#waiting.includes(blob)) {
      this.#waiting.push(blob);
      this.#next();
    }
    return this.#shown.get(blob) ?? null;
  }

  /** A picture did not load (the page's policy, most often): none are shown from now on. */
  refused(): void {
    if (this.#refused) return;
    this.#refused = true;
    this.changed();
  }

  /** Whether any picture is held or waits to be read (nothing to let go of otherwise). */
  get size(): number {
    return this.#shown.size + this.#waiting.length;
  }

  /** Lets go of the pictures of files no longer listed with their data (`listed`, as FileLinks takes it). */
  keepListed(listed: ReadonlySet<Blob | null>): void {
    for (const [blob, shown] of this.#shown) {
      if (listed.has(blob)) continue;
      if (shown) URL.revokeObjectURL(shown.url);
      this.#shown.delete(blob);
    }
    this.#waiting.splice(0, this.#waiting.length, ...this.#waiting.filter((b) => listed.has(b)));
  }

  #next(): void {
    while (this.#reading < MAX_READING && this.#waiting.length) {
      const blob = this.#waiting.shift()!;
      this.#reading++;
      void blob
        .slice(0, HEAD_BYTES)
        .arrayBuffer()
        .then((head) => imageKind(new Uint8Array(head)))
        .catch(() => null)
        .then((kind) => {
          this.#reading--;
          this.#shown.set(blob, kind && { url: URL.createObjectURL(blob.slice(0, blob.size, kind.type)), kind });
          if (kind) this.changed();
          this.#next();
        });
    }
  }
}
