/**
 * Receiving a file: chunks checked against the offer, kept as Blob parts, verified at the end.
 *
 * Internal members are `#private`: the bundle's minifier shortens those names.
 */
import { chatFrame, type ChatFrame, type RejectReason } from './wire.js';
import { fileBase, isOver, rootDigest, sha256, type ChatFile, type FileBase, type TransferReason, type TransferState, type TransferTransport } from './transfer.js';

/** The receiver moves chunks into a Blob every this many bytes, so they leave JS memory (fewer, larger Blobs cost less to make). */
const FLUSH_EVERY = 16 * 1024 * 1024;
/**
 * A transfer being received fails as stalled after this long (ms) without a chunk or its end.
 * The sender waits as long for an answer or for a recipient's progress, and a working sender
 * sends a 64 KiB chunk many times a second: 30 s without one is a sender gone quiet, not a slow
 * link.
 */
export const IDLE_TIMEOUT = 30_000;
/**
 * A transfer of `size` bytes has at most ceil(size / MIN_CHUNK) chunks, so the chunks average at
 * least 4 KiB: per-chunk bookkeeping (a digest, a buffer) stays a small fraction of the file.
 */
export const MIN_CHUNK = 4096;
/**
 * A recipient asked to acknowledge (`file-ack`) does so once this much more has arrived, and at
 * the latest with every second chunk: a sender keeps at least two chunks unacknowledged
 * (send-window.ts), so with smaller chunks than rtc-elements' 64 KiB (acknowledged one by one)
 * it would otherwise wait for ever. No timer is involved, so a recipient in a background tab,
 * whose timers the browser slows, acknowledges as fast as the chunks come.
 */
export const ACK_EVERY = 32 * 1024;

/**
 * A file this page receives. Chunks become Blob parts as they come, so memory stays flat; what
 * a sender may send is bounded by what it offered (bytes and chunks), and a transfer that goes
 * quiet for `idle` ms fails and lets its memory go.
 */
export class IncomingFile {
  readonly base: FileBase;
  state: TransferState = 'waiting';
  reason: TransferReason = '';
  bytes = 0;
  #blob: Blob | null = null;
  #released = false;
  #next = 0;
  readonly #maxChunks: number;
  /** The end frame came: the file is being checked, and nothing more is taken. */
  #ending = false;
  #parts: Blob[] = [];
  #pending: Uint8Array<ArrayBuffer>[] = [];
  #pendingBytes = 0;
  #digests: Promise<ArrayBuffer>[] = [];
  /** The bytes acknowledged so far, when the sender asked for acknowledgements (send-window.ts). */
  #acked = 0;
  /** Chunks since the last acknowledgement. */
  #unacked = 0;
  /** When the last chunk (or the end) arrived, and the timer that checks it. */
  #last = 0;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly n: number,
    from: { id: string; name: string },
    name: string,
    size: number,
    type: string,
    private readonly transport: TransferTransport,
    private readonly changed: (file: IncomingFile) => void,
    private readonly idle = IDLE_TIMEOUT,
    /** Whether the sender asked for acknowledgements. */
    private readonly acks = false,
  ) {
    this.base = fileBase(n, from, name, size, type, false);
    this.#maxChunks = Math.ceil(size / MIN_CHUNK);
  }

  #send(frame: ChatFrame): void {
    this.transport.send(this.base.from, chatFrame(frame));
  }

  accept(): void {
    this.state = 'receiving';
    this.#send({ t: 'file-accept', id: this.n, ...(this.acks && { acks: true }) });
    this.#heard();
    this.changed(this);
  }

  /** Something arrived: the idle clock starts again. One timer, re-armed only when it fires. */
  #heard(): void {
    this.#last = performance.now();
    this.#idleTimer ??= setTimeout(() => this.#checkIdle(), this.idle);
  }

  #checkIdle(): void {
    this.#idleTimer = undefined;
    if (this.state !== 'receiving') return;
    const quiet = performance.now() - this.#last;
    if (quiet >= this.idle) this.fail('stalled', 'error');
    else this.#idleTimer = setTimeout(() => this.#checkIdle(), this.idle - quiet);
  }

  /**
   * Takes a chunk. A gap ends the transfer (the connection was replaced under it); an empty
   * chunk, more bytes than offered or more than ceil(size / MIN_CHUNK) chunks end it as invalid.
   */
  chunk(index: number, payload: Uint8Array<ArrayBuffer>): void {
    // A chunk after the end frame changes nothing: the file is checked as that frame said.
    if (this.state !== 'receiving' || this.#ending) return;
    if (index !== this.#next) return this.fail('interrupted', 'error');
    if (!payload.length || this.bytes + payload.length > this.base.size || this.#next >= this.#maxChunks) return this.fail('invalid', 'error');
    this.#heard();
    this.#next++;
    this.bytes += payload.length;
    this.#digests.push(sha256(payload));
    this.#pending.push(payload);
    this.#pendingBytes += payload.length;
    if (this.#pendingBytes >= FLUSH_EVERY) this.#flush();
    if (this.acks && (++this.#unacked >= 2 || this.bytes - this.#acked >= ACK_EVERY)) {
      this.#acked = this.bytes;
      this.#unacked = 0;
      this.#send({ t: 'file-ack', id: this.n, bytes: this.bytes });
    }
    this.changed(this);
  }

  #flush(): void {
    this.#parts.push(new Blob(this.#pending));
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  /** The sender's end frame: verify size, chunk count and hash; offer the file only if all agree. */
  async end(size: number, chunks: number, sha: string): Promise<void> {
    // Once: each check hashes every chunk's digest again, so a sender repeating its end frame
    // while the first is checked would have this page do that work, and hold its memory, each time.
    if (this.state !== 'receiving' || this.#ending) return;
    this.#ending = true;
    this.#heard();
    const ok = size === this.base.size && this.bytes === size && chunks === this.#next && (await rootDigest(this.#digests)) === sha;
    if (this.state !== 'receiving') return;
    this.#flush();
    // The type the sender declared, when it looks like one (wire.ts's cleanMime), else binary.
    // Nothing here opens the Blob: the element's download link is always binary (see chat.ts).
    if (ok) this.#blob = new Blob(this.#parts, { type: this.base.type || 'application/octet-stream' });
    this.state = ok ? 'done' : 'failed';
    this.reason = ok ? '' : 'corrupt';
    this.#parts = [];
    this.#digests = [];
    clearTimeout(this.#idleTimer);
    this.#send({ t: 'file-done', id: this.n, ok });
    this.changed(this);
  }

  /** Ends the transfer here; `tell` sends the sender a reject with that reason. */
  fail(reason: TransferReason, tell?: RejectReason): void {
    if (isOver(this.state)) return;
    this.state = reason === 'canceled' || reason === 'canceled-there' ? 'canceled' : 'failed';
    this.reason = reason;
    this.#parts = [];
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#digests = [];
    clearTimeout(this.#idleTimer);
    if (tell) this.#send({ t: 'file-reject', id: this.n, reason: tell });
    this.changed(this);
  }

  /** Lets go of a received file: it can no longer be downloaded from the chat. */
  release(): void {
    if (!this.#blob) return;
    this.#blob = null;
    this.#released = true;
  }

  snapshot(): ChatFile {
    return { ...this.base, state: this.state, bytes: this.bytes, reason: this.reason, recipients: [], blob: this.#blob, released: this.#released };
  }
}

