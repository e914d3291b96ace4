/**
 * File transfers over the mesh's data channels, one stream per recipient.
 *
 * The sender streams the file (never reads it whole) straight into chunk frames, sends them while
 * the channel's `bufferedAmount` is under a high-water mark, and waits for `bufferedamountlow`
 * otherwise, so memory stays bounded and chat frames never queue behind more than a few frames.
 * Integrity: SHA-256 of every chunk, then SHA-256 over the chunk digests (WebCrypto has no
 * incremental hash); the receiver computes the same over what arrived and offers the file only
 * when the two agree and the size and chunk count match.
 *
 * Internal members are `#private`: the bundle's minifier shortens those names.
 */
import type { ExtensionFrame } from '../session/protocol.js';
import { CHUNK_HEADER, CHUNK_PAYLOAD, chatFrame, chunkHeader, frameReader, type ChatFrame, type FrameReader, type RejectReason } from './wire.js';

/** Chunks are sent while the channel holds less than this… */
export const HIGH_WATER = 256 * 1024;
/** …and sending resumes when it has drained to this (`bufferedAmountLowThreshold`). */
export const LOW_WATER = 64 * 1024;
/** The receiver moves chunks into a Blob every this many bytes, so they leave JS memory (fewer, larger Blobs cost less to make). */
const FLUSH_EVERY = 16 * 1024 * 1024;
/** How long a recipient may take to accept an offer, or to confirm a finished file. */
const ANSWER_TIMEOUT = 30_000;
/**
 * A transfer being received fails as stalled after this long (ms) without a chunk or its end.
 * The sender's own answer timeout is as long, and a working sender sends a 256 KiB chunk many
 * times a second: 30 s without one is a sender gone quiet, not a slow link.
 */
export const IDLE_TIMEOUT = 30_000;
/**
 * A transfer of `size` bytes has at most ceil(size / MIN_CHUNK) chunks, so the chunks average at
 * least 4 KiB: per-chunk bookkeeping (a digest, a buffer) stays a small fraction of the file.
 */
export const MIN_CHUNK = 4096;

/** What a transfer needs from the session. */
export interface TransferTransport {
  /** Sends a frame; `bulk` frames ride with the file bytes, in order with them (the session's channel for files). */
  send(id: string, frame: ExtensionFrame | ArrayBuffer, bulk?: boolean): boolean;
  /** The channel the file bytes ride on, for their back-pressure. */
  channel(id: string): RTCDataChannel | null;
}

export type TransferState = 'waiting' | 'sending' | 'receiving' | 'done' | 'canceled' | 'failed';
export type RecipientState = 'waiting' | 'sending' | 'sent' | 'done' | 'canceled' | 'failed';

/**
 * Why a transfer (or one recipient's part of it) ended without the file: `canceled` here,
 * `canceled-there` by the other side, `declined`, `too-large` or `busy` (the recipient turned
 * it down), `left` (the other side left), `interrupted` (the connection was replaced mid-way),
 * `corrupt` (the hash or size did not match), `no-answer`, `stalled` (nothing arrived for
 * IDLE_TIMEOUT), `invalid` (the sender sent what the protocol does not allow: an empty chunk,
 * more data or chunks than offered), `error` (a protocol violation or an unreadable file).
 */
export type TransferReason = '' | 'canceled' | 'canceled-there' | 'declined' | 'too-large' | 'busy' | 'left' | 'interrupted' | 'corrupt' | 'no-answer' | 'stalled' | 'invalid' | 'error';

export interface FileRecipient {
  readonly id: string;
  readonly name: string;
  readonly state: RecipientState;
  /** Bytes sent to this recipient so far. */
  readonly bytes: number;
  readonly reason: TransferReason;
}

