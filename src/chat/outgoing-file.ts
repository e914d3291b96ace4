/**
 * Sending a file: one stream per recipient, paced by the files channel's buffer and, for a
 * recipient that acknowledges what it got, by what it has not acknowledged yet (send-window.ts).
 *
 * Internal members are `#private`: the bundle's minifier shortens those names.
 */
import { CHUNK_HEADER, CHUNK_PAYLOAD, chatFrame, chunkHeader, frameReader, type ChatFrame, type FrameReader, type RejectReason } from './wire.js';
import { SendWindow } from './send-window.js';
import { fileBase, isOver, rootDigest, sha256, type ChatFile, type FileBase, type RecipientState, type TransferReason, type TransferState, type TransferTransport } from './transfer.js';

/** Chunks are sent while the channel holds less than this… */
export const HIGH_WATER = 256 * 1024;
/** …and sending resumes when it has drained to this (`bufferedAmountLowThreshold`). */
export const LOW_WATER = 64 * 1024;
/**
 * A recipient's stream moves on when at least this much more of the file has been acknowledged
 * (or, from a recipient that does not acknowledge, has left the channel's buffer): a trickle of
 * one-byte acknowledgements is not progress.
 */
const PROGRESS = CHUNK_PAYLOAD;

/** A file this page sends to the members present when it started. */
export class OutgoingFile {
  readonly base: FileBase;
  readonly #streams: OutgoingStream[];
  /** Chunk digests, shared by the streams: every stream cuts the file at the same places. */
  readonly #digests: Promise<ArrayBuffer>[] = [];
  #canceled = false;
  /** Offered: its turn came (files.ts sends a few at a time). */
  #started = false;
  /**
   * Recipients whose stream a replaced connection cut off. The cancel that tells them may have
   * found no connection to go on (Firefox closes a failed one before the fresh one exists), so it
   * goes again when the fresh one comes (FileTransfers.reconnected).
   */
  readonly cut = new Set<string>();
  #settle!: () => void;
  /** Settles when every recipient has the file or dropped out. */
  readonly finished = new Promise<void>((resolve) => (this.#settle = resolve));

  constructor(
    readonly n: number,
    readonly blob: Blob,
    name: string,
    type: string,
    from: { id: string; name: string },
    recipients: readonly { id: string; name: string }[],
    readonly transport: TransferTransport,
    readonly changed: (file: OutgoingFile) => void,
    /** How long (ms) a recipient may take to answer an offer or a finished file, or to make progress. */
    readonly patience: number,
  ) {
    this.base = fileBase(n, from, name, blob.size, type, true);
    this.#streams = recipients.map((r) => new OutgoingStream(this, r.id, r.name));
  }

  start(): void {
    this.#started = true;
    // A recipient may have left while the file waited its turn.
    for (const s of this.#streams) if (!isOver(s.state)) void s.run();
    // Offered now: waiting for the answers.
    this.update();
  }

  get state(): TransferState {
    const streams = this.#streams;
    if (!streams.every((s) => isOver(s.state))) return !this.#started ? 'queued' : streams.some((s) => s.state !== 'waiting') ? 'sending' : 'waiting';
    return streams.some((s) => s.state === 'done') ? 'done' : this.#canceled || streams.some((s) => s.state === 'canceled') ? 'canceled' : 'failed';
  }

  /** Stops sending to everyone; those it was offered to are told. */
  cancel(): void {
    this.#canceled = true;
    for (const s of this.#streams) s.end('canceled', 'canceled', this.#started);
  }

  /** A recipient left the room. */
  left(peer: string): void {
    for (const s of this.#streams) if (s.peer === peer) s.end('failed', 'left');
  }

  /** A frame about this file from one of its recipients. */
  handle(peer: string, frame: ChatFrame): void {
    this.#streams.find((s) => s.peer === peer)?.handle(frame);
  }

  /** The digest of chunk `index`, computed once for all streams. */
  digest(index: number, payload: Uint8Array<ArrayBuffer>): void {
    this.#digests[index] ??= sha256(payload);
  }

  root(chunks: number): Promise<string> {
    return rootDigest(this.#digests.slice(0, chunks));
  }

  update(): void {
    this.changed(this);
    if (this.#streams.every((s) => isOver(s.state))) this.#settle();
  }

  snapshot(): ChatFile {
    const state = this.state;
    const going = this.#streams.filter((s) => !isOver(s.state) || s.state === 'done');
    return {
      ...this.base,
      state,
      bytes: going.length ? Math.round(going.reduce((sum, s) => sum + s.bytes, 0) / going.length) : 0,
      // Why it ended without the file: this page canceled, or the first recipient's reason.
      reason: state === 'done' ? '' : this.#canceled ? 'canceled' : (this.#streams.find((s) => s.reason)?.reason ?? ''),
      recipients: this.#streams.map((s) => ({ id: s.peer, name: s.name, state: s.state, bytes: s.bytes, reason: s.reason })),
      blob: null,
      released: false,
    };
  }
}

/** One recipient's copy of an outgoing file. */
class OutgoingStream {
  state: RecipientState = 'waiting';
  reason: TransferReason = '';
  /** Bytes handed to the channel. */
  bytes = 0;
  /** Wakes the sending loop while it waits (for an answer or for the channel to drain). */
  #wake: (() => void) | null = null;
  /** The file's reader while sending, to stop it when the transfer ends early. */
  #reader: FrameReader | null = null;
  /** What may be unacknowledged, once the recipient said it acknowledges (its `file-accept`). */
  #window: SendWindow | null = null;
  /** When the recipient last made progress (PROGRESS more acknowledged or drained), or accepted… */
  #heard = 0;
  /** …and how far it had got then: acknowledged bytes, or bytes handed over minus those still buffered. */
  #heardAt = 0;

  constructor(
    readonly file: OutgoingFile,
    readonly peer: string,
    readonly name: string,
  ) {}

  #send(frame: ChatFrame | ArrayBuffer): boolean {
    // Everything about the file rides with its chunks, in order: its end and its cancelling must
    // not overtake the last chunks, nor its offer an earlier file's cancelling (the recipient
    // would still count that one under way, and refuse this one as busy).
    return this.file.transport.send(this.peer, frame instanceof ArrayBuffer ? frame : chatFrame(frame), true);
  }

  /** Ends this recipient's transfer (once); `tell` sends the recipient a cancel. */
  end(state: RecipientState, reason: TransferReason, tell = false): void {
    if (isOver(this.state)) return;
    this.state = state;
    this.reason = reason;
    this.#reader?.cancel();
    if (reason === 'interrupted') this.file.cut.add(this.peer);
    if (tell) this.#send({ t: 'file-cancel', id: this.file.n, ...(reason === 'interrupted' && { reason }) });
    this.#wake?.();
    this.file.update();
  }

  handle(frame: ChatFrame): void {
    if (frame.t === 'file-accept' && this.state === 'waiting') {
      this.state = 'sending';
      if (frame.acks) this.#window = new SendWindow();
      this.#heard = performance.now();
      this.#wake?.();
      this.file.update();
    } else if (frame.t === 'file-ack') {
      if (this.state === 'sending' && this.#window?.ack(frame.bytes)) {
        this.#progress(this.#window.acked);
        this.#wake?.();
      }
    } else if (frame.t === 'file-done') {
      if (this.state !== 'sent') this.end('failed', 'error', true);
      else this.end(frame.ok ? 'done' : 'failed', frame.ok ? '' : 'corrupt');
    } else if (frame.t === 'file-reject') {
      this.end(frame.reason === 'error' ? 'failed' : 'canceled', frame.reason === 'canceled' ? 'canceled-there' : (frame.reason as RejectReason));
    }
  }

  /** Notes how far the recipient has got: the clock starts again only on real progress. */
  #progress(at: number): void {
    if (at >= this.#heardAt + PROGRESS || at >= this.bytes) {
      this.#heard = performance.now();
      this.#heardAt = at;
    }
  }

  /** Whether the recipient has made no progress for longer than the file's patience. */
  #stuck(): boolean {
    return performance.now() - this.#heard > this.file.patience;
  }

  /** Sleeps until woken (an answer, the end, the channel draining or closing), at most `ms`. */
  #sleep(ms: number, channel?: RTCDataChannel): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        channel?.removeEventListener('bufferedamountlow', done);
        channel?.removeEventListener('close', done);
        this.#wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      channel?.addEventListener('bufferedamountlow', done);
      channel?.addEventListener('close', done);
      this.#wake = done;
    });
  }

  async run(): Promise<void> {
    const file = this.file;
    const size = file.base.size;
    if (!this.#send({ t: 'file-offer', id: file.n, name: file.base.name, size, type: file.base.type, acks: true })) return this.end('failed', 'left');
    await this.#sleep(this.file.patience);
    if (this.state === 'waiting') return this.end('failed', 'no-answer', true);
    const channel = file.transport.channel(this.peer);
    if (this.state !== 'sending' || !channel) return this.end('failed', 'left');
    channel.bufferedAmountLowThreshold = LOW_WATER;
    const reader = (this.#reader = frameReader(file.blob));
    let index = 0;
    let next = size ? reader.read() : null;
    try {
      while (next) {
        const { frame, length } = await next;
        // A file that got shorter since it was picked.
        if (!length) throw new Error('short read');
        // Read the next frame while this one goes out.
        next = this.bytes + length < size ? reader.read() : null;
        // Back-pressure; the timeout is a safety net, the loop checks the buffer again. A channel
        // that stops draining (its other end stopped reading) is a recipient gone.
        while (channel.bufferedAmount > HIGH_WATER && this.state === 'sending' && channel.readyState === 'open') {
          if (!this.#window) this.#progress(this.bytes - channel.bufferedAmount);
          if (this.#stuck()) return this.end('failed', 'no-answer', true);
          await this.#sleep(1_000, channel);
        }
        // The recipient's acknowledgements; one that stops answering is gone.
        while (this.#window && !this.#window.open(this.bytes) && this.state === 'sending' && channel.readyState === 'open') {
          if (this.#stuck()) return this.end('failed', 'no-answer', true);
          await this.#sleep(1_000, channel);
        }
        if (this.state !== 'sending') return;
        // A replaced connection (the session recovered a broken link) means lost chunks.
        // The recipient is told on the fresh connection, if there is one (else its side goes idle).
        if (channel.readyState !== 'open' || file.transport.channel(this.peer) !== channel) return this.end('failed', 'interrupted', true);
        file.digest(index, new Uint8Array(frame, CHUNK_HEADER, length));
        // Only the last frame is short: it goes as a copy of just its bytes.
        const whole = length === CHUNK_PAYLOAD ? frame : frame.slice(0, CHUNK_HEADER + length);
        if (!this.#send(chunkHeader(whole, file.n, index++))) return this.end('failed', 'left');
        this.bytes += length;
        this.#window?.sent(this.bytes);
        file.update();
      }
      const sha256 = await file.root(index);
      if (this.state !== 'sending') return;
      this.#send({ t: 'file-end', id: file.n, size, chunks: index, sha256 });
      this.#reader = null;
      this.state = 'sent';
      file.update();
    } catch {
      // The file could not be read (deleted, permissions changed).
      return this.end('failed', 'error', true);
    }
    await this.#sleep(this.file.patience);
    this.end('failed', 'no-answer');
  }
}