/** A file transfer as the page sees it: sent (`mine`) or received. */
export interface ChatFile {
  /** Unique in the room, the same on both sides: the sender's peer id, `/`, the transfer number. */
  readonly id: string;
  /** The file name (plain text, no path). */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /**
   * The MIME type the sender declared ('' if none, or if it did not look like one). A received
   * file's `blob` has this type (`application/octet-stream` when empty): a page that shows the
   * file itself must treat it as the peer's word, never as a type it checked.
   */
  readonly type: string;
  /** The sender's peer id. */
  readonly from: string;
  /** The sender's display name. */
  readonly fromName: string;
  /** Whether this page sends it. */
  readonly mine: boolean;
  /** When it was offered (ms since the epoch, local clock). */
  readonly time: number;
  readonly state: TransferState;
  /** Bytes received; for a sent file, the average sent to those still taking it. */
  readonly bytes: number;
  /** Why it ended without the file ('' otherwise). */
  readonly reason: TransferReason;
  /** For a sent file, each recipient's part; empty for a received one. */
  readonly recipients: readonly FileRecipient[];
  /** A received file, once verified and while it is kept; null otherwise and for sent files. */
  readonly blob: Blob | null;
  /**
   * True once a received file is no longer kept (`blob` is null again): the chat left the room,
   * or newer files took the room it had (see `ChatRoom`'s `keepBytes`).
   */
  readonly released: boolean;
}

type FileBase = Pick<ChatFile, 'id' | 'name' | 'size' | 'type' | 'from' | 'fromName' | 'mine' | 'time'>;

/** Whether a transfer (or a recipient's part) has ended. */
export const isOver = (state: string) => state === 'done' || state === 'canceled' || state === 'failed';

/** How a transfer ended, by reason ('' is the file arriving). */
const ENDED: Record<TransferReason, string> = {
  '': 'received',
  canceled: 'canceled',
  'canceled-there': 'canceled by the other side',
  declined: 'declined',
  'too-large': 'refused: too large',
  busy: 'refused: busy',
  left: 'left before the end',
  interrupted: 'connection interrupted',
  corrupt: 'damaged in transit, not offered',
  'no-answer': 'no answer',
  stalled: 'stalled: nothing arrived for 30 s',
  invalid: 'stopped: the sender sent invalid data',
  error: 'failed',
};

/** A transfer's state in words, as the element shows it and errors report it. */
export function describe(f: ChatFile): string {
  if (!isOver(f.state)) return f.state === 'waiting' && f.mine ? 'Waiting for an answer…' : `${f.mine ? 'Sending' : 'Receiving'}… ${f.size ? Math.floor((f.bytes / f.size) * 100) : 0}%`;
  // A sent file: who has it, who does not and why.
  if (f.mine && f.reason !== 'canceled') return f.recipients.map((r) => `${r.name}: ${ENDED[r.reason]}`).join('; ');
  if (f.reason === 'canceled-there') return `Canceled by ${f.fromName}`;
  const text = f.state === 'done' ? (f.released ? 'received; no longer kept' : 'received and verified') : ENDED[f.reason];
  return text[0].toUpperCase() + text.slice(1);
}

/** SHA-256 over the concatenated SHA-256 digests of the chunks, as hex. */
export async function rootDigest(digests: readonly Promise<ArrayBuffer>[]): Promise<string> {
  const all = await Promise.all(digests);
  const joined = new Uint8Array(all.length * 32);
  all.forEach((d, i) => joined.set(new Uint8Array(d), i * 32));
  return Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', joined)), (b) => b.toString(16).padStart(2, '0')).join('');
}

const sha256 = (data: Uint8Array<ArrayBuffer>) => crypto.subtle.digest('SHA-256', data);

function base(n: number, from: { id: string; name: string }, name: string, size: number, type: string, mine: boolean): FileBase {
  return { id: `${from.id}/${n}`, name, size, type, from: from.id, fromName: from.name, mine, time: Date.now() };
}

/** A file this page sends to the members present when it started. */
export class OutgoingFile {
  readonly base: FileBase;
  readonly #streams: OutgoingStream[];
  /** Chunk digests, shared by the streams: every stream cuts the file at the same places. */
  readonly #digests: Promise<ArrayBuffer>[] = [];
  #canceled = false;
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
  ) {
    this.base = base(n, from, name, blob.size, type, true);
    this.#streams = recipients.map((r) => new OutgoingStream(this, r.id, r.name));
  }

  start(): void {
    for (const s of this.#streams) void s.run();
  }

  get state(): TransferState {
    const streams = this.#streams;
    if (!streams.every((s) => isOver(s.state))) return streams.some((s) => s.state !== 'waiting') ? 'sending' : 'waiting';
    return streams.some((s) => s.state === 'done') ? 'done' : this.#canceled || streams.some((s) => s.state === 'canceled') ? 'canceled' : 'failed';
  }

  /** Stops sending to everyone. */
  cancel(): void {
    this.#canceled = true;
    for (const s of this.#streams) s.end('canceled', 'canceled', true);
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

  constructor(
    readonly file: OutgoingFile,
    readonly peer: string,
    readonly name: string,
  ) {}

  #send(frame: ChatFrame | ArrayBuffer): boolean {
    if (frame instanceof ArrayBuffer) return this.file.transport.send(this.peer, frame);
    // The end of the file (or its cancelling) must not overtake the last chunks.
    return this.file.transport.send(this.peer, chatFrame(frame), frame.t === 'file-end' || frame.t === 'file-cancel');
  }

  /** Ends this recipient's transfer (once); `tell` sends the recipient a cancel. */
  end(state: RecipientState, reason: TransferReason, tell = false): void {
    if (isOver(this.state)) return;
    this.state = state;
    this.reason = reason;
    this.#reader?.cancel();
    if (tell) this.#send({ t: 'file-cancel', id: this.file.n });
    this.#wake?.();
    this.file.update();
  }

  handle(frame: ChatFrame): void {
    if (frame.t === 'file-accept' && this.state === 'waiting') {
      this.state = 'sending';
      this.#wake?.();
      this.file.update();
    } else if (frame.t === 'file-done') {
      if (this.state !== 'sent') this.end('failed', 'error', true);
      else this.end(frame.ok ? 'done' : 'failed', frame.ok ? '' : 'corrupt');
    } else if (frame.t === 'file-reject') {
      this.end(frame.reason === 'error' ? 'failed' : 'canceled', frame.reason === 'canceled' ? 'canceled-there' : (frame.reason as RejectReason));
    }
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
    if (!this.#send({ t: 'file-offer', id: file.n, name: file.base.name, size, type: file.base.type })) return this.end('failed', 'left');
    await this.#sleep(ANSWER_TIMEOUT);
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
        // Back-pressure; the timeout is a safety net, the loop checks the buffer again.
        while (channel.bufferedAmount > HIGH_WATER && this.state === 'sending' && channel.readyState === 'open') await this.#sleep(1_000, channel);
        if (this.state !== 'sending') return;
        // A replaced connection (the session recovered a broken link) means lost chunks.
        if (channel.readyState !== 'open' || file.transport.channel(this.peer) !== channel) return this.end('failed', 'interrupted');
        file.digest(index, new Uint8Array(frame, CHUNK_HEADER, length));
        // Only the last frame is short: it goes as a copy of just its bytes.
        const whole = length === CHUNK_PAYLOAD ? frame : frame.slice(0, CHUNK_HEADER + length);
        if (!this.#send(chunkHeader(whole, file.n, index++))) return this.end('failed', 'left');
        this.bytes += length;
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
    await this.#sleep(ANSWER_TIMEOUT);
    this.end('failed', 'no-answer');
  }
}

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
  #parts: Blob[] = [];
  #pending: Uint8Array<ArrayBuffer>[] = [];
  #pendingBytes = 0;
  #digests: Promise<ArrayBuffer>[] = [];
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
  ) {
    this.base = base(n, from, name, size, type, false);
    this.#maxChunks = Math.ceil(size / MIN_CHUNK);
  }

  #send(frame: ChatFrame): void {
    this.transport.send(this.base.from, chatFrame(frame));
  }

  accept(): void {
    this.state = 'receiving';
    this.#send({ t: 'file-accept', id: this.n });
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
    if (this.state !== 'receiving') return;
    if (index !== this.#next) return this.fail('interrupted', 'error');
    if (!payload.length || this.bytes + payload.length > this.base.size || this.#next >= this.#maxChunks) return this.fail('invalid', 'error');
    this.#heard();
    this.#next++;
    this.bytes += payload.length;
    this.#digests.push(sha256(payload));
    this.#pending.push(payload);
    this.#pendingBytes += payload.length;
    if (this.#pendingBytes >= FLUSH_EVERY) this.#flush();
    this.changed(this);
  }

  #flush(): void {
    this.#parts.push(new Blob(this.#pending));
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  /** The sender's end frame: verify size, chunk count and hash; offer the file only if all agree. */
  async end(size: number, chunks: number, sha: string): Promise<void> {
    if (this.state !== 'receiving') return;
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
